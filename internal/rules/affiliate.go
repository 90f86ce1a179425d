package rules

import (
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// Membership bits of the affiliate searches: for each level, whether an entity is
// reached going up (a controller of a listed entity, transitively) and going down
// (controlled by a listed entity or by one of those controllers, transitively).
func upBit(v model.Verdict) uint8   { return 1 << (2 * (v - model.Caution)) }
func downBit(v model.Verdict) uint8 { return 2 << (2 * (v - model.Caution)) }

// majority is "more than 50%" in share units.
const majority = 50 * 1_000_000

// strength of "x controls y" through the ownership edges [lo, hi) of one pair and
// the control edges between them: EXPOSED when definite (lower bounds sum to more
// than 50%, or a control edge), POSSIBLE when only upper bounds do, else CLEAR.
func pairStrength(sumLo, sumHi uint64, control bool) model.Verdict {
	switch {
	case control || sumLo > majority:
		return model.Exposed
	case sumHi > majority:
		return model.Possible
	}
	return model.Clear
}

// controlled calls fn(y, strength, edge kind, edge) for every entity y that x
// controls on the day, with the strongest single edge that shows it.
func controlled(s *projection.Snapshot, q projection.DateCode, x uint32, fn func(y uint32, st model.Verdict, kind model.Kind, edge uint32)) {
	lo, hi := s.Own.Out(x)
	for e := lo; e < hi; {
		y := s.Own.Dst(e)
		var sumLo, sumHi uint64
		best, bestShare := uint32(0), int64(-1)
		for ; e < hi && s.Own.Dst(e) == y; e++ {
			if !s.Own.Holds(e, q) {
				continue
			}
			sumLo += uint64(s.Own.Lo(e))
			sumHi += uint64(s.Own.Hi(e))
			if sh := int64(s.Own.Hi(e)) + int64(s.Own.Lo(e)); sh > bestShare {
				best, bestShare = e, sh
			}
		}
		if st := pairStrength(sumLo, sumHi, false); st != model.Clear {
			fn(y, st, model.KindOwnership, best)
		}
	}
	lo, hi = s.Ctl.Out(x)
	for e := lo; e < hi; e++ {
		if s.Ctl.Holds(e, q) {
			fn(s.Ctl.Dst(e), model.Exposed, model.KindControl, e)
		}
	}
}

// controllers calls fn(z, strength, kind, edge) for every entity z that controls y
// on the day.
func controllers(s *projection.Snapshot, q projection.DateCode, y uint32, fn func(z uint32, st model.Verdict, kind model.Kind, edge uint32)) {
	in := s.Own.In(y)
	for i := 0; i < len(in); {
		z := s.Own.Src(in[i])
		var sumLo, sumHi uint64
		best, bestShare := uint32(0), int64(-1)
		for ; i < len(in) && s.Own.Src(in[i]) == z; i++ {
			e := in[i]
			if !s.Own.Holds(e, q) {
				continue
			}
			sumLo += uint64(s.Own.Lo(e))
			sumHi += uint64(s.Own.Hi(e))
			if sh := int64(s.Own.Hi(e)) + int64(s.Own.Lo(e)); sh > bestShare {
				best, bestShare = e, sh
			}
		}
		if st := pairStrength(sumLo, sumHi, false); st != model.Clear {
			fn(z, st, model.KindOwnership, best)
		}
	}
	for _, e := range s.Ctl.In(y) {
		if s.Ctl.Holds(e, q) {
			fn(s.Ctl.Src(e), model.Exposed, model.KindControl, e)
		}
	}
}

// allowed reports whether entity class x may lie on an affiliate relationship of
// level v: below CAUTION, state bodies other than seeds break the chain.
func (pe *prongEval) allowed(x uint32, v model.Verdict) bool {
	if v == model.Caution || !pe.p.StateBodyCaution || pe.isSeed(x) {
		return true
	}
	state := false
	pe.cls.each(x, func(m uint32) { state = state || pe.eng.snap.IsStateBody(m) })
	return !state
}

// affiliate runs, for each level from EXPOSED down, the two-phase search from the
// seeds that the prong's directions ask for: up through controllers (up and
// siblings), then down through everything controlled, from the seeds (down and
// siblings) and from the controllers (siblings). The seeds are caught; the
// controllers only with up; what the down phase reaches always.
func (pe *prongEval) affiliate(seeds []uint32) {
	s := pe.eng.snap
	dirs := pe.p.Directions
	pe.aff = make([]uint8, s.NumEntities())
	levels := []model.Verdict{model.Exposed, model.Possible}
	if pe.p.StateBodyCaution {
		levels = append(levels, model.Caution)
	}
	for _, v := range levels {
		up, down := upBit(v), downBit(v)
		need := v
		if v == model.Caution {
			need = model.Possible
		}
		queue := append([]uint32(nil), seeds...)
		for _, x := range seeds {
			pe.aff[x] |= up | down
			pe.raise(x, v)
		}
		if dirs&(DirUp|DirSiblings) != 0 {
			for i := 0; i < len(queue); i++ {
				pe.cls.each(queue[i], func(m uint32) {
					controllers(s, pe.q, m, func(z uint32, st model.Verdict, _ model.Kind, _ uint32) {
						z = pe.cls.of(z)
						if st >= need && pe.aff[z]&up == 0 && pe.allowed(z, v) {
							pe.aff[z] |= up
							if dirs&DirUp != 0 {
								pe.raise(z, v)
							}
							queue = append(queue, z)
						}
					})
				})
			}
		}
		if dirs&(DirDown|DirSiblings) == 0 {
			continue
		}
		if dirs&DirSiblings == 0 {
			queue = queue[:len(seeds)]
		}
		for _, x := range queue {
			pe.aff[x] |= down
		}
		for i := 0; i < len(queue); i++ {
			pe.cls.each(queue[i], func(m uint32) {
				controlled(s, pe.q, m, func(y uint32, st model.Verdict, _ model.Kind, _ uint32) {
					y = pe.cls.of(y)
					if st < need || !pe.allowed(y, v) {
						return
					}
					// A controller a down edge reaches is caught too (siblings
					// without up), but is already in the queue.
					pe.raise(y, v)
					if pe.aff[y]&down == 0 {
						pe.aff[y] |= down
						queue = append(queue, y)
					}
				})
			})
		}
	}
}
