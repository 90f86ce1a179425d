package spdx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/keiretsu/keiretsu/ingest/internal/bomgraph"
	"github.com/keiretsu/keiretsu/internal/model"
)

// The parts of an SPDX 3.0 JSON-LD document that the mapping reads: the
// elements of @graph, compacted with the SPDX 3 context (the form the spec's
// serialization and its tools write).

type doc3 struct {
	Graph []elem3 `json:"@graph"`
}

type elem3 struct {
	SpdxID             text     `json:"spdxId"`
	AtID               text     `json:"@id"`
	Type               text     `json:"type"`
	AtType             text     `json:"@type"`
	Name               text     `json:"name"`
	PackageVersion     text     `json:"software_packageVersion"`
	PackageURL         text     `json:"software_packageUrl"`
	ExternalIdentifier []extID3 `json:"externalIdentifier"`
	SuppliedBy         ref3     `json:"suppliedBy"`
	OriginatedBy       refs3    `json:"originatedBy"`
	From               ref3     `json:"from"`
	To                 refs3    `json:"to"`
	RelationshipType   text     `json:"relationshipType"`
	Scope              text     `json:"scope"`
}

type extID3 struct {
	Type       text `json:"externalIdentifierType"`
	Identifier text `json:"identifier"`
}

// id is the element's spdxId (or JSON-LD @id).
func (e *elem3) id() string { return strings.TrimSpace(string(firstText(e.SpdxID, e.AtID))) }

// kind is the element's class without prefixes: "software_Package" and
// ".../Software/Package" are "Package".
func (e *elem3) kind() string {
	t := localName(string(firstText(e.Type, e.AtType)))
	return strings.TrimPrefix(t, "software_")
}

// isPackage reports whether an element's kind is software_Package or one of its
// subclasses in other profiles (ai_AIPackage, dataset_DatasetPackage: a model or
// a data set is a package too), each a product.
func isPackage(kind string) bool {
	switch kind {
	case "Package", "ai_AIPackage", "dataset_DatasetPackage", "AIPackage", "DatasetPackage":
		return true
	}
	// A later profile's subclass, written profile_ClassPackage.
	profile, class, ok := strings.Cut(kind, "_")
	return ok && profile != "" && strings.HasSuffix(class, "Package")
}

func firstText(a, b text) text {
	if a != "" {
		return a
	}
	return b
}

// localName is the part of an IRI or vocabulary term after its last '/'.
func localName(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// ref3 is a reference to an element: its id, or the element written inline
// (whose id is taken).
type ref3 string

// UnmarshalJSON reads a string or an object with spdxId or @id; it never fails.
func (r *ref3) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var e elem3
		if json.Unmarshal(b, &e) == nil {
			*r = ref3(e.id())
		}
		return nil
	}
	var t text
	_ = t.UnmarshalJSON(b)
	*r = ref3(strings.TrimSpace(string(t)))
	return nil
}

// refs3 is a list of references, or one.
type refs3 []ref3

// UnmarshalJSON reads an array of references or one; it never fails.
func (l *refs3) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var v []ref3
		_ = json.Unmarshal(b, &v)
		*l = v
		return nil
	}
	var r ref3
	_ = r.UnmarshalJSON(b)
	if r != "" {
		*l = refs3{r}
	}
	return nil
}

// conv3 converts one SPDX 3 document.
type conv3 struct {
	d     *bomgraph.Doc
	graph []elem3
	ns    string
	at    map[string]int    // element id -> index in graph (the first)
	prod  map[string]string // package element id -> product id
}

func fill3(d *bomgraph.Doc, data []byte) error {
	var doc doc3
	if err := json.Unmarshal(data, &doc); err != nil {
		if err := d.JSONError(err); err != nil {
			return err
		}
	}
	if doc.Graph == nil {
		// A document of one element, without @graph.
		var e elem3
		if json.Unmarshal(data, &e) == nil && e.kind() != "" {
			doc.Graph = []elem3{e}
		}
	}
	c := &conv3{d: d, graph: doc.Graph, at: map[string]int{}, prod: map[string]string{}}
	c.index()
	for i := range c.graph {
		if e := &c.graph[i]; isPackage(e.kind()) && c.first(i) {
			c.pkg(e, fmt.Sprintf("@graph[%d]", i))
		}
	}
	for i := range c.graph {
		if e := &c.graph[i]; strings.HasSuffix(e.kind(), "Relationship") && c.first(i) {
			c.rel(e, fmt.Sprintf("@graph[%d]", i))
		}
	}
	return nil
}

// first reports whether graph element i is not a repetition of an id.
func (c *conv3) first(i int) bool {
	id := c.graph[i].id()
	return id == "" || c.at[id] == i
}

// index records each element by id (reporting a repeated id once) and the
// namespace for ids that are not IRIs: the SpdxDocument's name, else the file's.
func (c *conv3) index() {
	reported := map[string]bool{}
	for i := range c.graph {
		e := &c.graph[i]
		id := e.id()
		if id == "" {
			continue
		}
		if _, dup := c.at[id]; dup {
			if !reported[id] {
				reported[id] = true
				path := fmt.Sprintf("@graph[%d]", i)
				c.d.Warnf(path, path+".spdxId", "element %q is stated again; this one is dropped, the first kept", id)
			}
			continue
		}
		c.at[id] = i
		if e.kind() == "SpdxDocument" && c.ns == "" {
			c.ns = strings.TrimSpace(string(e.Name))
		}
	}
	if c.ns == "" {
		c.ns = c.d.Base()
	}
}

// fallbackID is the product id of a package with neither purl nor CPE. An id
// "<namespace>#<local>" (the SPDX 2 to 3 migration's form) gives
// "spdx:<namespace>:<local>", as the same package has in SPDX 2; another IRI
// gives "spdx:<IRI>"; a blank node "spdx:<document name>:<id>".
func (c *conv3) fallbackID(id string) string {
	if i := strings.LastIndexByte(id, '#'); i > 0 && i < len(id)-1 {
		return "spdx:" + id[:i] + ":" + id[i+1:]
	}
	if strings.Contains(id, ":") && !strings.HasPrefix(id, "_:") {
		return "spdx:" + id
	}
	return "spdx:" + c.ns + ":" + id
}

func (c *conv3) pkg(e *elem3, path string) {
	ref := e.id()
	if ref == "" {
		ref = firstOf(displayRef(e.Name, e.PackageVersion), path)
	}
	purl := strings.TrimSpace(string(e.PackageURL))
	var cpe, swid string
	for j, x := range e.ExternalIdentifier {
		v := strings.TrimSpace(string(x.Identifier))
		field := fmt.Sprintf("%s.externalIdentifier[%d].identifier", path, j)
		switch localName(string(x.Type)) {
		case "packageUrl":
			purl = firstOf(purl, v)
		case "cpe23", "cpe22":
			if !bomgraph.IsCPE(v) {
				c.d.Warnf(path, field, "%q is not a CPE name; ignored", v)
			} else if cpe == "" {
				cpe = v
			}
		case "swid":
			swid = firstOf(swid, v)
		}
	}
	if purl != "" && !bomgraph.IsPurl(purl) {
		c.d.Warnf(path, path+".software_packageUrl", "%q is not a package URL (pkg:type/name); ignored", purl)
		purl = ""
	}
	id := productID(purl, cpe, c.fallbackID(ref))
	c.prod[ref] = id
	c.d.Product(bomgraph.Product{ID: id, Name: displayName(e.Name, e.PackageVersion), Ref: ref, Path: path,
		Identifiers: []model.Identifier{{Scheme: "purl", Value: purl}, {Scheme: "cpe", Value: cpe}, {Scheme: "swid", Value: swid}}})
	if e.SuppliedBy != "" {
		c.agent(id, ref, string(e.SuppliedBy), bomgraph.RoleSupplier, path, path+".suppliedBy")
	}
	for j, o := range e.OriginatedBy {
		c.agent(id, ref, string(o), bomgraph.RoleManufacturer, path, fmt.Sprintf("%s.originatedBy[%d]", path, j))
	}
}

// agent links a product to the Organization, Person or Agent element agentID.
func (c *conv3) agent(product, ref, agentID, role, path, field string) {
	i, ok := c.at[agentID]
	if !ok {
		c.d.Warnf(path, field, "agent %q is not in this document; its name is unknown (ignored)", agentID)
		return
	}
	a := &c.graph[i]
	var p bomgraph.Party
	switch a.kind() {
	case "Organization", "Agent":
	case "Person":
		p.Person = true
	default:
		c.d.Warnf(path, field, "%q is a %s, not an Organization, Person or Agent (ignored)", agentID, a.kind())
		return
	}
	p.Name = string(a.Name)
	c.d.Sourcing(product, p, role, ref, field)
}

// rel adds the component edges (or, for availableFrom, the suppliers) a
// relationship states.
func (c *conv3) rel(e *elem3, path string) {
	ref := firstOf(e.id(), path)
	rt := localName(string(e.RelationshipType))
	if rt == "availableFrom" {
		if product, ok := c.prod[string(e.From)]; ok {
			for j, to := range e.To {
				c.agent(product, ref, string(to), bomgraph.RoleSupplier, path, fmt.Sprintf("%s.to[%d]", path, j))
			}
		}
		return
	}
	l, ok := links3[rt]
	if !ok {
		return
	}
	if s := localName(string(e.Scope)); s == "development" || s == "test" {
		return
	}
	parent, ok := c.resolve(string(e.From), path, path+".from")
	if !ok {
		return
	}
	for j, to := range e.To {
		field := fmt.Sprintf("%s.to[%d]", path, j)
		if child, ok := c.resolve(string(to), path, field); ok {
			c.d.Component(bomgraph.Edge{Parent: parent, Child: child, Optional: l.optional, Ref: ref, Path: path, Field: field})
		}
	}
}

// resolve returns the product id of a package of this document, or of an element
// of another document named by its IRI (see fallbackID; it resolves when that
// document is loaded and the element is a package with neither purl nor CPE,
// else it is reported as dangling). Elements of this document that are not
// packages (files, snippets, documents) are not products: ok is false, silently.
func (c *conv3) resolve(id, path, field string) (string, bool) {
	if pid, ok := c.prod[id]; ok {
		return pid, true
	}
	if _, ok := c.at[id]; ok {
		return "", false
	}
	if id == "" || strings.HasPrefix(id, "_:") || !strings.Contains(id, ":") {
		c.d.Warnf(path, field, "no element has id %q (relationship dropped)", id)
		return "", false
	}
	return c.fallbackID(id), true
}
