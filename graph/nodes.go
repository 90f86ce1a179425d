package graph

import (
	"context"
	"fmt"

	"github.com/keiretsu/keiretsu/graph/gql"
	domain "github.com/keiretsu/keiretsu/internal/model"
)

// entity loads an entity that an edge or a finding names (never nil: an id that no
// record defines shows as a placeholder).
func (r *Resolver) entity(ctx context.Context, id string) (*domain.Record, error) {
	rec, err := r.req(ctx).entities().Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return domain.Placeholder(domain.KindEntity, id), nil
	}
	return rec, nil
}

// product loads a product that an edge names.
func (r *Resolver) product(ctx context.Context, id string) (*gql.Product, error) {
	rec, err := r.req(ctx).products().Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return gql.AsProduct(domain.Placeholder(domain.KindProduct, id)), nil
	}
	return gql.AsProduct(rec), nil
}

// node answers entity(id) and product(id): nil when unknown.
func (r *Resolver) node(ctx context.Context, kind domain.Kind, id string) (*domain.Record, error) {
	q := r.req(ctx)
	if kind == domain.KindEntity {
		return q.entities().Load(ctx, id)
	}
	return q.products().Load(ctx, id)
}

// edges answers the exploration fields.
func (r *Resolver) edges(ctx context.Context, kind domain.Kind, id string, dir domain.Direction, asOf *domain.Date) ([]*domain.Record, error) {
	recs, err := r.view(ctx).Edges(ctx, kind, id, dir, asOf)
	if err != nil {
		return nil, fmt.Errorf("%s edges of %s: %w", kind, id, err)
	}
	if recs == nil {
		recs = []*domain.Record{}
	}
	return recs, nil
}
