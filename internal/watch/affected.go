package watch

import (
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// Affected returns the watches whose screening the changed records (by key)
// can change, on the snapshot of the state after the change: a watch's
// screening depends on its subject's dependencies (a product's bill of
// materials, the entities sourced for it, and for each entity E every entity
// linked to E's owners or controllers, transitively, by ownership, control or
// identity down from them: the owners that aggregate, the affiliates through
// a common controller, what E controls). X is such a dependency of E exactly
// when E lies below an owner or controller of X, so the entities a change can
// affect are those below the ones above the entities it names. Edges a change
// removed are not in the snapshot, but both of their ends are named, which is
// enough: any dependency path through a removed edge continues, in the
// snapshot, from one of its ends. A watch whose subject the snapshot does not
// define is always screened (it may be gone).
func Affected(snap *projection.Snapshot, keys []model.Key, watches []Watch) []Watch {
	ents := make([]bool, snap.NumEntities())
	prods := make([]bool, snap.NumProducts())
	var eq, pq []uint32
	markE := func(id string) {
		if x, ok := snap.Entity(id); ok && !ents[x] {
			ents[x] = true
			eq = append(eq, x)
		}
	}
	markP := func(id string) {
		if p, ok := snap.Product(id); ok && !prods[p] {
			prods[p] = true
			pq = append(pq, p)
		}
	}
	for _, k := range keys {
		switch k.Kind {
		case model.KindRegime:
			return watches // a regime's definition: every screening may change
		case model.KindEntity, model.KindListing:
			markE(k.Src)
		case model.KindOwnership, model.KindControl, model.KindSameAs:
			markE(k.Src)
			markE(k.Dst)
		case model.KindProduct, model.KindComponent, model.KindSourcing:
			markP(k.Src)
		}
	}
	links := []*projection.Edges{&snap.Own, &snap.Ctl, &snap.Same}
	// Up: everything owning or controlling a named entity, transitively (and
	// identity both ways).
	up := append([]uint32(nil), eq...)
	seenUp := make([]bool, len(ents))
	for _, x := range up {
		seenUp[x] = true
	}
	for i := 0; i < len(up); i++ {
		x := up[i]
		for _, e := range links {
			for _, j := range e.In(x) {
				if y := e.Src(j); !seenUp[y] {
					seenUp[y] = true
					up = append(up, y)
				}
			}
		}
		lo, hi := snap.Same.Out(x)
		for j := lo; j < hi; j++ {
			if y := snap.Same.Dst(j); !seenUp[y] {
				seenUp[y] = true
				up = append(up, y)
			}
		}
	}
	// Down from all of them.
	down := up
	for _, x := range down {
		if !ents[x] {
			ents[x] = true
		}
	}
	for i := 0; i < len(down); i++ {
		x := down[i]
		for _, e := range links {
			lo, hi := e.Out(x)
			for j := lo; j < hi; j++ {
				if y := e.Dst(j); !ents[y] {
					ents[y] = true
					down = append(down, y)
				}
			}
		}
		for _, j := range snap.Same.In(x) {
			if y := snap.Same.Src(j); !ents[y] {
				ents[y] = true
				down = append(down, y)
			}
		}
		// The products sourced from an affected entity.
		for _, j := range snap.Srcg.In(x) {
			if p := snap.Srcg.Src(j); !prods[p] {
				prods[p] = true
				pq = append(pq, p)
			}
		}
	}
	// Up the bills of materials: every product containing an affected one.
	for i := 0; i < len(pq); i++ {
		for _, j := range snap.Comp.In(pq[i]) {
			if p := snap.Comp.Src(j); !prods[p] {
				prods[p] = true
				pq = append(pq, p)
			}
		}
	}
	var out []Watch
	for _, w := range watches {
		if w.Kind == KindProduct {
			p, ok := snap.Product(w.Subject)
			if !ok || !snap.ProductDefined(p) || prods[p] {
				out = append(out, w)
			}
			continue
		}
		x, ok := snap.Entity(w.Subject)
		if !ok || !snap.EntityDefined(x) || ents[x] {
			out = append(out, w)
		}
	}
	return out
}
