package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/keiretsu/keiretsu/graph/gql"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/pace"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// screenings converts rule engine answers to the GraphQL model and, only when
// the field's selection asks for them, fills the findings' entities and the
// hops' provenance with one batched lookup each. Filling them here, rather
// than in field resolvers, lets gqlgen marshal findings and paths without a
// goroutine per element, and lets graph/fastpath write them.
func (r *Resolver) screenings(ctx context.Context, view View, ss ...*rules.Screening) ([]*gql.Screening, error) {
	var w Wanted
	if graphql.HasOperationContext(ctx) {
		w = WantedBy(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field.Selections)
	}
	return Answers(ctx, view, w, ss...)
}

// viewAt is the View a screening with a dataVersion argument reads: the
// operation's own when the argument is absent or names its state, else the
// past state's (History.At).
func (r *Resolver) viewAt(ctx context.Context, dataVersion *string) (View, error) {
	view := r.view(ctx)
	if dataVersion == nil || *dataVersion == view.Version() {
		return view, nil
	}
	h, ok := r.Views.(History)
	if !ok {
		return nil, fmt.Errorf("%w: dataVersion %q: this server keeps no history", domain.ErrBadInput, *dataVersion)
	}
	return h.At(ctx, *dataVersion)
}

// Answers converts rule engine answers to the GraphQL model and fills, from
// view, what w asks for: what a screening field returns for a selection.
func Answers(ctx context.Context, view View, w Wanted, ss ...*rules.Screening) ([]*gql.Screening, error) {
	out := make([]*gql.Screening, len(ss))
	m := pace.From(ctx)
	for i, s := range ss {
		out[i] = screening(s)
		if err := m.Point(ctx); err != nil {
			return nil, err
		}
	}
	return out, fill(ctx, view, out, w)
}

// Wanted says what of the findings a selection of Screening asks for beyond
// the screening: their entities (the records, or only their ids) and their
// hops' provenance.
type Wanted struct {
	entity, listed, records, source, ends bool
}

// WantedBy reads what a selection of Screening asks for (fragments included).
func WantedBy(opCtx *graphql.OperationContext, set ast.SelectionSet) Wanted {
	findings := selected(opCtx, []ast.SelectionSet{set}, "results", "findings")
	path := selected(opCtx, findings["path"])
	w := Wanted{entity: findings["entity"] != nil, listed: findings["listedEntity"] != nil,
		source: path["source"] != nil, ends: path["fromNode"] != nil || path["toNode"] != nil}
	if w.entity || w.listed {
		// Entities of which only the id is asked for need no lookup.
		w.records = !onlyID(opCtx, findings["entity"]) || !onlyID(opCtx, findings["listedEntity"])
	}
	return w
}

// fill sets the findings' entities and the hops' sources that w asks for, with
// one batched store lookup each.
func fill(ctx context.Context, view View, out []*gql.Screening, w Wanted) error {
	if w.ends {
		if err := fillEnds(ctx, view, out); err != nil {
			return err
		}
	}
	if !w.entity && !w.listed && !w.source {
		return nil
	}
	var ids []string
	seenID := map[string]bool{}
	var keys []domain.Key
	seenKey := map[domain.Key]bool{}
	m := pace.From(ctx)
	each := func(fn func(f *gql.Finding)) {
		for _, s := range out {
			_ = m.Point(ctx) // a request that is over fails at its next lookup
			for _, res := range s.Results {
				for _, f := range res.Findings {
					fn(f)
				}
			}
		}
	}
	each(func(f *gql.Finding) {
		for _, id := range []string{f.EntityID, f.ListedEntityID} {
			if !seenID[id] {
				seenID[id] = true
				ids = append(ids, id)
			}
		}
		if w.source {
			for _, h := range f.Path {
				if !seenKey[h.Key] {
					seenKey[h.Key] = true
					keys = append(keys, h.Key)
				}
			}
		}
	})
	if len(ids) == 0 {
		return nil
	}
	nodes := map[string]*domain.Record{}
	if (w.entity || w.listed) && !w.records {
		for _, id := range ids {
			nodes[id] = &domain.Record{Kind: domain.KindEntity, ID: id}
		}
	} else if w.entity || w.listed {
		recs, err := view.Nodes(ctx, domain.KindEntity, ids)
		if err != nil {
			return fmt.Errorf("findings' entities: %w", err)
		}
		for i, rec := range recs {
			if rec == nil {
				rec = domain.Placeholder(domain.KindEntity, ids[i])
			}
			nodes[ids[i]] = rec
		}
	}
	sources := map[domain.Key]*string{}
	if w.source {
		recs, err := view.Records(ctx, keys)
		if err != nil {
			return fmt.Errorf("hops' provenance: %w", err)
		}
		for i, rec := range recs {
			if rec != nil {
				sources[keys[i]] = domain.Optional(rec.Source)
			}
		}
	}
	each(func(f *gql.Finding) {
		f.Entity, f.ListedEntity = nodes[f.EntityID], nodes[f.ListedEntityID]
		for _, h := range f.Path {
			if !h.Criterion {
				h.Source = sources[h.Key]
			}
		}
	})
	return nil
}

// endKinds are the kinds of record at the ends of a hop of each kind:
// domain.KindProduct, domain.KindEntity or domain.KindRegime.
var endKinds = map[gql.HopKind][2]domain.Kind{
	gql.HopKindComponent: {domain.KindProduct, domain.KindProduct},
	gql.HopKindSourcing:  {domain.KindProduct, domain.KindEntity},
	gql.HopKindOwnership: {domain.KindEntity, domain.KindEntity},
	gql.HopKindControl:   {domain.KindEntity, domain.KindEntity},
	gql.HopKindSameAs:    {domain.KindEntity, domain.KindEntity},
	gql.HopKindListing:   {domain.KindEntity, domain.KindRegime},
	gql.HopKindCriterion: {domain.KindEntity, domain.KindRegime},
}

// fillEnds sets the records at the ends of every hop (Hop.fromNode and
// toNode): one batched lookup for the entities, one for the products, the
// regimes from the view.
func fillEnds(ctx context.Context, view View, out []*gql.Screening) error {
	type end struct {
		kind domain.Kind
		id   string
	}
	var hops []*gql.Hop
	ids := map[domain.Kind][]string{}
	seen := map[end]bool{}
	m := pace.From(ctx)
	for _, s := range out {
		_ = m.Point(ctx)
		for _, res := range s.Results {
			for _, f := range res.Findings {
				for _, h := range f.Path {
					hops = append(hops, h)
					kinds := endKinds[h.Kind]
					for i, id := range []string{h.From, h.To} {
						e := end{kinds[i], id}
						if e.kind != domain.KindRegime && !seen[e] {
							seen[e] = true
							ids[e.kind] = append(ids[e.kind], id)
						}
					}
				}
			}
		}
	}
	nodes := map[end]gql.HopNode{}
	for _, kind := range []domain.Kind{domain.KindEntity, domain.KindProduct} {
		if len(ids[kind]) == 0 {
			continue
		}
		recs, err := view.Nodes(ctx, kind, ids[kind])
		if err != nil {
			return fmt.Errorf("hops' ends: %w", err)
		}
		for i, rec := range recs {
			switch {
			case rec == nil:
			case kind == domain.KindProduct:
				nodes[end{kind, ids[kind][i]}] = gql.AsProduct(rec)
			default:
				nodes[end{kind, ids[kind][i]}] = rec
			}
		}
	}
	node := func(kind domain.Kind, id string) gql.HopNode {
		if kind == domain.KindRegime {
			if r := view.Regime(id); r != nil {
				return r
			}
			return nil
		}
		return nodes[end{kind, id}]
	}
	for _, h := range hops {
		kinds := endKinds[h.Kind]
		h.FromNode, h.ToNode = node(kinds[0], h.From), node(kinds[1], h.To)
	}
	return nil
}

// selected returns the fields selected at the nested field path below sets
// (fragments included), each with the selections made of it wherever it is
// selected; nil when the path is not selected.
func selected(opCtx *graphql.OperationContext, sets []ast.SelectionSet, path ...string) map[string][]ast.SelectionSet {
	if len(sets) == 0 {
		return nil
	}
	for _, name := range path {
		var next []ast.SelectionSet
		for _, set := range sets {
			for _, f := range graphql.CollectFields(opCtx, set, nil) {
				if f.Name == name {
					next = append(next, f.Selections)
				}
			}
		}
		if len(next) == 0 {
			return nil
		}
		sets = next
	}
	out := map[string][]ast.SelectionSet{}
	for _, set := range sets {
		for _, f := range graphql.CollectFields(opCtx, set, nil) {
			out[f.Name] = append(out[f.Name], f.Selections)
		}
	}
	return out
}

// onlyID reports whether the selections of an entity ask for nothing but its id
// (and __typename), which the screening already knows.
func onlyID(opCtx *graphql.OperationContext, sets []ast.SelectionSet) bool {
	for _, set := range sets {
		for _, f := range graphql.CollectFields(opCtx, set, nil) {
			if f.Name != "id" && f.Name != "__typename" {
				return false
			}
		}
	}
	return true
}
