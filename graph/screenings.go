package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	gql "github.com/keiretsu/keiretsu/graph/model"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/service"
)

// screenings converts rule engine answers to the GraphQL model and, only when
// the query selects them, fills the findings' entities and the hops' provenance
// with one batched store lookup each. Filling them here, rather than in field
// resolvers, lets gqlgen marshal findings and paths without a goroutine per
// element.
func (r *Resolver) screenings(ctx context.Context, ss ...*rules.Screening) ([]*gql.Screening, error) {
	out := make([]*gql.Screening, len(ss))
	for i, s := range ss {
		out[i] = screening(s)
	}
	wantEntity := wants(ctx, "results", "findings", "entity")
	wantListed := wants(ctx, "results", "findings", "listedEntity")
	wantSource := wants(ctx, "results", "findings", "path", "source")
	if !wantEntity && !wantListed && !wantSource {
		return out, nil
	}
	var ids []string
	seenID := map[string]bool{}
	var keys []model.Key
	seenKey := map[model.Key]bool{}
	each := func(fn func(f *gql.Finding)) {
		for _, s := range out {
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
		if wantSource {
			for _, h := range f.Path {
				if !seenKey[h.Key] {
					seenKey[h.Key] = true
					keys = append(keys, h.Key)
				}
			}
		}
	})
	if len(ids) == 0 {
		return out, nil
	}
	state := r.req(ctx).state
	nodes := map[string]*model.Record{}
	if wantEntity || wantListed {
		recs, err := r.Svc.Nodes(ctx, state, model.KindEntity, ids)
		if err != nil {
			return nil, fmt.Errorf("findings' entities: %w", err)
		}
		for i, rec := range recs {
			if rec == nil {
				rec = service.Placeholder(model.KindEntity, ids[i])
			}
			nodes[ids[i]] = rec
		}
	}
	sources := map[model.Key]*string{}
	if wantSource {
		recs, err := r.Svc.Store().Get(ctx, keys)
		if err != nil {
			return nil, fmt.Errorf("hops' provenance: %w", err)
		}
		for i, rec := range recs {
			if rec != nil {
				sources[keys[i]] = model.Optional(rec.Source)
			}
		}
	}
	each(func(f *gql.Finding) {
		f.Entity, f.ListedEntity = nodes[f.EntityID], nodes[f.ListedEntityID]
		for _, h := range f.Path {
			h.Source = sources[h.Key]
		}
	})
	return out, nil
}

// wants reports whether the current field's selection reaches the nested field
// path (fragments included).
func wants(ctx context.Context, path ...string) bool {
	if !graphql.HasOperationContext(ctx) {
		return true
	}
	opCtx := graphql.GetOperationContext(ctx)
	return wantsIn(opCtx, graphql.CollectFieldsCtx(ctx, nil), path)
}

func wantsIn(opCtx *graphql.OperationContext, fields []graphql.CollectedField, path []string) bool {
	for _, f := range fields {
		if f.Name != path[0] {
			continue
		}
		if len(path) == 1 || wantsIn(opCtx, graphql.CollectFields(opCtx, f.Selections, nil), path[1:]) {
			return true
		}
	}
	return false
}
