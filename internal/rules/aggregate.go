package rules

import (
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
// upper is set. When group is not nil, only the group's holdings add up and
// joining entities are recorded there instead of raising levels (aggregateBy seed
// or country). It returns every entity processed (the queue and all that joined).
func (pe *prongEval) spread(queue []uint32, v model.Verdict, upper bool, group *group) []uint32 {
	s := pe.eng.snap
	acc := map[uint32]uint64{}
	in := func(y uint32) bool {
		if group != nil {
			return group.has(y, v)
		}
		return pe.lvl(y) >= v
	}
	join := func(y uint32) {
		if group != nil {
			group.add(y, v)
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
				acc[y] += uint64(share)
				if pe.thr.Crossed(acc[y]) {
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
// aggregateBy seed, one country's seeds under aggregateBy country), at two levels.
type group struct {
	seeds             []uint32 // class representatives
	exposed, possible map[uint32]bool
}

func newGroup(seeds []uint32) *group {
	return &group{seeds: seeds, exposed: map[uint32]bool{}, possible: map[uint32]bool{}}
}

func (g *group) has(x uint32, v model.Verdict) bool {
	if v == model.Exposed {
		return g.exposed[x]
	}
	return g.exposed[x] || g.possible[x]
}

func (g *group) add(x uint32, v model.Verdict) {
	if v == model.Exposed {
		g.exposed[x] = true
	} else {
		g.possible[x] = true
	}
}

func (g *group) isSeed(x uint32) bool {
	for _, s := range g.seeds {
		if s == x {
			return true
		}
	}
	return false
}

// grouped runs the fixpoint separately for each group of seeds: the group's
// seeds together with the entities already caught through the group must hold
// the threshold (or control); two groups' holdings are never added. An entity
// caught through any group is caught, at the best level a group gives it.
func (pe *prongEval) grouped(groups [][]uint32) {
	pe.members = map[uint32][]uint32{}
	for gi, seeds := range groups {
		g := newGroup(seeds)
		for _, p := range seeds {
			g.add(p, model.Exposed)
		}
		exposed := pe.spread(append([]uint32(nil), seeds...), model.Exposed, false, g)
		pe.spread(exposed, model.Possible, true, g)
		pe.groups = append(pe.groups, g)
		for x := range g.exposed {
			pe.raise(x, model.Exposed)
			pe.members[x] = append(pe.members[x], uint32(gi))
		}
		for x := range g.possible {
			if !g.exposed[x] {
				pe.raise(x, model.Possible)
				pe.members[x] = append(pe.members[x], uint32(gi))
			}
		}
	}
	if pe.p.Control == ControlCaution {
		pe.cautionByControl()
	}
}
