// Package overlay screens a document (a supplier's CycloneDX or SPDX bill of
// materials) against the loaded graph without storing it: the document is read
// with ingest's own parsers, so it fails with the same file:line: field errors;
// its suppliers are resolved to loaded entities (by id, by a strong identifier,
// or by an exact normalised name, never by a fuzzy match); and its records are
// laid over the View's projection in a temporary snapshot that only this
// request reads. Nothing is written anywhere.
//
// The temporary snapshot is rebuilt from the whole projection, so a document
// costs a projection build (linear in the graph) on top of its screenings.
package overlay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/cyclonedx"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/spdx"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/names"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/resolve"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/search"
)

// DocumentName is the file name errors and provenance give a screened document.
const DocumentName = "document"

// Formats are the document formats ScreenDocument reads ("auto" detects one).
var Formats = []string{cyclonedx.Name, spdx.Name}

// MaxRecords bounds the records one document may hold.
const MaxRecords = 200_000

// Base is the loaded state a document is screened over.
type Base struct {
	Snapshot *projection.Snapshot
	Regimes  *rules.Set
	// Nodes returns stored node records by id (nil for unknown ids).
	Nodes func(ctx context.Context, kind model.Kind, ids []string) ([]*model.Record, error)
	// Search finds nodes by id, name, alias or identifier, best first.
	Search func(text string, limit int) []search.Hit
}

// Supplier is one party the document names as a supplier or manufacturer.
type Supplier struct {
	// DocumentID is the id the document's parser gave it (org:...).
	DocumentID string
	Name       string
	// Entity is the loaded entity it resolves to, "" when unresolved.
	Entity string
	// By says how it resolved: "id", "identifier SCHEME" or "name".
	By string
}

// Result is a document's screening.
type Result struct {
	Format string
	// Records is how many records the document yielded.
	Records int
	// Roots are the document's products that no other of its products
	// contains, in document order; Screenings has one per root.
	Roots      []string
	Screenings []*rules.Screening
	Suppliers  []Supplier
	// Version identifies the loaded data with the document laid over it.
	Version model.Hash
	// recs are the document's records (suppliers rewritten), by key.
	recs map[model.Key]*model.Record
}

// Unresolved are the suppliers that match no loaded entity.
func (r *Result) Unresolved() []Supplier {
	var out []Supplier
	for _, s := range r.Suppliers {
		if s.Entity == "" {
			out = append(out, s)
		}
	}
	return out
}

// Record returns the document's record with the key, or nil: the overlay's
// share of the records a screening's findings and hops name.
func (r *Result) Record(k model.Key) *model.Record { return r.recs[k] }

// Screen reads content in format (a name of Formats, or "auto") and screens
// each of its root products on day under regimes. Invalid input is a
// *ingest.LineError (an ErrBadInput); an unknown format is ErrBadInput.
func Screen(ctx context.Context, base Base, format, content string, day model.Date, regimes []*rules.Regime) (*Result, error) {
	f, err := pick(format, content)
	if err != nil {
		return nil, err
	}
	src, err := f.Open(DocumentName, bytes.NewReader([]byte(content)), formats.Env{RegimeKnown: base.Regimes.Has})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", model.ErrBadInput, err)
	}
	var recs []*model.Record
	for {
		var op ingest.Op
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var le *ingest.LineError
			if errors.As(err, &le) {
				return nil, le
			}
			return nil, fmt.Errorf("%w: %s: %v", model.ErrBadInput, DocumentName, err)
		}
		if op.Delete {
			return nil, &ingest.LineError{File: DocumentName, Line: op.Line, Reason: "a document to screen holds no deletes"}
		}
		if len(recs) == MaxRecords {
			return nil, fmt.Errorf("%w: %s: more than %d records", model.ErrBadInput, DocumentName, MaxRecords)
		}
		r := op.Record
		recs = append(recs, &r)
	}
	out := &Result{Format: f.Name, Records: len(recs), recs: map[model.Key]*model.Record{}}
	if err := out.resolve(ctx, base, recs); err != nil {
		return nil, err
	}
	removed := map[model.Key]bool{}
	var added []*model.Record
	contained := map[string]bool{}
	var products []string
	for _, r := range recs {
		if r.Kind == model.KindEntity && out.resolvedID(r.ID) != "" {
			continue // the loaded entity stands for it
		}
		if r.Kind == model.KindSourcing {
			if id := out.resolvedID(r.Dst); id != "" {
				cp := *r
				cp.Dst = id
				r = &cp
			}
		}
		switch r.Kind {
		case model.KindComponent:
			contained[r.Dst] = true
		case model.KindProduct:
			products = append(products, r.ID)
		}
		k := r.Key()
		removed[k] = true
		out.recs[k] = r
		added = append(added, r)
	}
	for _, p := range products {
		if !contained[p] && !slices.Contains(out.Roots, p) {
			out.Roots = append(out.Roots, p)
		}
	}
	if len(out.Roots) == 0 {
		return nil, fmt.Errorf("%w: %s: no product to screen (every product is a component of another)", model.ErrBadInput, DocumentName)
	}
	out.Version = base.Snapshot.Version().Add(model.HashOf([]byte(content)))
	snap, err := base.Snapshot.Apply(out.Version, removed, added)
	if err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	eng := rules.NewEngine(snap, base.Regimes)
	for _, root := range out.Roots {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := eng.ScreenProduct(root, day, regimes)
		if err != nil {
			return nil, err
		}
		out.Screenings = append(out.Screenings, s)
	}
	return out, nil
}

// pick returns the named document format, or the one the content is in.
func pick(format, content string) (formats.Format, error) {
	if format == "" || format == "auto" {
		head := []byte(content[:min(len(content), 4096)])
		for _, name := range Formats {
			f, err := formats.Get(name)
			if err == nil && f.Detect != nil && f.Detect(DocumentName, head) {
				return f, nil
			}
		}
		return formats.Format{}, fmt.Errorf("%w: %s: not a CycloneDX or SPDX document (give format)", model.ErrBadInput, DocumentName)
	}
	if !slices.Contains(Formats, format) {
		return formats.Format{}, fmt.Errorf("%w: unknown document format %q (one of auto, %s, %s)", model.ErrBadInput, format, Formats[0], Formats[1])
	}
	return formats.Get(format)
}

func (r *Result) resolvedID(docID string) string {
	for _, s := range r.Suppliers {
		if s.DocumentID == docID {
			return s.Entity
		}
	}
	return ""
}

// resolve matches every entity of the document to a loaded entity: the same
// id, else a loaded entity with one of its strong identifiers, else one whose
// normalised name or alias equals the document's name or alias exactly.
func (r *Result) resolve(ctx context.Context, base Base, recs []*model.Record) error {
	for _, rec := range recs {
		if rec.Kind != model.KindEntity {
			continue
		}
		s := Supplier{DocumentID: rec.ID, Name: rec.Name}
		if x, ok := base.Snapshot.Entity(rec.ID); ok && base.Snapshot.EntityDefined(x) {
			s.Entity, s.By = rec.ID, "id"
		}
		for _, id := range rec.Identifiers {
			if s.Entity != "" {
				break
			}
			want, ok := resolve.StrongKey(id)
			if !ok {
				continue
			}
			cands, err := candidates(ctx, base, id.Value)
			if err != nil {
				return err
			}
			for _, c := range cands {
				if slices.Contains(resolve.StrongKeys(c), want) {
					s.Entity, s.By = c.ID, "identifier "+id.Scheme
					break
				}
			}
		}
		if s.Entity == "" {
			keys := nameKeys(rec)
			cands, err := candidates(ctx, base, rec.Name)
			if err != nil {
				return err
			}
			for _, c := range cands {
				if slices.ContainsFunc(nameKeys(c), func(k string) bool { return slices.Contains(keys, k) }) {
					s.Entity, s.By = c.ID, "name"
					break
				}
			}
		}
		r.Suppliers = append(r.Suppliers, s)
	}
	return nil
}

// candidates are the loaded, defined entities the search index finds for text.
func candidates(ctx context.Context, base Base, text string) ([]*model.Record, error) {
	var ids []string
	for _, h := range base.Search(text, 10) {
		if h.Kind == "entity" {
			ids = append(ids, h.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	recs, err := base.Nodes(ctx, model.KindEntity, ids)
	if err != nil {
		return nil, fmt.Errorf("resolve suppliers: %w", err)
	}
	out := recs[:0]
	for _, rec := range recs {
		if rec != nil && rec.Name != "" {
			out = append(out, rec)
		}
	}
	return out, nil
}

// nameKeys are the normalised keys of an entity's name and aliases.
func nameKeys(r *model.Record) []string {
	var out []string
	for _, n := range append([]string{r.Name}, r.Aliases...) {
		if k := names.CompanyKey(n); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}
