package rules

import (
	"slices"

	"github.com/keiretsu/keiretsu/internal/model"
)

// aggregate spreads the seeds by aggregate direct ownership (and control, as the
// prong says) to a fixpoint: first with lower bounds (EXPOSED), then with upper
// bounds seeded with everything EXPOSED (POSSIBLE), then one step of control
// (CAUTION) when control only cautions.
func (pe *prongEval) aggregate(seeds []uint32) {
	exposed := pe.spread(seeds, model.Exposed, false, nil)
	pe.spread(exposed, model.Possible, true, nil)
	if pe.p.Control == ControlCaution {
		pe.cautionByControl()
	}
}

// spread runs the ownership fixpoint from queue at level v, using upper bounds when
// upper is set. When gs is not nil, only the holdings of the group being spread
// add up and joining entities are marked there instead of raising levels
// (aggregateBy seed or country). It returns every entity processed (the queue and
// all that joined).
func (pe *prongEval) spread(queue []uint32, v model.Verdict, upper bool, gs *groupScratch) []uint32 {
	s := pe.eng.snap
	var acc *accumulator
	if gs != nil {
		acc = &gs.acc
		defer acc.reset()
	} else {
		acc = pe.eng.getAcc()
		defer pe.eng.putAcc(acc)
	}
	in := func(y uint32) bool {
		if gs != nil {
			return gs.has(y, v)
		}
		return pe.lvl(y) >= v
	}
	join := func(y uint32) {
		if gs != nil {
			gs.add(y, v)
		} else {
			pe.raise(y, v)
		}
		queue = append(queue, y)
	}
	catch := pe.p.Control == ControlCatch
	for i := 0; i < len(queue); i++ {
		x := queue[i]
		pe.cls.each(x, func(m uint32) {
			lo, hi := s.Own.Out(m)
			for e := lo; e < hi; e++ {
				if !s.Own.Holds(e, pe.q) {
					continue
				}
				y := pe.cls.of(s.Own.Dst(e))
				if in(y) {
					continue
				}
				share := s.Own.Lo(e)
				if upper {
					share = s.Own.Hi(e)
				}
				if pe.thr.Crossed(acc.add(y, uint64(share))) {
					join(y)
				}
			}
			if !catch {
				return
			}
			lo, hi = s.Ctl.Out(m)
			for e := lo; e < hi; e++ {
				if !s.Ctl.Holds(e, pe.q) {
					continue
				}
				if y := pe.cls.of(s.Ctl.Dst(e)); !in(y) {
					join(y)
				}
			}
		})
	}
	return queue
}

// accumulator sums shares per entity: a dense array (an engine's are pooled, so
// a fixpoint allocates nothing per entity) and the entities touched, to clear.
type accumulator struct {
	sum     []uint64
	touched []uint32
}

// add adds share to y's sum and returns the new sum.
func (a *accumulator) add(y uint32, share uint64) uint64 {
	if a.sum[y] == 0 {
		a.touched = append(a.touched, y)
	}
	a.sum[y] += share
	if a.sum[y] == 0 {
		// A zero share keeps y untouched; nothing to clear.
		a.touched = a.touched[:len(a.touched)-1]
	}
	return a.sum[y]
}

func (e *Engine) getAcc() *accumulator {
	if a, ok := e.accs.Get().(*accumulator); ok {
		return a
	}
	return &accumulator{sum: make([]uint64, e.snap.NumEntities())}
}

func (e *Engine) putAcc(a *accumulator) {
	a.reset()
	e.accs.Put(a)
}

// reset clears the sums touched.
func (a *accumulator) reset() {
	for _, y := range a.touched {
		a.sum[y] = 0
	}
	a.touched = a.touched[:0]
}

// cautionByControl marks CAUTION every entity not otherwise caught that a caught
// (EXPOSED or POSSIBLE) entity has a control edge over. CAUTION does not propagate.
func (pe *prongEval) cautionByControl() {
	s := pe.eng.snap
	var marks []uint32
	for x := range pe.level {
		if pe.lvl(uint32(x)) < model.Possible || pe.cls.of(uint32(x)) != uint32(x) {
			continue
		}
		pe.cls.each(uint32(x), func(m uint32) {
			lo, hi := s.Ctl.Out(m)
			for e := lo; e < hi; e++ {
				if s.Ctl.Holds(e, pe.q) {
					if y := pe.cls.of(s.Ctl.Dst(e)); pe.lvl(y) == model.Clear {
						marks = append(marks, y)
					}
				}
			}
		})
	}
	for _, y := range marks {
		pe.raise(y, model.Caution)
	}
}

// group is the set of entities caught through one group of seeds (one seed under
// aggregateBy seed, one country's seeds under aggregateBy country), at two levels:
// sorted class representatives, searched by halving (most groups are a seed
// alone, and a prong may have tens of thousands of them).
type group struct {
	seeds             []uint32 // class representatives, ascending
	exposed, possible []uint32 // possible: caught at POSSIBLE and not EXPOSED
}

func hasSorted(list []uint32, x uint32) bool {
	_, ok := slices.BinarySearch(list, x)
	return ok
}

// level returns the level x is caught at through the group (CLEAR if not).
func (g *group) level(x uint32) model.Verdict {
	switch {
	case hasSorted(g.exposed, x):
		return model.Exposed
	case hasSorted(g.possible, x):
		return model.Possible
	}
	return model.Clear
}

func (g *group) has(x uint32, v model.Verdict) bool {
	if v == model.Exposed {
		return hasSorted(g.exposed, x)
	}
	return g.level(x) >= model.Possible
}

func (g *group) isSeed(x uint32) bool { return hasSorted(g.seeds, x) }

// groupScratch marks the members of the group being spread, by entity: mark[x]
// is the group's stamp at EXPOSED, stamp+1 at POSSIBLE only. Stamps grow from
// group to group, so nothing is cleared between them.
type groupScratch struct {
	mark    []uint32
	stamp   uint32
	members []uint32 // joined, in order
	acc     accumulator
}

func (gs *groupScratch) has(x uint32, v model.Verdict) bool {
	m := gs.mark[x]
	if v == model.Exposed {
		return m == gs.stamp
	}
	return m == gs.stamp || m == gs.stamp+1
}

func (gs *groupScratch) add(x uint32, v model.Verdict) {
	if v == model.Exposed {
		gs.mark[x] = gs.stamp
	} else {
		gs.mark[x] = gs.stamp + 1
	}
	gs.members = append(gs.members, x)
}

// grouped runs the fixpoint separately for each group of seeds: the group's
// seeds together with the entities already caught through the group must hold
// the threshold (or control); two groups' holdings are never added. An entity
// caught through any group is caught, at the best level a group gives it.
func (pe *prongEval) grouped(groups [][]uint32) {
	n := pe.eng.snap.NumEntities()
	gs := &groupScratch{mark: make([]uint32, n), acc: accumulator{sum: make([]uint64, n)}}
	pe.groups = make([]group, len(groups))
	var pairs []memberPair
	var queue []uint32
	for gi, seeds := range groups {
		gs.stamp += 2
		gs.members = gs.members[:0]
		for _, p := range seeds {
			gs.add(p, model.Exposed)
		}
		queue = pe.spread(append(queue[:0], seeds...), model.Exposed, false, gs)
		queue = pe.spread(queue, model.Possible, true, gs)
		g := &pe.groups[gi]
		g.seeds = seeds
		if len(gs.members) == len(seeds) {
			g.exposed = seeds // the seeds alone (most groups)
			continue
		}
		for _, x := range gs.members {
			if gs.has(x, model.Exposed) {
				g.exposed = append(g.exposed, x)
			} else {
				g.possible = append(g.possible, x)
			}
		}
		slices.Sort(g.exposed)
		slices.Sort(g.possible)
		// Seeds are explained as seeds, never through a group: only the others
		// need to know theirs.
		for _, x := range g.exposed {
			if !pe.isSeed(x) {
				pe.raise(x, model.Exposed)
				pairs = append(pairs, memberPair{x, uint32(gi)})
			}
		}
		for _, x := range g.possible {
			pe.raise(x, model.Possible)
			pairs = append(pairs, memberPair{x, uint32(gi)})
		}
	}
	clear(gs.mark)
	pe.members = newMemberIndex(pairs, gs.mark)
	if pe.p.Control == ControlCaution {
		pe.cautionByControl()
	}
}

// memberPair says that entity x is caught through group g.
type memberPair struct{ x, g uint32 }

// memberIndex lists, for each entity caught through groups (seeds aside), the
// groups it is caught through, in group order: entities sorted, found by halving.
type memberIndex struct {
	keys   []uint32
	off    []uint32 // groups of keys[i]: grps[off[i]:off[i+1]]
	groups []uint32
}

// newMemberIndex indexes the pairs (in group order) by entity, counting in count
// (a zero word per entity; left dirty).
func newMemberIndex(pairs []memberPair, count []uint32) memberIndex {
	var m memberIndex
	for _, p := range pairs {
		count[p.x]++
	}
	total := uint32(0)
	for x, c := range count {
		if c != 0 {
			m.keys = append(m.keys, uint32(x))
			m.off = append(m.off, total)
			count[x] = total // from here on: the next slot of x
			total += c
		}
	}
	m.off = append(m.off, total)
	m.groups = make([]uint32, total)
	for _, p := range pairs { // in group order, so each entity's groups ascend
		m.groups[count[p.x]] = p.g
		count[p.x]++
	}
	return m
}

// of returns the groups entity x is caught through.
func (m *memberIndex) of(x uint32) []uint32 {
	i, ok := slices.BinarySearch(m.keys, x)
	if !ok {
		return nil
	}
	return m.groups[m.off[i]:m.off[i+1]]
}
