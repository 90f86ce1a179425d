package service

import (
	"context"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// Direction of an edge relative to the node asked about.
type Direction bool

// Directions: Out for edges stored from the node (owned, controlled, components,
// sources, listings), In for edges stored towards it (owners, controllers, usedIn,
// products sourced from an entity).
const (
	Out Direction = true
	In  Direction = false
)

// EdgeKeys returns the keys of the edges of a kind at node id in direction dir,
// valid on asOf (every edge when asOf is nil), in stored order.
func (st *State) EdgeKeys(kind model.Kind, id string, dir Direction, asOf *model.Date) []model.Key {
	s := st.Engine.Snapshot()
	var q projection.DateCode
	if asOf != nil {
		q = s.Query(*asOf)
	}
	keep := func(p model.Period) bool { return asOf == nil || p.Holds(*asOf) }
	var keys []model.Key
	if kind == model.KindListing {
		x, ok := s.Entity(id)
		if !ok || dir == In {
			return nil
		}
		for _, li := range s.Lists.OfEntity(x) {
			if asOf == nil || s.Lists.Holds(li, q) {
				keys = append(keys, model.Key{Kind: kind, Src: id, Dst: s.RegimeID(s.Lists.Regime[li]), From: s.ListingPeriod(li).From})
			}
		}
		return keys
	}
	var e *projection.Edges
	srcID, dstID := s.EntityID, s.EntityID
	srcKind, dstKind := model.KindEntity, model.KindEntity
	switch kind {
	case model.KindOwnership:
		e = &s.Own
	case model.KindControl:
		e = &s.Ctl
	case model.KindSameAs:
		e = &s.Same
	case model.KindComponent:
		e, srcID, dstID, srcKind, dstKind = &s.Comp, s.ProductID, s.ProductID, model.KindProduct, model.KindProduct
	case model.KindSourcing:
		e, srcID, srcKind = &s.Srcg, s.ProductID, model.KindProduct
	default:
		return nil
	}
	lookup := func(k model.Kind, id string) (uint32, bool) {
		if k == model.KindProduct {
			return s.Product(id)
		}
		return s.Entity(id)
	}
	if dir == Out {
		x, ok := lookup(srcKind, id)
		if !ok {
			return nil
		}
		lo, hi := e.Out(x)
		for i := lo; i < hi; i++ {
			if p := s.EdgePeriod(e, i); keep(p) {
				keys = append(keys, model.Key{Kind: kind, Src: id, Dst: dstID(e.Dst(i)), From: p.From})
			}
		}
		return keys
	}
	y, ok := lookup(dstKind, id)
	if !ok {
		return nil
	}
	for _, i := range e.In(y) {
		if p := s.EdgePeriod(e, i); keep(p) {
			keys = append(keys, model.Key{Kind: kind, Src: srcID(e.Src(i)), Dst: id, From: p.From})
		}
	}
	return keys
}

// Edges returns the stored records of EdgeKeys.
func (s *Service) Edges(ctx context.Context, st *State, kind model.Kind, id string, dir Direction, asOf *model.Date) ([]*model.Record, error) {
	keys := st.EdgeKeys(kind, id, dir, asOf)
	if len(keys) == 0 {
		return nil, nil
	}
	recs, err := s.Records(ctx, st, keys)
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

// Nodes returns node records by id (entities or products), with a placeholder
// (Name = id, no Source) for ids the projection knows only from edges, and nil for
// unknown ids.
func (s *Service) Nodes(ctx context.Context, st *State, kind model.Kind, ids []string) ([]*model.Record, error) {
	keys := make([]model.Key, len(ids))
	for i, id := range ids {
		keys[i] = model.Key{Kind: kind, Src: id, From: model.MinDate}
	}
	recs, err := s.Records(ctx, st, keys)
	if err != nil {
		return nil, err
	}
	snap := st.Engine.Snapshot()
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
			recs[i] = Placeholder(kind, ids[i])
		}
	}
	return recs, nil
}

// Placeholder is the record shown for an id that edges name but no record defines.
func Placeholder(kind model.Kind, id string) *model.Record {
	r := &model.Record{Kind: kind, ID: id, Name: id}
	if kind == model.KindEntity {
		r.Type = model.TypeCompany
	}
	return r
}

// Defined reports whether a record defines the node (it is not a placeholder).
func (st *State) Defined(kind model.Kind, id string) bool {
	s := st.Engine.Snapshot()
	if kind == model.KindEntity {
		x, ok := s.Entity(id)
		return ok && s.EntityDefined(x)
	}
	p, ok := s.Product(id)
	return ok && s.ProductDefined(p)
}
