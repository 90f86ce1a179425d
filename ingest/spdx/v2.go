package spdx

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/keiretsu/keiretsu/ingest/internal/bomgraph"
	"github.com/keiretsu/keiretsu/internal/model"
)

type text = bomgraph.Text

// The parts of an SPDX 2.2/2.3 JSON document that the mapping reads.

type doc2 struct {
	SPDXID               text     `json:"SPDXID"`
	Name                 text     `json:"name"`
	DocumentNamespace    text     `json:"documentNamespace"`
	ExternalDocumentRefs []extDoc `json:"externalDocumentRefs"`
	Packages             []pkg2   `json:"packages"`
	Files                []elem2  `json:"files"`
	Snippets             []elem2  `json:"snippets"`
	Relationships        []rel2   `json:"relationships"`
}

type extDoc struct {
	ID       text `json:"externalDocumentId"`
	Document text `json:"spdxDocument"`
}

type elem2 struct {
	SPDXID text `json:"SPDXID"`
}

type pkg2 struct {
	SPDXID       text     `json:"SPDXID"`
	Name         text     `json:"name"`
	VersionInfo  text     `json:"versionInfo"`
	Supplier     text     `json:"supplier"`
	Originator   text     `json:"originator"`
	ExternalRefs []extRef `json:"externalRefs"`
}

type extRef struct {
	Category text `json:"referenceCategory"`
	Type     text `json:"referenceType"`
	Locator  text `json:"referenceLocator"`
}

type rel2 struct {
	Element text `json:"spdxElementId"`
	Type    text `json:"relationshipType"`
	Related text `json:"relatedSpdxElement"`
}

// conv2 converts one SPDX 2 document.
type conv2 struct {
	d        *bomgraph.Doc
	ns       string
	products map[string]string // SPDXID -> product id, for packages
	others   map[string]bool   // SPDXIDs of the document, files and snippets
	extNS    map[string]string // DocumentRef-x -> its namespace
	dups     map[string]bool   // SPDXIDs reported as repeated
}

func fill2(d *bomgraph.Doc, data []byte) error {
	var doc doc2
	if err := json.Unmarshal(data, &doc); err != nil {
		if err := d.JSONError(err); err != nil {
			return err
		}
	}
	c := &conv2{d: d, products: map[string]string{}, others: map[string]bool{}, extNS: map[string]string{}, dups: map[string]bool{}}
	c.ns = firstOf(string(doc.DocumentNamespace), string(doc.Name), d.Base())
	c.others[firstOf(string(doc.SPDXID), "SPDXRef-DOCUMENT")] = true
	for _, f := range doc.Files {
		c.others[string(f.SPDXID)] = true
	}
	for _, s := range doc.Snippets {
		c.others[string(s.SPDXID)] = true
	}
	for _, e := range doc.ExternalDocumentRefs {
		c.extNS[string(e.ID)] = strings.TrimSpace(string(e.Document))
	}
	for i := range doc.Packages {
		c.pkg(&doc.Packages[i], fmt.Sprintf("packages[%d]", i))
	}
	for i, r := range doc.Relationships {
		c.rel(r, fmt.Sprintf("relationships[%d]", i))
	}
	return nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// pkg adds a package's product and sourcing.
func (c *conv2) pkg(p *pkg2, path string) {
	ref := strings.TrimSpace(string(p.SPDXID))
	explicit := ref != ""
	if !explicit {
		ref = firstOf(displayRef(p.Name, p.VersionInfo), path)
	}
	if _, dup := c.products[ref]; dup {
		// A package without SPDXID whose name@version is taken is the same
		// package stated twice; a repeated SPDXID is an error, reported once.
		if explicit && !c.dups[ref] {
			c.dups[ref] = true
			c.d.Warnf(path, path+".SPDXID", "SPDXID %q is used again; this package is dropped, the first kept", ref)
		}
		return
	}
	var purl, cpe, swid string
	for j, r := range p.ExternalRefs {
		loc := strings.TrimSpace(string(r.Locator))
		field := fmt.Sprintf("%s.externalRefs[%d].referenceLocator", path, j)
		switch strings.ToLower(string(r.Type)) {
		case "purl":
			if !bomgraph.IsPurl(loc) {
				c.d.Warnf(path, field, "%q is not a package URL (pkg:type/name); ignored", loc)
			} else if purl == "" {
				purl = loc
			}
		case "cpe23type", "cpe22type":
			if !bomgraph.IsCPE(loc) {
				c.d.Warnf(path, field, "%q is not a CPE name; ignored", loc)
			} else if cpe == "" {
				cpe = loc
			}
		case "swid":
			swid = firstOf(swid, loc)
		}
	}
	id := productID(purl, cpe, "spdx:"+c.ns+":"+ref)
	c.products[ref] = id
	c.d.Product(bomgraph.Product{ID: id, Name: displayName(p.Name, p.VersionInfo), Ref: ref, Path: path,
		Identifiers: []model.Identifier{{Scheme: "purl", Value: purl}, {Scheme: "cpe", Value: cpe}, {Scheme: "swid", Value: swid}}})
	c.agent(id, ref, p.Supplier, bomgraph.RoleSupplier, path, "supplier")
	c.agent(id, ref, p.Originator, bomgraph.RoleManufacturer, path, "originator")
}

// displayRef stands in for a missing SPDXID: name@version.
func displayRef(name, version text) string {
	n, v := strings.TrimSpace(string(name)), strings.TrimSpace(string(version))
	if n == "" || v == "" {
		return n
	}
	return n + "@" + v
}

func (c *conv2) agent(product, ref string, s text, role, path, field string) {
	p, ok, bad := parseAgent(string(s))
	if bad != "" {
		c.d.Warnf(path, path+"."+field, "%q: %s", s, bad)
	}
	if ok {
		c.d.Sourcing(product, p, role, ref, path+"."+field)
	}
}

// rel adds the component edge a relationship states, if it states one.
func (c *conv2) rel(r rel2, path string) {
	l, ok := links2[strings.ToUpper(strings.TrimSpace(string(r.Type)))]
	if !ok {
		return
	}
	a, b := strings.TrimSpace(string(r.Element)), strings.TrimSpace(string(r.Related))
	if b == "NONE" || b == "NOASSERTION" {
		return
	}
	fa, fb := path+".spdxElementId", path+".relatedSpdxElement"
	if l.reverse {
		a, b, fa, fb = b, a, fb, fa
	}
	parent, ok := c.resolve(a, path, fa)
	if !ok {
		return
	}
	child, ok := c.resolve(b, path, fb)
	if !ok {
		return
	}
	c.d.Component(bomgraph.Edge{Parent: parent, Child: child, Optional: l.optional, Ref: string(r.Element), Path: path, Field: fb})
}

// resolve returns the product id of an element: a package of this document, or
// "DocumentRef-x:SPDXRef-y", an element of another document, whose id is
// "spdx:<that document's namespace>:SPDXRef-y" (it resolves when that document is
// loaded and the element is a package with neither purl nor CPE; otherwise it
// is reported as dangling). Files, snippets and the document itself are not
// products: ok is false, silently. An id defined nowhere is an error.
func (c *conv2) resolve(ref, path, field string) (string, bool) {
	if id, ok := c.products[ref]; ok {
		return id, true
	}
	if c.others[ref] {
		return "", false
	}
	if doc, elem, ok := strings.Cut(ref, ":"); ok && strings.HasPrefix(doc, "DocumentRef-") {
		if ns := c.extNS[doc]; ns != "" && elem != "" {
			return "spdx:" + ns + ":" + elem, true
		}
		c.d.Warnf(path, field, "%s is not in externalDocumentRefs (relationship dropped)", doc)
		return "", false
	}
	c.d.Warnf(path, field, "no package, file or snippet has SPDXID %q (relationship dropped)", ref)
	return "", false
}
