package graph

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/keiretsu/keiretsu/graph/gql"
	"github.com/keiretsu/keiretsu/internal/impact"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/overlay"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// The workbench's reads are optional capabilities of a View, each one small
// interface (service.View implements them all); a View without one answers
// the field with an INTERNAL error.

// BatchScreener screens many subjects, returning the unknown ids apart.
type BatchScreener interface {
	ScreenBatch(ctx context.Context, ids []string, asOf *domain.Date, regimes []string, entities bool) ([]*rules.Screening, []string, error)
}

// DependentsFinder finds the products that depend on an entity.
type DependentsFinder interface {
	Dependents(ctx context.Context, id string, asOf *domain.Date, regime string) ([]impact.Dependent, error)
}

// DocumentScreener screens a document without storing it.
type DocumentScreener interface {
	ScreenDocument(ctx context.Context, format, content string, asOf *domain.Date, regimes []string) (*overlay.Result, error)
}

// EdgePager returns one page of Edges (offset, at most limit records) and how
// many edges there are in all, reading only the page's records.
type EdgePager interface {
	EdgePage(ctx context.Context, kind domain.Kind, id string, dir domain.Direction, asOf *domain.Date, offset, limit int) ([]*domain.Record, int, error)
}

// MaxPage bounds first on every connection.
const MaxPage = 1000

func capability[T any](v View, what string) (T, error) {
	c, ok := v.(T)
	if !ok {
		return c, fmt.Errorf("the view cannot answer %s", what)
	}
	return c, nil
}

// cursor encodes an offset as an opaque cursor; offsetAfter decodes the offset
// that follows one.
func cursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// page reads first and after: the offset of the page's first item and its size.
func page(first *int, after *string) (offset, size int, err error) {
	size = 100
	if first != nil {
		size = *first
	}
	if size < 0 || size > MaxPage {
		return 0, 0, fmt.Errorf("%w: first must be 0..%d", domain.ErrBadInput, MaxPage)
	}
	if after != nil && *after != "" {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		n, err2 := 0, err
		if err == nil && len(b) > 2 && string(b[:2]) == "o:" {
			n, err2 = strconv.Atoi(string(b[2:]))
		} else if err == nil {
			err2 = fmt.Errorf("bad cursor")
		}
		if err2 != nil || n < 0 {
			return 0, 0, fmt.Errorf("%w: after is not a cursor of this connection", domain.ErrBadInput)
		}
		offset = n + 1
	}
	return offset, size, nil
}

// pageInfo describes the page of n items from offset out of total.
func pageInfo(offset, n, total int) *gql.PageInfo {
	pi := &gql.PageInfo{HasNextPage: offset+n < total, HasPreviousPage: offset > 0}
	if n > 0 {
		s, e := cursor(offset), cursor(offset+n-1)
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

// pageOfEdges returns a page of a node's edges, from offset: through EdgePager
// when the view has it, else the whole list cut.
// edgesPage reads one page of a node's edges (see pageOfEdges) as the edges of
// a connection, made by edge from each record and its cursor.
func edgesPage[E any](ctx context.Context, r *Resolver, kind domain.Kind, id string, dir domain.Direction, asOf *domain.Date,
	first *int, after *string, edge func(cursor string, rec *domain.Record) E) ([]E, int, *gql.PageInfo, error) {
	recs, offset, total, err := r.pageOfEdges(ctx, kind, id, dir, asOf, first, after)
	if err != nil {
		return nil, 0, nil, err
	}
	edges := make([]E, len(recs))
	for i, rec := range recs {
		edges[i] = edge(cursor(offset+i), rec)
	}
	return edges, total, pageInfo(offset, len(recs), total), nil
}

func (r *Resolver) pageOfEdges(ctx context.Context, kind domain.Kind, id string, dir domain.Direction, asOf *domain.Date, first *int, after *string) (recs []*domain.Record, offset, total int, err error) {
	offset, size, err := page(first, after)
	if err != nil {
		return nil, 0, 0, err
	}
	v := r.view(ctx)
	if p, ok := v.(EdgePager); ok {
		recs, total, err = p.EdgePage(ctx, kind, id, dir, asOf, offset, size)
		return recs, offset, total, err
	}
	all, err := v.Edges(ctx, kind, id, dir, asOf)
	if err != nil {
		return nil, 0, 0, err
	}
	total = len(all)
	lo, hi := min(offset, total), min(offset+size, total)
	return all[lo:hi], offset, total, nil
}

// wantedBelow is what the selections of the field's subfield (a list of
// Screening) ask for, fragments and aliases merged.
func wantedBelow(ctx context.Context, field string) Wanted {
	var w Wanted
	if !graphql.HasOperationContext(ctx) {
		return w
	}
	opCtx := graphql.GetOperationContext(ctx)
	for _, set := range selected(opCtx, []ast.SelectionSet{graphql.GetFieldContext(ctx).Field.Selections})[field] {
		x := WantedBy(opCtx, set)
		w.entity, w.listed, w.records, w.source, w.ends = w.entity || x.entity, w.listed || x.listed, w.records || x.records, w.source || x.source, w.ends || x.ends
	}
	return w
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// documentView is the request's View with a screened document's records laid
// over it, so findings and hops that name the document's entities and edges
// find their records.
type documentView struct {
	View
	doc *overlay.Result
}

func (d documentView) Nodes(ctx context.Context, kind domain.Kind, ids []string) ([]*domain.Record, error) {
	out, err := d.View.Nodes(ctx, kind, ids)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		if r := d.doc.Record(domain.Key{Kind: kind, Src: id, From: domain.MinDate}); r != nil {
			out[i] = r
		}
	}
	return out, nil
}

func (d documentView) Records(ctx context.Context, keys []domain.Key) ([]*domain.Record, error) {
	out, err := d.View.Records(ctx, keys)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		if r := d.doc.Record(k); r != nil {
			out[i] = r
		}
	}
	return out, nil
}

func documentSuppliers(ctx context.Context, v View, ss []overlay.Supplier) ([]*gql.DocumentSupplier, error) {
	var ids []string
	for _, s := range ss {
		if s.Entity != "" {
			ids = append(ids, s.Entity)
		}
	}
	recs, err := v.Nodes(ctx, domain.KindEntity, ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]*domain.Record{}
	for i, r := range recs {
		byID[ids[i]] = r
	}
	out := make([]*gql.DocumentSupplier, 0, len(ss))
	for _, s := range ss {
		ds := &gql.DocumentSupplier{DocumentID: s.DocumentID, Name: s.Name}
		if s.Entity != "" {
			ds.Entity, ds.By = byID[s.Entity], domain.Optional(s.By)
		}
		out = append(out, ds)
	}
	return out, nil
}
