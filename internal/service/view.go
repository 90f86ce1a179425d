package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/pace"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/search"
)

// MaxBatch is the most ids one ScreenProducts call takes.
const MaxBatch = 10_000

// getter reads stored records by key: what a View needs of the store of record.
type getter interface {
	Get(ctx context.Context, keys []model.Key) ([]*model.Record, error)
}

// View is one immutable state of the data, identified by its dataVersion: a
// projection snapshot with its rule engine and search index, the store of
// record it reads records from, and a cache of the records read. It answers
// every read the API, the CLI and the monitors make; a request reads from one
// View, so it sees one state of the data however the store changes meanwhile.
// All methods are safe for concurrent use.
type View struct {
	eng    *rules.Engine
	index  *search.Index
	st     getter
	recs   recordCache
	loaded time.Time
	// health, for a Service's views, says whether the store can be read.
	health *health
}

// NewView returns a view over an engine (its snapshot and regimes) and search
// index whose records are read from st.
func NewView(st getter, eng *rules.Engine, index *search.Index) *View {
	return &View{eng: eng, index: index, st: st, loaded: time.Now()}
}

// Fresh returns a view of the same state with nothing computed yet: a new rule
// engine over the same snapshot and regimes, and an empty record cache. The
// benchmarks measure cold screenings with it.
func (v *View) Fresh() *View {
	return NewView(v.st, rules.NewEngine(v.eng.Snapshot(), v.eng.Regimes()), v.index)
}

// Version is the view's dataVersion.
func (v *View) Version() string { return v.eng.Snapshot().Version().String() }

// Loaded is when the view was made.
func (v *View) Loaded() time.Time { return v.loaded }

// Engine returns the view's rule engine (and through it the snapshot), for
// statistics and benchmarks.
func (v *View) Engine() *rules.Engine { return v.eng }

// Regimes returns every loaded regime: built in, stored with the data, given
// with --regimes.
func (v *View) Regimes() []*rules.Regime { return v.eng.Regimes().All() }

// Regime returns the loaded regime with the id, or nil.
func (v *View) Regime(id string) *rules.Regime { return v.eng.Regimes().Get(id) }

// SelectRegimes resolves regime ids, each once, in the order given; no ids
// means the default set.
func (v *View) SelectRegimes(ids []string) ([]*rules.Regime, error) {
	set := v.eng.Regimes()
	if len(ids) == 0 {
		return set.Defaults(), nil
	}
	var out []*rules.Regime
	for _, id := range ids {
		r := set.Get(id)
		if r == nil {
			return nil, fmt.Errorf("%w: unknown regime %q", model.ErrBadInput, id)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Day returns asOf, or today (UTC) when nil.
func Day(asOf *model.Date) model.Date {
	if asOf == nil {
		return model.Today()
	}
	return *asOf
}

// ScreenProduct screens one product's bill of materials on asOf (nil: today)
// under the regimes (none: the default set).
func (v *View) ScreenProduct(ctx context.Context, id string, asOf *model.Date, regimes []string) (*rules.Screening, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rs, err := v.SelectRegimes(regimes)
	if err != nil {
		return nil, err
	}
	out, err := v.eng.ScreenProduct(id, Day(asOf), rs)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("%w: product %q", model.ErrNotFound, id)
	}
	return out, err
}

// ScreenEntity screens one entity on asOf under the regimes.
func (v *View) ScreenEntity(ctx context.Context, id string, asOf *model.Date, regimes []string) (*rules.Screening, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rs, err := v.SelectRegimes(regimes)
	if err != nil {
		return nil, err
	}
	out, err := v.eng.ScreenEntity(id, Day(asOf), rs)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("%w: entity %q", model.ErrNotFound, id)
	}
	return out, err
}

// ScreenProducts screens up to MaxBatch products on one day; it fails as a
// whole, naming unknown ids, when any is unknown.
func (v *View) ScreenProducts(ctx context.Context, ids []string, asOf *model.Date, regimes []string) ([]*rules.Screening, error) {
	if len(ids) > MaxBatch {
		return nil, fmt.Errorf("%w: too many ids (%d; at most %d per call)", model.ErrBadInput, len(ids), MaxBatch)
	}
	rs, err := v.SelectRegimes(regimes)
	if err != nil {
		return nil, err
	}
	d := Day(asOf)
	snap := v.eng.Snapshot()
	var unknown []string
	for _, id := range ids {
		if p, ok := snap.Product(id); !ok || !snap.ProductDefined(p) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%w: products %q", model.ErrNotFound, unknown[:min(len(unknown), 10)])
	}
	out := make([]*rules.Screening, len(ids))
	m := pace.From(ctx)
	for i, id := range ids {
		if i%16 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err // the request is over (deadline or client gone)
			}
		}
		if err := m.Point(ctx); err != nil {
			return nil, err
		}
		if out[i], err = v.eng.ScreenProduct(id, d, rs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Search finds entities and products by id, name, alias or identifier, best
// first, at most limit of them.
func (v *View) Search(text string, limit int) []search.Hit { return v.index.Search(text, limit) }

// Defined reports whether a record defines the node (edges may name ids that
// no record defines).
func (v *View) Defined(kind model.Kind, id string) bool {
	s := v.eng.Snapshot()
	if kind == model.KindEntity {
		x, ok := s.Entity(id)
		return ok && s.EntityDefined(x)
	}
	p, ok := s.Product(id)
	return ok && s.ProductDefined(p)
}

// Nodes returns node records by id (entities or products), with a placeholder
// for ids the data knows only from edges, and nil for unknown ids.
func (v *View) Nodes(ctx context.Context, kind model.Kind, ids []string) ([]*model.Record, error) {
	keys := make([]model.Key, len(ids))
	for i, id := range ids {
		keys[i] = model.Key{Kind: kind, Src: id, From: model.MinDate}
	}
	recs, err := v.Records(ctx, keys)
	if err != nil {
		return nil, err
	}
	snap := v.eng.Snapshot()
	for i, r := range recs {
		if r != nil {
			continue
		}
		known := false
		if kind == model.KindEntity {
			_, known = snap.Entity(ids[i])
		} else {
			_, known = snap.Product(ids[i])
		}
		if known {
			recs[i] = model.Placeholder(kind, ids[i])
		}
	}
	return recs, nil
}

// Edges returns the stored records of the edges of a kind at node id in
// direction dir, valid on asOf (every edge when asOf is nil), in stored order.
func (v *View) Edges(ctx context.Context, kind model.Kind, id string, dir model.Direction, asOf *model.Date) ([]*model.Record, error) {
	keys := v.edgeKeys(kind, id, dir, asOf)
	if len(keys) == 0 {
		return nil, nil
	}
	recs, err := v.Records(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := recs[:0]
	for _, r := range recs {
		if r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// edgeKeys returns the keys of Edges, from the projection.
func (v *View) edgeKeys(kind model.Kind, id string, dir model.Direction, asOf *model.Date) []model.Key {
	s := v.eng.Snapshot()
	var q projection.DateCode
	if asOf != nil {
		q = s.Query(*asOf)
	}
	keep := func(p model.Period) bool { return asOf == nil || p.Holds(*asOf) }
	var keys []model.Key
	if kind == model.KindListing {
		x, ok := s.Entity(id)
		if !ok || dir == model.In {
			return nil
		}
		for _, li := range s.Lists.OfEntity(x) {
			if asOf == nil || s.Lists.Holds(li, q) {
				keys = append(keys, model.Key{Kind: kind, Src: id, Dst: s.RegimeID(s.Lists.Regime[li]), From: s.ListingPeriod(li).From})
			}
		}
		return keys
	}
	e, srcKind, dstKind := s.EdgesOf(kind)
	if e == nil {
		return nil
	}
	if dir == model.Out {
		x, ok := s.Node(srcKind, id)
		if !ok {
			return nil
		}
		lo, hi := e.Out(x)
		for i := lo; i < hi; i++ {
			if p := s.EdgePeriod(e, i); keep(p) {
				keys = append(keys, model.Key{Kind: kind, Src: id, Dst: s.NodeID(dstKind, e.Dst(i)), From: p.From})
			}
		}
		return keys
	}
	y, ok := s.Node(dstKind, id)
	if !ok {
		return nil
	}
	for _, i := range e.In(y) {
		if p := s.EdgePeriod(e, i); keep(p) {
			keys = append(keys, model.Key{Kind: kind, Src: s.NodeID(srcKind, e.Src(i)), Dst: id, From: p.From})
		}
	}
	return keys
}
