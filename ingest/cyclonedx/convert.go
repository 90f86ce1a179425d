package cyclonedx

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/keiretsu/keiretsu/ingest/internal/bomgraph"
	"github.com/keiretsu/keiretsu/internal/model"
)

// lineKeys are the JSON keys whose values are items that errors point at.
var lineKeys = []string{"metadata", "component", "components", "services", "dependencies"}

// node is one BOM item (component or service) that becomes a product.
type node struct {
	id       string
	ref      string // bom-ref, or name@version when the item has none
	explicit bool   // ref is the item's own bom-ref
	path     string
	optional bool // scope optional or excluded
	quantity *float64
}

// occurrence is one place in the document where an item is stated.
type occurrence struct {
	comp   *component // or
	svc    *service
	path   string
	parent *node // nil: a top-level item of a BOM without metadata.component
	node   *node
	dup    bool // a second item with the same bom-ref: only its children count
}

type converter struct {
	d     *bomgraph.Doc
	b     *bom
	ns    string
	refs  map[string]*node
	dups  map[string]bool
	occ   []occurrence
	root  *node
	rootC *component
}

// fill converts a CycloneDX JSON document into d.
func fill(d *bomgraph.Doc, data []byte) error {
	var b bom
	if err := json.Unmarshal(data, &b); err != nil {
		if err := d.JSONError(err); err != nil {
			return err
		}
	}
	if !strings.EqualFold(b.BOMFormat, "CycloneDX") {
		return d.Fatal("bomFormat", "bomFormat", "not a CycloneDX BOM (bomFormat is %q)", b.BOMFormat)
	}
	if v := string(b.SpecVersion); v != "" && !strings.HasPrefix(v, "1.") {
		return d.Fatal("specVersion", "specVersion", "CycloneDX %s is not supported (1.2 to 1.6 are)", v)
	}
	c := &converter{d: d, b: &b, refs: map[string]*node{}, dups: map[string]bool{}}
	c.ns = strings.TrimSpace(string(b.SerialNumber))
	if c.ns == "" {
		c.ns = d.Base()
	}
	c.collect()
	c.products()
	c.nesting()
	c.dependencies()
	return nil
}

// collect finds every item and its product id, in document order, so that
// dependencies can refer to items stated anywhere.
func (c *converter) collect() {
	if m := c.b.Metadata; m != nil && m.Component != nil {
		c.rootC = m.Component
		c.root = c.item(m.Component, nil, "metadata.component", nil)
		c.components(m.Component.Components, c.root, "metadata.component.components")
	}
	c.components(c.b.Components, c.root, "components")
	c.services(c.b.Services, c.root, "services")
}

func (c *converter) components(list []component, parent *node, path string) {
	for i := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		n := c.item(&list[i], nil, p, parent)
		c.components(list[i].Components, n, p+".components")
	}
}

func (c *converter) services(list []service, parent *node, path string) {
	for i := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		n := c.item(nil, &list[i], p, parent)
		c.services(list[i].Services, n, p+".services")
	}
}

// item registers one component or service and returns its node (for a duplicate
// bom-ref, the node of the first item with it).
func (c *converter) item(comp *component, svc *service, path string, parent *node) *node {
	var ref, name, version string
	if comp != nil {
		ref, name, version = string(comp.BOMRef), string(comp.Name), string(comp.Version)
	} else {
		ref, name, version = string(svc.BOMRef), string(svc.Name), string(svc.Version)
	}
	n := &node{ref: ref, explicit: ref != "", path: path}
	if !n.explicit {
		n.ref = syntheticRef(name, version, path)
	}
	o := occurrence{comp: comp, svc: svc, path: path, parent: parent, node: n}
	if first, ok := c.refs[ref]; ok && n.explicit {
		if !c.dups[ref] {
			c.dups[ref] = true
			c.d.Warnf(path, path+".bom-ref", "bom-ref %q is used again (first at %s); this item is dropped, the first kept", ref, first.path)
		}
		o.node, o.dup = first, true
		c.occ = append(c.occ, o)
		return first
	}
	if comp != nil {
		n.id = c.componentID(comp, n.ref, path)
		n.optional = comp.Scope == "optional" || comp.Scope == "excluded"
	} else {
		n.id = "cdx:" + c.ns + ":" + n.ref
	}
	if n.explicit {
		c.refs[ref] = n
	}
	c.occ = append(c.occ, o)
	return n
}

// syntheticRef stands in for a missing bom-ref: name@version, which is stable
// across runs of the tool that made the BOM.
func syntheticRef(name, version, path string) string {
	name, version = strings.TrimSpace(name), strings.TrimSpace(version)
	switch {
	case name == "":
		return path
	case version == "":
		return name
	}
	return name + "@" + version
}

// componentID is "purl:<purl>", else "cpe:<cpe>", else "cdx:<serial>:<ref>". A
// purl or CPE that is not one is reported and not used.
func (c *converter) componentID(comp *component, ref, path string) string {
	if p := c.purl(comp, path); p != "" {
		return "purl:" + p
	}
	if p := c.cpe(comp, path); p != "" {
		return "cpe:" + p
	}
	return "cdx:" + c.ns + ":" + ref
}

func (c *converter) purl(comp *component, path string) string {
	p := strings.TrimSpace(string(comp.Purl))
	if p != "" && !bomgraph.IsPurl(p) {
		c.d.Warnf(path, path+".purl", "%q is not a package URL (pkg:type/name); ignored", p)
		return ""
	}
	return p
}

func (c *converter) cpe(comp *component, path string) string {
	p := strings.TrimSpace(string(comp.CPE))
	if p != "" && !bomgraph.IsCPE(p) {
		c.d.Warnf(path, path+".cpe", "%q is not a CPE name (cpe:2.3:... or cpe:/...); ignored", p)
		return ""
	}
	return p
}

// products adds every item's product and sourcing, in document order.
func (c *converter) products() {
	for _, o := range c.occ {
		if o.dup {
			continue
		}
		n := o.node
		if o.svc != nil {
			s := o.svc
			c.d.Product(bomgraph.Product{ID: n.id, Name: displayName(s.Group, s.Name, s.Version), Category: "service",
				Ref: n.ref, Path: o.path})
			c.party(n, s.Provider, bomgraph.RoleSupplier, o.path, "provider")
			continue
		}
		comp := o.comp
		p := bomgraph.Product{ID: n.id, Name: displayName(comp.Group, comp.Name, comp.Version), Ref: n.ref, Path: o.path}
		f := c.facts(comp, o.path)
		n.quantity = f.quantity
		addID := func(scheme, v string) {
			if v != "" {
				p.Identifiers = append(p.Identifiers, model.Identifier{Scheme: scheme, Value: v})
			}
		}
		if strings.HasPrefix(n.id, "purl:") {
			addID("purl", strings.TrimPrefix(n.id, "purl:"))
		}
		if cpe := strings.TrimSpace(string(comp.CPE)); bomgraph.IsCPE(cpe) {
			addID("cpe", cpe)
		}
		if comp.SWID != nil {
			addID("swid", string(comp.SWID.TagID))
		}
		addID("gtin", f.gtin)
		addID("mpn", f.mpn)
		addID("sku", f.sku)
		c.d.Product(p)
		c.party(n, comp.Supplier, bomgraph.RoleSupplier, o.path, "supplier")
		c.party(n, comp.Manufacturer, bomgraph.RoleManufacturer, o.path, "manufacturer")
		if comp == c.rootC {
			c.party(n, c.b.Metadata.Supplier, bomgraph.RoleSupplier, "metadata", "supplier")
			c.party(n, c.b.Metadata.Manufacture, bomgraph.RoleManufacturer, "metadata", "manufacture")
		}
	}
}

func (c *converter) party(n *node, e *orgEntity, role, path, field string) {
	if e == nil {
		return
	}
	p := bomgraph.Party{Name: string(e.Name)}
	if len(e.URL) > 0 {
		p.URL = string(e.URL[0])
	}
	if e.Address != nil {
		p.Country = string(e.Address.Country)
		p.Site = bomgraph.Site(string(e.Address.Country), string(e.Address.Region))
	}
	for _, ct := range e.Contact {
		if p.Email == "" {
			p.Email = strings.TrimSpace(string(ct.Email))
		}
	}
	c.d.Sourcing(n.id, p, role, n.ref, path+"."+field)
}

// displayName is "group/name version", the parts that are present.
func displayName(group, name, version text) string {
	s := strings.TrimSpace(string(name))
	if g := strings.TrimSpace(string(group)); g != "" && s != "" {
		s = g + "/" + s
	}
	if v := strings.TrimSpace(string(version)); v != "" && s != "" {
		s += " " + v
	}
	return s
}

// facts are what a component's properties and external references add.
type facts struct {
	quantity                   *float64
	deviceType, gtin, mpn, sku string
}

// facts reads the cdx:device (and older cdx:deviceInfo) property taxonomy, plain
// "mpn", "sku" and "gtin" properties, a top-level quantity, and a GTIN in a GS1
// Digital Link external reference.
func (c *converter) facts(comp *component, path string) facts {
	var f facts
	if q := strings.TrimSpace(string(comp.Quantity)); q != "" {
		f.quantity = c.quantity(q, path, path+".quantity")
	}
	for j, p := range comp.Properties {
		name := strings.ToLower(strings.TrimSpace(string(p.Name)))
		for _, ns := range []string{"cdx:device:", "cdx:deviceinfo:"} {
			name = strings.TrimPrefix(name, ns)
		}
		v := strings.TrimSpace(string(p.Value))
		switch name {
		case "quantity":
			if f.quantity == nil {
				f.quantity = c.quantity(v, path, fmt.Sprintf("%s.properties[%d].value", path, j))
			}
		case "devicetype":
			f.deviceType = orElse(f.deviceType, v)
		case "gtin", "gs1:gtin", "gs1:gtin-8", "gs1:gtin-12", "gs1:gtin-13", "gs1:gtin-14":
			f.gtin = orElse(f.gtin, v)
		case "mpn":
			f.mpn = orElse(f.mpn, v)
		case "sku":
			f.sku = orElse(f.sku, v)
		}
	}
	if f.gtin == "" {
		for _, r := range comp.ExternalReferences {
			if g := digitalLinkGTIN(string(r.URL)); g != "" {
				f.gtin = g
				break
			}
		}
	}
	return f
}

func orElse(have, v string) string {
	if have != "" {
		return have
	}
	return v
}

func (c *converter) quantity(v, path, field string) *float64 {
	q, ok := text(v).Number()
	if !ok || q < 0 {
		c.d.Warnf(path, field, "quantity %q is not a non-negative number; ignored", v)
		return nil
	}
	return &q
}

// digitalLinkGTIN returns the GTIN of a GS1 Digital Link URL (".../01/<GTIN>..."),
// when its check digit is right.
func digitalLinkGTIN(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	segs := strings.Split(u.Path, "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] == "01" && isGTIN(segs[i+1]) {
			return segs[i+1]
		}
	}
	return ""
}

// isGTIN checks the length (8, 12, 13 or 14 digits) and the GS1 check digit.
func isGTIN(s string) bool {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	sum := 0
	for i := len(s) - 2; i >= 0; i-- {
		ch := s[i]
		if ch < '0' || ch > '9' {
			return false
		}
		w := 1
		if (len(s)-2-i)%2 == 0 {
			w = 3
		}
		sum += int(ch-'0') * w
	}
	last := s[len(s)-1]
	return last >= '0' && last <= '9' && int(last-'0') == (10-sum%10)%10
}

// nesting adds the containment edges: metadata.component to each top-level item,
// and each item to the items nested in it.
func (c *converter) nesting() {
	direct, reached := c.chains()
	for _, o := range c.occ {
		if o.dup || o.parent == nil {
			continue
		}
		n := o.node
		e := bomgraph.Edge{Parent: o.parent.id, Child: n.id, Quantity: n.quantity, Optional: n.optional, Ref: n.ref, Path: o.path}
		if o.parent == c.root && len(direct) > 0 && inventoryPath(o.path) && !direct[n.id] {
			if reached[n.id] {
				continue // the dependency chain places it
			}
			e.Inventory = true
		}
		c.d.Component(e)
	}
}

// chains reads the dependency graph from the root: the items the root depends
// on directly, and every item it reaches through dependencies, by id. Both
// are empty when the graph says nothing of the root.
//
// A root that lists every component at the top level (an inventory) while the
// dependency graph gives the real chains would otherwise make every component
// one hop from the root, and a screening's path would skip the chain through
// which the root really depends on it. So a top-level component of the root
// that the root reaches only through others gets no edge from the root (its
// chain brings it into the bill of materials), and one the dependency graph
// does not reach at all keeps its edge, marked as an inventory link in its
// source.
func (c *converter) chains() (direct, reached map[string]bool) {
	if c.root == nil {
		return nil, nil
	}
	deps := map[string][]string{}
	for _, dep := range c.b.Dependencies {
		parent, ok := c.refs[string(dep.Ref)]
		if !ok {
			continue
		}
		for _, r := range dep.DependsOn {
			if child, ok := c.refs[string(r)]; ok && child.id != parent.id {
				deps[parent.id] = append(deps[parent.id], child.id)
			}
		}
	}
	direct, reached = map[string]bool{}, map[string]bool{}
	for _, id := range deps[c.root.id] {
		direct[id] = true
	}
	queue := []string{c.root.id}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, child := range deps[id] {
			if !reached[child] {
				reached[child] = true
				queue = append(queue, child)
			}
		}
	}
	return direct, reached
}

// inventoryPath reports whether an item is stated in the BOM's top-level
// components or services (rather than nested in the component that contains
// it).
func inventoryPath(path string) bool {
	return strings.Count(path, "[") == 1 && (strings.HasPrefix(path, "components[") || strings.HasPrefix(path, "services["))
}

// dependencies adds an edge for each (ref, dependsOn) pair.
func (c *converter) dependencies() {
	for i, dep := range c.b.Dependencies {
		path := fmt.Sprintf("dependencies[%d]", i)
		parent, ok := c.resolve(string(dep.Ref), path, path+".ref")
		if !ok {
			continue
		}
		for j, r := range dep.DependsOn {
			field := fmt.Sprintf("%s.dependsOn[%d]", path, j)
			child, ok := c.resolve(string(r), path, field)
			if !ok {
				continue
			}
			c.d.Component(bomgraph.Edge{Parent: parent.id, Child: child.id, Optional: child.optional, Ref: string(dep.Ref), Path: path, Field: field})
		}
	}
}

// resolve finds the item a dependency names: a bom-ref of this BOM, or a BOM-Link
// (urn:cdx:<serial>/<version>#<bom-ref>) to an item of another BOM, whose id is
// then "cdx:urn:uuid:<serial>:<bom-ref>" (it resolves when that BOM is loaded and
// the item has no purl or CPE; otherwise it is reported as dangling).
func (c *converter) resolve(ref, path, field string) (*node, bool) {
	if n, ok := c.refs[ref]; ok {
		return n, true
	}
	if rest, ok := strings.CutPrefix(ref, "urn:cdx:"); ok {
		serial, frag, ok := strings.Cut(rest, "#")
		serial, _, _ = strings.Cut(serial, "/")
		if frag, err := url.PathUnescape(frag); ok && err == nil && serial != "" && frag != "" {
			return &node{id: "cdx:urn:uuid:" + serial + ":" + frag}, true
		}
	}
	c.d.Warnf(path, field, "no component, service or metadata.component has bom-ref %q (edge dropped)", ref)
	return nil, false
}
