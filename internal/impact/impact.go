// Package impact answers "what depends on this entity?": every product whose
// bill of materials on a day reaches the entity through component and sourcing
// edges, and, under a regime, every product that reaches an entity the
// regime catches through it (its subsidiaries, affiliates ...), each with the
// product's own verdict.
package impact

import (
	"context"
	"fmt"
	"slices"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// Dependent is one product that depends on the entity.
type Dependent struct {
	Product string
	// Via is the supplier through which it depends: the entity itself, or under
	// a regime an entity caught through it.
	Via     string
	Verdict model.Verdict
}

// Dependents returns the products that depend on entity id on day d, sorted by
// product id. With regime, the entities caught through id under it count as
// well, and each product's verdict is its screening under that regime; without,
// under the default regimes. An unknown entity is model.ErrNotFound.
func Dependents(ctx context.Context, eng *rules.Engine, id string, d model.Date, regime *rules.Regime) ([]Dependent, error) {
	s := eng.Snapshot()
	x, ok := s.Entity(id)
	if !ok {
		return nil, fmt.Errorf("%w: entity %q", model.ErrNotFound, id)
	}
	q := s.Query(d)
	srcg, _, _ := s.EdgesOf(model.KindSourcing)
	comp, _, _ := s.EdgesOf(model.KindComponent)
	via := map[uint32]uint32{x: x} // supplier -> the entity it stands for (itself or caught through id)
	if regime != nil {
		seen := map[uint32]bool{}
		for i := range uint32(srcg.Len()) {
			y := srcg.Dst(i)
			if seen[y] || !srcg.Holds(i, q) {
				continue
			}
			seen[y] = true
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			sc, err := eng.ScreenEntity(s.EntityID(y), d, []*rules.Regime{regime})
			if err != nil {
				return nil, err
			}
			for _, r := range sc.Results {
				if slices.ContainsFunc(r.Findings, func(f rules.Finding) bool { return f.Listed == id }) {
					via[y] = y
				}
			}
		}
	}
	// Walk up from the suppliers: sourcing edges into them, then component
	// edges into those products, valid on d.
	from := map[uint32]uint32{} // product -> supplier it depends through
	var queue []uint32
	suppliers := make([]uint32, 0, len(via))
	for y := range via {
		suppliers = append(suppliers, y)
	}
	slices.Sort(suppliers) // deterministic Via when several suppliers reach one product
	for _, y := range suppliers {
		for _, i := range srcg.In(y) {
			p := srcg.Src(i)
			if _, ok := from[p]; !ok && srcg.Holds(i, q) {
				from[p] = y
				queue = append(queue, p)
			}
		}
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, i := range comp.In(p) {
			parent := comp.Src(i)
			if _, ok := from[parent]; !ok && comp.Holds(i, q) {
				from[parent] = from[p]
				queue = append(queue, parent)
			}
		}
	}
	var regimes []*rules.Regime
	if regime != nil {
		regimes = []*rules.Regime{regime}
	} else {
		regimes = eng.Regimes().All()
	}
	out := make([]Dependent, 0, len(from))
	for p, y := range from {
		if !s.ProductDefined(p) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pid := s.ProductID(p)
		sc, err := eng.ScreenProduct(pid, d, regimes)
		if err != nil {
			return nil, err
		}
		out = append(out, Dependent{Product: pid, Via: s.EntityID(y), Verdict: sc.Verdict})
	}
	slices.SortFunc(out, func(a, b Dependent) int {
		if a.Product < b.Product {
			return -1
		}
		if a.Product > b.Product {
			return 1
		}
		return 0
	})
	return out, nil
}
