// Package bomgraph turns what a bill-of-materials format package (cyclonedx,
// spdx) reads into native operations, by conventions the formats share: one
// product per id, one component edge per (parent, child), one sourcing edge per
// (product, entity), one entity per party, ids for parties ("org:<folded name>"),
// provenance "<file>#<item id>", and errors that name the line and JSON path of the
// bad item.
//
// A format package parses its document, walks it, and calls Product, Component,
// Sourcing and Errorf on a Doc; a Reader serves the result as an ingest.Source.
// Every operation is normalized and validated when it is added; an invalid one
// becomes an *ingest.LineError in its place, and the rest go on.
//
// The package lives under ingest/cyclonedx only because its authors may not add
// directories elsewhere; it belongs in ingest/internal/bomgraph.
package bomgraph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// Sourcing roles.
const (
	RoleManufacturer = "manufacturer"
	RoleSupplier     = "supplier"
)

// Doc collects the records of one document.
type Doc struct {
	file, base string
	lines      *Lines

	errs       []*ingest.LineError
	warns      []*ingest.Warning
	entities   []ingest.Op
	entityAt   map[string]int
	products   []ingest.Op
	productAt  map[string]bool
	components []ingest.Op
	edgeAt     map[[2]string]bool
	sourcing   []ingest.Op
	sourcingAt map[[2]string]int
}

// New starts a document read from file (the name used in errors) whose content
// is data. keys are the JSON keys whose values and array elements are items
// (see IndexLines).
func New(file string, data []byte, keys ...string) *Doc {
	return &Doc{
		file: file, base: baseName(file), lines: IndexLines(data, keys...),
		entityAt: map[string]int{}, productAt: map[string]bool{},
		edgeAt: map[[2]string]bool{}, sourcingAt: map[[2]string]int{},
	}
}

func baseName(file string) string {
	if file == "-" || file == "" {
		return "stdin"
	}
	return filepath.Base(file)
}

// Base is the file's base name ("stdin" for standard input), used in provenance
// and as the fallback namespace of ids.
func (d *Doc) Base() string { return d.base }

// Provenance returns the source of a record stated by the item ref:
// "<file base name>#<ref>".
func (d *Doc) Provenance(ref string) string { return d.base + "#" + ref }

// Line returns the line of the item at a JSON path.
func (d *Doc) Line(path string) int { return d.lines.Line(path) }

// Errorf records an error about the item at path (its line) in field (a JSON path).
func (d *Doc) Errorf(path, field, format string, args ...any) {
	d.errs = append(d.errs, &ingest.LineError{File: d.file, Line: d.Line(path), Field: field, Reason: fmt.Sprintf(format, args...)})
}

// Warnf records a warning about the item at path (its line) in field (a JSON
// path): something the document validly states that is dropped or ignored.
func (d *Doc) Warnf(path, field, format string, args ...any) {
	d.warns = append(d.warns, ingest.Warnf(d.file, d.Line(path), field, format, args...))
}

// Fatal returns an error about the whole document, found at the item at path,
// that stops its reading (it is not recorded: the format returns it from fill).
func (d *Doc) Fatal(path, field, format string, args ...any) *ingest.LineError {
	return &ingest.LineError{File: d.file, Line: d.Line(path), Field: field, Reason: fmt.Sprintf(format, args...)}
}

// JSONError handles an error from json.Unmarshal of the whole document. Malformed
// JSON, or a document that is not a JSON object, is fatal: JSONError returns a
// *ingest.LineError at the line of the fault. A value of the wrong type inside
// the document is recorded as an error about its field and JSONError returns
// nil: encoding/json has decoded everything else, and the caller goes on. Other
// errors are returned as they are.
func (d *Doc) JSONError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return &ingest.LineError{File: d.file, Line: d.lines.LineAt(syn.Offset), Reason: "malformed JSON: " + syn.Error(), Err: err}
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field == "" {
		return &ingest.LineError{File: d.file, Line: 1, Reason: "the document is a JSON " + typ.Value + ", not an object"}
	}
	if errors.As(err, &typ) {
		d.errs = append(d.errs, &ingest.LineError{File: d.file, Line: d.lines.LineAt(typ.Offset), Field: typ.Field,
			Reason: fmt.Sprintf("expected %s, found a JSON %s (the field is ignored)", typ.Type, typ.Value)})
		return nil
	}
	return err
}

// add normalizes and validates r, and returns the operation or records an error
// about the item at path.
func (d *Doc) add(r model.Record, path string) (ingest.Op, bool) {
	r.Normalize()
	line := d.Line(path)
	if err := r.Validate(nil); err != nil {
		le := ingest.AtLine(d.file, line, err)
		if le.Field != "" && path != "" {
			le.Field = path + "." + le.Field
		}
		d.errs = append(d.errs, le)
		return ingest.Op{}, false
	}
	return ingest.Op{Record: r, Line: line}, true
}

// Product is a product node as a format states it.
type Product struct {
	ID, Name, Category string
	Identifiers        []model.Identifier
	// Ref is the item's id in the document (bom-ref, SPDXID, element id), for provenance.
	Ref string
	// Path is the item's JSON path, for errors.
	Path string
}

// Product adds a product. A second product with an id already added is the same
// product stated again (the same purl in two places of a BOM): it is dropped and
// Product returns false, as it does for an invalid product (recorded as an error).
func (d *Doc) Product(p Product) bool {
	if d.productAt[p.ID] {
		return false
	}
	d.productAt[p.ID] = true
	var ids []model.Identifier
	for _, id := range p.Identifiers {
		if id.Value = strings.TrimSpace(id.Value); id.Value != "" && !slices.ContainsFunc(ids, func(x model.Identifier) bool { return x.Scheme == id.Scheme }) {
			ids = append(ids, id)
		}
	}
	op, ok := d.add(model.Record{Kind: model.KindProduct, ID: p.ID, Name: strings.TrimSpace(p.Name), Category: strings.TrimSpace(p.Category),
		Identifiers: ids, Source: d.Provenance(p.Ref)}, p.Path)
	if ok {
		d.products = append(d.products, op)
	}
	return ok
}

// Edge is a component edge as a format states it.
type Edge struct {
	Parent, Child string
	Quantity      *float64
	// Optional marks a child the parent can do without (essential: false).
	Optional bool
	Ref      string
	Path     string
	// Field is the JSON path errors name; Path when empty.
	Field string
	// Inventory marks a link that says only that the document lists the child
	// (a root's flat list of components), not how the parent depends on it:
	// its source ends with InventoryMark.
	Inventory bool
}

// InventoryMark ends the source of an inventory link (Edge.Inventory).
const InventoryMark = " (inventory)"

// Component adds a component edge unless one between the same two products was
// added before (the first wins: formats add containment before dependencies, so
// that a nesting edge keeps its quantity). An edge from a product to itself
// (CycloneDX's own examples list a component among its own dependencies) is
// dropped with a warning.
func (d *Doc) Component(e Edge) {
	if e.Parent == e.Child {
		if e.Field == "" {
			e.Field = e.Path
		}
		d.Warnf(e.Path, e.Field, "%s is a component of itself (edge dropped)", e.Parent)
		return
	}
	key := [2]string{e.Parent, e.Child}
	if d.edgeAt[key] {
		return
	}
	d.edgeAt[key] = true
	src := d.Provenance(e.Ref)
	if e.Inventory {
		src += InventoryMark
	}
	op, ok := d.add(model.Record{Kind: model.KindComponent, Src: e.Parent, Dst: e.Child, Valid: model.Always, Quantity: e.Quantity,
		Essential: !e.Optional, Source: src}, e.Path)
	if ok {
		d.components = append(d.components, op)
	}
}

// Sourcing links a product to the party that supplies or makes it (role
// RoleSupplier or RoleManufacturer), adding the party's entity the first time it
// appears in the document; later mentions add the other spellings of its name as
// aliases and fill in a website, e-mail address or country the first lacked. A
// name written with its contact ("Jane Doe <jane@example.com>") names the entity
// without it, and the address becomes its identifier "email". The edge holds the
// party's site, when its address gives one. A party whose name
// is empty or a placeholder ("NOASSERTION", "Unknown") adds nothing, which leaves
// the product a gap. The store keys a sourcing edge by (product, entity), not by
// role, so a party that both supplies and makes a product gets one edge, with
// role manufacturer.
func (d *Doc) Sourcing(product string, p Party, role, ref, path string) {
	if name, email := SplitContact(p.Name); email != "" || name != p.Name {
		p.Name = name
		if p.Email == "" {
			p.Email = email
		}
	}
	id := EntityID(p.Name, p.Person)
	if id == "" {
		return
	}
	src := d.Provenance(ref)
	if i, ok := d.entityAt[id]; ok {
		e := &d.entities[i].Record
		name := strings.TrimSpace(p.Name)
		if name != e.Name && !slices.Contains(e.Aliases, name) {
			e.Aliases = append(e.Aliases, name)
		}
		more := p.record(id, src)
		if e.Country == "" {
			e.Country = more.Country
		}
		for _, x := range more.Identifiers {
			if e.Identifier(x.Scheme) == "" {
				e.Identifiers = append(e.Identifiers, x)
			}
		}
	} else {
		op, ok := d.add(p.record(id, src), path)
		if !ok {
			return
		}
		d.entityAt[id] = len(d.entities)
		d.entities = append(d.entities, op)
	}
	key := [2]string{product, id}
	if i, ok := d.sourcingAt[key]; ok {
		if role == RoleManufacturer {
			d.sourcing[i].Record.Role = RoleManufacturer
		}
		return
	}
	op, ok := d.add(model.Record{Kind: model.KindSourcing, Src: product, Dst: id, Valid: model.Always, Role: role, Site: p.Site, Source: src}, path)
	if ok {
		d.sourcingAt[key] = len(d.sourcing)
		d.sourcing = append(d.sourcing, op)
	}
}

// Reader serves a document's items as an ingest.Source. It reads and converts
// the whole document at the first call of Next: a BOM is one JSON value, not a
// stream.
type Reader struct {
	name string
	r    io.Reader
	keys []string
	fill func(d *Doc, data []byte) error
	read bool
	// What the document yielded, served in order: errors, warnings, then
	// entities, products, component edges and sourcing edges, each in the order
	// first stated.
	errs      []*ingest.LineError
	warns     []*ingest.Warning
	ops       [][]ingest.Op
	next, set int
}

// NewReader returns a Reader of the document in r. fill converts the document
// into d; it returns an error only when nothing more can be read (malformed JSON:
// a *ingest.LineError, which is served after the errors recorded so far; or any
// other error, which Next returns as it is).
func NewReader(name string, r io.Reader, fill func(d *Doc, data []byte) error, keys ...string) *Reader {
	return &Reader{name: name, r: r, keys: keys, fill: fill}
}

// Name returns the file name.
func (r *Reader) Name() string { return r.name }

// Next fills op with the next operation, returns a *ingest.LineError for a bad
// item or a *ingest.Warning for a dropped one (reading can go on), or io.EOF at
// the end.
func (r *Reader) Next(op *ingest.Op) error {
	if !r.read {
		r.read = true
		data, err := io.ReadAll(r.r)
		if err != nil {
			return fmt.Errorf("%s: read: %w", r.name, err)
		}
		data = trimBOM(data)
		d := New(r.name, data, r.keys...)
		err = r.fill(d, data)
		r.errs, r.warns = d.errs, d.warns
		var le *ingest.LineError
		switch {
		case errors.As(err, &le):
			r.errs = append(r.errs, le)
		case err != nil:
			return err
		default:
			r.ops = [][]ingest.Op{d.entities, d.products, d.components, d.sourcing}
		}
	}
	if r.next < len(r.errs) {
		r.next++
		return r.errs[r.next-1]
	}
	if i := r.next - len(r.errs); i < len(r.warns) {
		r.next++
		return r.warns[i]
	}
	served := len(r.errs) + len(r.warns)
	for r.set < len(r.ops) {
		if i := r.next - served; i < len(r.ops[r.set]) {
			r.next++
			*op = r.ops[r.set][i]
			return nil
		}
		r.set++
		r.next = served
	}
	return io.EOF
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return b[3:]
	}
	return b
}
