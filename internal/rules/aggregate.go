package rules

import (
	"github.com/keiretsu/keiretsu/internal/model"
)

// aggregate spreads the seeds by aggregate direct ownership (and control, as the
// regime says) to a fixpoint: first with lower bounds (EXPOSED), then with upper
// bounds seeded with everything EXPOSED (POSSIBLE), then one step of control
// (CAUTION) when control only cautions.
func (ev *Eval) aggregate(seeds []uint32) {
	exposed := ev.spread(seeds, model.Exposed, false, nil)
	ev.spread(exposed, model.Possible, true, nil)
	if ev.regime.Control == ControlCaution {
		ev.cautionByControl()
	}
}

// spread runs the ownership fixpoint from queue at level v, using upper bounds when
// upper is set. When member is not nil, only entities it accepts may join and
// joining entities are recorded there instead of raising levels (per-person rule).
// It returns every entity processed (the queue and all that joined).
func (ev *Eval) spread(queue []uint32, v model.Verdict, upper bool, group *group) []uint32 {
	s := ev.eng.snap
	acc := map[uint32]uint64{}
	in := func(y uint32) bool {
		if group != nil {
			return group.has(y, v)
		}
		return ev.lvl(y) >= v
	}
	join := func(y uint32) {
		if group != nil {
			group.add(y, v)
		} else {
			ev.raise(y, v)
		}
		queue = append(queue, y)
	}
	catch := ev.regime.Control == ControlCatch
	for i := 0; i < len(queue); i++ {
		x := queue[i]
		ev.cls.each(x, func(m uint32) {
			lo, hi := s.Own.Out(m)
			for e := lo; e < hi; e++ {
				if !s.Own.Holds(e, ev.q) {
					continue
				}
				y := ev.cls.of(s.Own.Dst(e))
				if in(y) {
					continue
				}
				share := s.Own.Lo(e)
				if upper {
					share = s.Own.Hi(e)
				}
				acc[y] += uint64(share)
				if ev.thr.Crossed(acc[y]) {
					join(y)
				}
			}
			if !catch {
				return
			}
			lo, hi = s.Ctl.Out(m)
			for e := lo; e < hi; e++ {
				if !s.Ctl.Holds(e, ev.q) {
					continue
				}
				if y := ev.cls.of(s.Ctl.Dst(e)); !in(y) {
					join(y)
				}
			}
		})
	}
	return queue
}

// cautionByControl marks CAUTION every entity not otherwise caught that a caught
// (EXPOSED or POSSIBLE) entity has a control edge over. CAUTION does not propagate.
func (ev *Eval) cautionByControl() {
	s := ev.eng.snap
	var marks []uint32
	for x := range ev.level {
		if ev.lvl(uint32(x)) < model.Possible || ev.cls.of(uint32(x)) != uint32(x) {
			continue
		}
		ev.cls.each(uint32(x), func(m uint32) {
			lo, hi := s.Ctl.Out(m)
			for e := lo; e < hi; e++ {
				if s.Ctl.Holds(e, ev.q) {
					if y := ev.cls.of(s.Ctl.Dst(e)); ev.lvl(y) == model.Clear {
						marks = append(marks, y)
					}
				}
			}
		})
	}
	for _, y := range marks {
		ev.raise(y, model.Caution)
	}
}

// group is the set of entities caught through one designated person (UK rule), at
// two levels.
type group struct {
	exposed, possible map[uint32]bool
}

func newGroup() *group { return &group{exposed: map[uint32]bool{}, possible: map[uint32]bool{}} }

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

// perPerson runs the fixpoint separately for each listed entity P: P together with
// the entities already caught through P must hold the threshold (or control); two
// designated persons' holdings are never added.
func (ev *Eval) perPerson(seeds []uint32) {
	ev.root = map[uint32]uint32{}
	for _, p := range seeds {
		g := ev.groupOf(p)
		for x := range g.exposed {
			if ev.raise(x, model.Exposed) {
				ev.root[x] = p
			}
		}
		for x := range g.possible {
			if !g.exposed[x] && ev.raise(x, model.Possible) {
				ev.root[x] = p
			}
		}
	}
}

// groupOf returns the entities caught through designated person p alone,
// computed once per evaluation.
func (ev *Eval) groupOf(p uint32) *group {
	ev.groupsMu.Lock()
	g, ok := ev.groups[p]
	ev.groupsMu.Unlock()
	if ok {
		return g
	}
	g = ev.computeGroup(p)
	ev.groupsMu.Lock()
	if ev.groups == nil {
		ev.groups = map[uint32]*group{}
	}
	ev.groups[p] = g
	ev.groupsMu.Unlock()
	return g
}

func (ev *Eval) computeGroup(p uint32) *group {
	g := newGroup()
	g.add(p, model.Exposed)
	exposed := ev.spread([]uint32{p}, model.Exposed, false, g)
	ev.spread(exposed, model.Possible, true, g)
	return g
}
