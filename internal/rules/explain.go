package rules

import (
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// Hop is one stored edge of an explanation path, in its stored direction.
type Hop struct {
	Kind     model.Kind // ownership, control, component, sourcing, listing or same_as
	From, To string     // node ids; for a listing, To is the regime id
	Valid    model.Period
	Share    model.Share
}

// Key returns the key of the hop's edge, to look up its provenance.
func (h *Hop) Key() model.Key {
	return model.Key{Kind: h.Kind, Src: h.From, Dst: h.To, From: h.Valid.From}
}

// explanation is a shortest path from an entity to the LISTING of a listed
// entity, with what a finding needs besides: its basis and aggregate percent.
type explanation struct {
	hops      []Hop
	listed    uint32
	ok        bool
	basis     Basis
	aggregate *float64
}

// seedListing returns a listing of raw entity m under the evaluation's regime that
// is valid on the day and counts for the category mask.
func (ev *Eval) seedListing(m uint32) (uint32, bool) {
	s := ev.eng.snap
	for _, li := range s.Lists.OfEntity(m) {
		if s.Lists.Regime[li] != ev.regIdx || !s.Lists.Holds(li, ev.q) {
			continue
		}
		if c := s.Lists.Cats[li]; c != 0 && c&ev.mask == 0 {
			continue
		}
		return li, true
	}
	return 0, false
}

func (ev *Eval) listingHop(m, li uint32) Hop {
	s := ev.eng.snap
	id := s.EntityID(m)
	p := s.ListingPeriod(li)
	return Hop{Kind: model.KindListing, From: id, To: ev.regime.ID, Valid: p}
}

func edgeHop(s *projection.Snapshot, kind model.Kind, e *projection.Edges, i uint32, src, dst string) Hop {
	p := s.EdgePeriod(e, i)
	h := Hop{Kind: kind, From: src, To: dst, Valid: p}
	if kind == model.KindOwnership {
		h.Share = e.Share(i)
	}
	return h
}

// state of the explanation search: a raw entity and, for the affiliate rule, the
// phase (0 = reached going down, 1 = going up).
type state struct {
	node  uint32
	phase uint8
}

type step struct {
	prev state
	hop  Hop
	zero bool // a phase change, no hop
}

// Explain returns a shortest explanation path from raw entity x (caught under the
// evaluation) to the LISTING of a listed entity, and that entity.
func (ev *Eval) Explain(x uint32) ([]Hop, uint32, bool) {
	ex := ev.explain(x)
	return ex.hops, ex.listed, ex.ok
}

// explain returns x's explanation, searched once per evaluation.
func (ev *Eval) explain(x uint32) explanation {
	if !ev.isCaught(x) {
		return explanation{} // what search returns for a CLEAR entity
	}
	slot := ev.memoSlot(x)
	if p := slot.Load(); p != nil {
		return *p
	}
	ex := ev.search(x)
	if ex.ok {
		ex.basis, ex.aggregate = ev.basisOf(x, ex.hops)
	}
	if !slot.CompareAndSwap(nil, &ex) {
		return *slot.Load()
	}
	return ex
}

// search is a 0-1 breadth-first search backwards from x along the edges that
// justify each entity's level, ending at an entity with its own valid listing.
func (ev *Eval) search(x uint32) explanation {
	v := ev.Level(x)
	if v == model.Clear {
		return explanation{}
	}
	s := ev.eng.snap
	var grp *group
	var root uint32
	if ev.regime.Rule == RulePerPerson && !ev.isSeed(x) {
		root = ev.root[ev.cls.of(x)]
		grp = ev.groupOf(root)
	}
	parent := map[state]step{}
	start := []state{{x, 0}}
	if ev.regime.Rule == RuleAffiliate && ev.aff[ev.cls.of(x)]&upBit(v) != 0 {
		start = append(start, state{x, 1})
	}
	deque := make([]state, 0, 16)
	seen := map[state]bool{}
	for _, st := range start {
		deque = append(deque, st)
		seen[st] = true
	}
	visit := func(from, to state, h Hop) {
		if !seen[to] {
			seen[to] = true
			parent[to] = step{prev: from, hop: h}
			deque = append(deque, to)
		}
	}
	for head := 0; head < len(deque); head++ {
		cur := deque[head]
		u := cur.node
		if li, ok := ev.seedListing(u); ok && (grp == nil || ev.cls.of(u) == root) {
			return ev.assemble(cur, parent, u, li)
		}
		uid := s.EntityID(u)
		// same_as links keep the phase.
		lo, hi := s.Same.Out(u)
		for e := lo; e < hi; e++ {
			if s.Same.Holds(e, ev.q) {
				w := s.Same.Dst(e)
				visit(cur, state{w, cur.phase}, edgeHop(s, model.KindSameAs, &s.Same, e, uid, s.EntityID(w)))
			}
		}
		for _, e := range s.Same.In(u) {
			if s.Same.Holds(e, ev.q) {
				w := s.Same.Src(e)
				visit(cur, state{w, cur.phase}, edgeHop(s, model.KindSameAs, &s.Same, e, s.EntityID(w), uid))
			}
		}
		if ev.regime.Rule == RuleAffiliate {
			ev.affiliateSteps(cur, v, visit, parent, seen)
		} else {
			ev.ownershipSteps(cur, grp, visit)
		}
	}
	return explanation{}
}

// ownershipSteps expands u backwards for the aggregate and per-person rules.
func (ev *Eval) ownershipSteps(cur state, grp *group, visit func(from, to state, h Hop)) {
	s := ev.eng.snap
	u := cur.node
	uid := s.EntityID(u)
	lu := ev.Level(u)
	if grp != nil {
		switch r := ev.cls.of(u); {
		case grp.exposed[r]:
			lu = model.Exposed
		case grp.possible[r]:
			lu = model.Possible
		}
	}
	ok := func(p uint32, need model.Verdict) bool {
		if grp != nil {
			return grp.has(ev.cls.of(p), need)
		}
		return ev.Level(p) >= need
	}
	if lu == model.Caution {
		for _, e := range s.Ctl.In(u) {
			if p := s.Ctl.Src(e); s.Ctl.Holds(e, ev.q) && ok(p, model.Possible) {
				visit(cur, state{p, 0}, edgeHop(s, model.KindControl, &s.Ctl, e, s.EntityID(p), uid))
			}
		}
		return
	}
	// Ownership hops justify u only when its caught owners' shares cross the
	// threshold; otherwise u was caught by control alone.
	if ev.ownershipCrossed(u, lu, grp) {
		for _, e := range s.Own.In(u) {
			if !s.Own.Holds(e, ev.q) {
				continue
			}
			share := s.Own.Lo(e)
			if lu == model.Possible {
				share = s.Own.Hi(e)
			}
			if p := s.Own.Src(e); share > 0 && ok(p, lu) {
				visit(cur, state{p, 0}, edgeHop(s, model.KindOwnership, &s.Own, e, s.EntityID(p), uid))
			}
		}
	}
	if ev.regime.Control == ControlCatch {
		for _, e := range s.Ctl.In(u) {
			if p := s.Ctl.Src(e); s.Ctl.Holds(e, ev.q) && ok(p, lu) {
				visit(cur, state{p, 0}, edgeHop(s, model.KindControl, &s.Ctl, e, s.EntityID(p), uid))
			}
		}
	}
}

// affiliateSteps expands a state backwards for the affiliate rule at level v: a
// down state comes from a controller in the down set, or at no cost from the same
// entity's up state; an up state comes from an entity it controls in the up set.
func (ev *Eval) affiliateSteps(cur state, v model.Verdict, visit func(from, to state, h Hop), parent map[state]step, seen map[state]bool) {
	s := ev.eng.snap
	u := cur.node
	uid := s.EntityID(u)
	need := v
	if v == model.Caution {
		need = model.Possible
	}
	up, down := upBit(v), downBit(v)
	if cur.phase == 0 {
		controllers(s, ev.q, u, func(z uint32, st model.Verdict, kind model.Kind, e uint32) {
			rz := ev.cls.of(z)
			if st >= need && ev.aff[rz]&down != 0 && ev.allowed(rz, v) {
				visit(cur, state{z, 0}, ev.relHop(kind, e, s.EntityID(z), uid))
			}
		})
		upState := state{u, 1}
		if ev.aff[ev.cls.of(u)]&up == 0 || seen[upState] {
			return
		}
		// The phase change costs nothing: expand the up state at this same distance.
		seen[upState] = true
		parent[upState] = step{prev: cur, zero: true}
		cur = upState
	}
	controlled(s, ev.q, u, func(y uint32, st model.Verdict, kind model.Kind, e uint32) {
		if st >= need && ev.aff[ev.cls.of(y)]&up != 0 {
			visit(cur, state{y, 1}, ev.relHop(kind, e, uid, s.EntityID(y)))
		}
	})
}

func (ev *Eval) relHop(kind model.Kind, e uint32, src, dst string) Hop {
	s := ev.eng.snap
	if kind == model.KindOwnership {
		return edgeHop(s, kind, &s.Own, e, src, dst)
	}
	return edgeHop(s, kind, &s.Ctl, e, src, dst)
}

// assemble turns the search's parent links into hops from x to the listing.
func (ev *Eval) assemble(end state, parent map[state]step, listed, li uint32) explanation {
	var rev []Hop
	for cur := end; ; {
		st, ok := parent[cur]
		if !ok {
			break
		}
		if !st.zero {
			rev = append(rev, st.hop)
		}
		cur = st.prev
	}
	hops := make([]Hop, 0, len(rev)+1)
	for i := len(rev) - 1; i >= 0; i-- {
		hops = append(hops, rev[i])
	}
	hops = append(hops, ev.listingHop(listed, li))
	return explanation{hops: hops, listed: listed, ok: true}
}

// ownedShare sums the shares held in raw entity x's class by owners caught at
// level v (within the designated person's group for the per-person rule): lower
// bounds for EXPOSED, upper bounds for POSSIBLE.
func (ev *Eval) ownedShare(x uint32, v model.Verdict, grp *group) uint64 {
	s := ev.eng.snap
	var sum uint64
	rx := ev.cls.of(x)
	ev.cls.each(x, func(m uint32) {
		for _, e := range s.Own.In(m) {
			if !s.Own.Holds(e, ev.q) {
				continue
			}
			p := ev.cls.of(s.Own.Src(e))
			in := ev.Level(p) >= v
			if grp != nil {
				in = grp.has(p, v)
			}
			if !in || p == rx {
				continue
			}
			if v == model.Exposed {
				sum += uint64(s.Own.Lo(e))
			} else {
				sum += uint64(s.Own.Hi(e))
			}
		}
	})
	return sum
}

// ownershipCrossed reports whether raw entity u (at level v) is caught by the
// shares its caught owners hold.
func (ev *Eval) ownershipCrossed(u uint32, v model.Verdict, grp *group) bool {
	if v != model.Exposed && v != model.Possible {
		return false
	}
	return ev.thr.Crossed(ev.ownedShare(u, v, grp))
}

// AggregatePercent returns the summed share that raised raw entity x to its level
// through ownership: the lower bounds (EXPOSED) or upper bounds (POSSIBLE) of the
// direct edges from owners caught at that level.
func (ev *Eval) AggregatePercent(x uint32) (float64, bool) {
	v := ev.Level(x)
	if v != model.Exposed && v != model.Possible || ev.regime.Rule == RuleAffiliate {
		return 0, false
	}
	var grp *group
	if ev.regime.Rule == RulePerPerson {
		grp = ev.groupOf(ev.root[ev.cls.of(x)])
	}
	return model.Percent(ev.ownedShare(x, v, grp)), true
}
