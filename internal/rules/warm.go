package rules

import (
	"context"
	"slices"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/pace"
)

// Warm computes, ahead of the requests that would otherwise wait for them,
// the evaluations that screenings on day d ask for first: under every regime
// that applies on d, entity screening's (every listing counts) and product
// screening's for the category masks products have most (none first, then
// each product category by how many products have it), as many as the
// engine's cache keeps without evicting what it warmed. It stops when ctx
// ends and returns how many evaluations it computed or found cached.
func (e *Engine) Warm(ctx context.Context, d model.Date) int {
	masks := e.warmMasks()
	regimes := e.set.All()
	budget := e.maxEvals / 2
	n := 0
	m := pace.From(ctx) // between evaluations, background work paces itself
	for pass := 0; pass <= len(masks); pass++ {
		for _, r := range regimes {
			if n >= budget || ctx.Err() != nil {
				return n
			}
			switch {
			case pass == 0 && r.AppliesOn(d):
				e.Eval(r, d, allListings)
			case pass > 0 && r.ProductAppliesOn(d):
				e.Eval(r, d, masks[pass-1])
			default:
				continue
			}
			n++
			_ = m.Check(ctx) // ctx's end is seen at the loop's top
		}
	}
	return n
}

// Evaluations counts the evaluations the engine has computed.
func (e *Engine) Evaluations() int { return int(e.evals.Load()) }

// warmMasks returns the distinct category masks of products' own categories,
// the empty mask first, then by how many products have each.
func (e *Engine) warmMasks() []uint64 {
	count := map[uint64]int{0: 1 << 62}
	for p := range uint32(e.snap.NumProducts()) {
		count[e.categoryMask(p)]++
	}
	masks := make([]uint64, 0, len(count))
	for m := range count {
		masks = append(masks, m)
	}
	slices.SortFunc(masks, func(a, b uint64) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		if a < b {
			return -1
		}
		return 1
	})
	return masks
}
