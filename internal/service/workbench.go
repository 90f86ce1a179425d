package service

import (
	"context"
	"fmt"

	"github.com/keiretsu/keiretsu/internal/impact"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/overlay"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// ScreenBatch screens up to MaxBatch subjects on one day, products or (with
// entities) entities; ids that no record defines are returned in unknown, in
// the order given, instead of failing the call. Each id is screened once.
func (v *View) ScreenBatch(ctx context.Context, ids []string, asOf *model.Date, regimes []string, entities bool) (out []*rules.Screening, unknown []string, err error) {
	if len(ids) > MaxBatch {
		return nil, nil, fmt.Errorf("%w: too many ids (%d; at most %d per call)", model.ErrBadInput, len(ids), MaxBatch)
	}
	rs, err := v.SelectRegimes(regimes)
	if err != nil {
		return nil, nil, err
	}
	d := Day(asOf)
	kind := model.KindProduct
	if entities {
		kind = model.KindEntity
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if !v.Defined(kind, id) {
			unknown = append(unknown, id)
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		var s *rules.Screening
		if entities {
			s, err = v.eng.ScreenEntity(id, d, rs)
		} else {
			s, err = v.eng.ScreenProduct(id, d, rs)
		}
		if err != nil {
			return nil, nil, err
		}
		out = append(out, s)
	}
	return out, unknown, nil
}

// Dependents returns the products that depend on entity id on asOf, through
// components and sourcing and, with regime, through the entities the regime
// catches through id (package impact).
func (v *View) Dependents(ctx context.Context, id string, asOf *model.Date, regime string) ([]impact.Dependent, error) {
	var r *rules.Regime
	if regime != "" {
		if r = v.Regime(regime); r == nil {
			return nil, fmt.Errorf("%w: unknown regime %q", model.ErrBadInput, regime)
		}
	}
	if !v.Defined(model.KindEntity, id) {
		return nil, fmt.Errorf("%w: entity %q", model.ErrNotFound, id)
	}
	return impact.Dependents(ctx, v.eng, id, Day(asOf), r)
}

// ScreenDocument screens a CycloneDX or SPDX document over the view's data
// without storing it (package overlay).
func (v *View) ScreenDocument(ctx context.Context, format, content string, asOf *model.Date, regimes []string) (*overlay.Result, error) {
	rs, err := v.SelectRegimes(regimes)
	if err != nil {
		return nil, err
	}
	base := overlay.Base{Snapshot: v.eng.Snapshot(), Regimes: v.eng.Regimes(), Nodes: v.Nodes, Search: v.Search}
	return overlay.Screen(ctx, base, format, content, Day(asOf), rs)
}

// EdgePage returns the records of Edges from offset, at most limit of them,
// and how many edges there are: only the page's records are read.
func (v *View) EdgePage(ctx context.Context, kind model.Kind, id string, dir model.Direction, asOf *model.Date, offset, limit int) ([]*model.Record, int, error) {
	keys := v.edgeKeys(kind, id, dir, asOf)
	lo, hi := min(offset, len(keys)), min(offset+limit, len(keys))
	if lo == hi {
		return []*model.Record{}, len(keys), nil
	}
	recs, err := v.Records(ctx, keys[lo:hi])
	if err != nil {
		return nil, 0, err
	}
	out := recs[:0]
	for _, r := range recs {
		if r != nil {
			out = append(out, r)
		}
	}
	return out, len(keys), nil
}
