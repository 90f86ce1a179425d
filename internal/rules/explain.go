package rules

import (
	"iter"
	"slices"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// HopCriterion is the kind of the hop that ends the path of a criterion seed: from
// the seed entity to the regime id, its Source the criterion met. It is no stored
// edge and no record kind.
const HopCriterion model.Kind = 0xC0

// Hop is one stored edge of an explanation path, in its stored direction, or the
// CRITERION hop that ends a criterion seed's path.
type Hop struct {
	From, To string // node ids; for a listing or a criterion, To is the regime id
	Valid    model.Period
	Share    model.Share
	Kind     model.Kind // ownership, control, component, sourcing, listing, same_as or HopCriterion
	// Detail is a SOURCING hop's site ("" when the edge has none) or a
	// CRITERION hop's criterion: "state_body of C", "country C", "hqCountry C"
	// or "site S". Stored edges other than sourcing have none (their source is
	// their record's). One field for both keeps a hop small.
	Detail string
}

// Key returns the key of the hop's edge, to look up its provenance.
func (h *Hop) Key() model.Key {
	return model.Key{Kind: h.Kind, Src: h.From, Dst: h.To, From: h.Valid.From}
}

// IsCriterion reports whether the hop is a CRITERION hop.
func (h *Hop) IsCriterion() bool { return h.Kind == HopCriterion }

// Site is a SOURCING hop's site ("" for none and for other hops).
func (h *Hop) Site() string {
	if h.Kind != model.KindSourcing {
		return ""
	}
	return h.Detail
}

// Criterion is a CRITERION hop's criterion ("" for other hops).
func (h *Hop) Criterion() string {
	if h.Kind != HopCriterion {
		return ""
	}
	return h.Detail
}

// SiteOrNil is a SOURCING hop's site, nil when it has none.
func (h *Hop) SiteOrNil() *string { return model.Optional(h.Site()) }

// Path is a finding's path: its hops in order from the subject. The findings of
// a screening share the parts their paths have in common (the component chain
// down to a supplier; an entity's explanation, the same in every finding and
// every screening that reaches it), so a path is read through its methods and
// never written.
type Path struct{ head, tail []Hop }

// PathOf returns the path of hops.
func PathOf(hops ...Hop) Path { return Path{head: hops} }

// Len is the number of hops.
func (p Path) Len() int { return len(p.head) + len(p.tail) }

// At returns hop i.
func (p Path) At(i int) Hop {
	if i < len(p.head) {
		return p.head[i]
	}
	return p.tail[i-len(p.head)]
}

// All yields the hops in order.
func (p Path) All() iter.Seq2[int, Hop] {
	return func(yield func(int, Hop) bool) {
		for i, h := range p.head {
			if !yield(i, h) {
				return
			}
		}
		for i, h := range p.tail {
			if !yield(len(p.head)+i, h) {
				return
			}
		}
	}
}

// Equal reports whether p and q have the same hops (go-cmp compares paths
// with it: where a path's parts are shared is no part of its value).
func (p Path) Equal(q Path) bool {
	if p.Len() != q.Len() {
		return false
	}
	for i, h := range p.All() {
		if h != q.At(i) {
			return false
		}
	}
	return true
}

// Hops returns a copy of the hops.
func (p Path) Hops() []Hop { return slices.Concat(p.head, p.tail) }

// explanation is a shortest path from an entity to the LISTING or CRITERION hop of
// a seed, with what a finding needs besides: its basis, aggregate percent and the
// seed's kind.
type explanation struct {
	hops      []Hop
	listed    uint32
	ok        bool
	seed      SeedKind
	basis     Basis
	aggregate *float64
}

// better reports whether explanation a is to be preferred to b: shorter, then the
// first seed kind.
func (a *explanation) better(b *explanation) bool {
	if !b.ok {
		return a.ok
	}
	if !a.ok {
		return false
	}
	if len(a.hops) != len(b.hops) {
		return len(a.hops) < len(b.hops)
	}
	return a.seed < b.seed
}

// seedHop returns, when raw entity m is a seed of the prong, the seed's kind (the
// first in the order LISTING, STATE_BODY, JURISDICTION) and the hop that ends its
// path.
func (pe *prongEval) seedHop(m uint32) (SeedKind, Hop, bool) {
	s := pe.eng.snap
	id := s.EntityID(m)
	for _, li := range s.Lists.OfEntity(m) {
		reg := s.Lists.Regime[li]
		if !pe.seedsRegime(reg) || !s.Lists.Holds(li, pe.q) || !pe.ev.listingCounts(li) {
			continue
		}
		return SeedListing, Hop{Kind: model.KindListing, From: id, To: s.RegimeID(reg), Valid: s.ListingPeriod(li)}, true
	}
	if !pe.ev.criteriaCount() {
		return 0, Hop{}, false
	}
	crit := func(kind SeedKind, source string) (SeedKind, Hop, bool) {
		return kind, Hop{Kind: HopCriterion, From: id, To: pe.ev.regime.ID, Valid: model.Always, Detail: source}, true
	}
	sd := &pe.p.Seeds
	c, hq := s.EntityCountry(m), s.EntityHQCountry(m)
	if len(sd.StateBodiesOf) > 0 && s.IsStateBody(m) && c != "" && contains(sd.StateBodiesOf, c) {
		return crit(SeedStateBody, "state_body of "+c)
	}
	if len(sd.Jurisdictions) > 0 && isCompanyOrOrg(s, m) {
		if c != "" && contains(sd.Jurisdictions, c) {
			return crit(SeedJurisdiction, "country "+c)
		}
		if hq != "" && contains(sd.Jurisdictions, hq) {
			return crit(SeedJurisdiction, "hqCountry "+hq)
		}
	}
	return 0, Hop{}, false
}

func isCompanyOrOrg(s *projection.Snapshot, m uint32) bool {
	t := s.EntityType(m)
	return t == model.TypeCompany || t == model.TypeOrganization
}

func contains(list []string, c string) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

func edgeHop(s *projection.Snapshot, kind model.Kind, e *projection.Edges, i uint32, src, dst string) Hop {
	p := s.EdgePeriod(e, i)
	h := Hop{Kind: kind, From: src, To: dst, Valid: p}
	switch kind {
	case model.KindOwnership:
		h.Share = e.Share(i)
	case model.KindSourcing:
		h.Detail = s.SiteName(e.Site(i))
	}
	return h
}

// state of the explanation search: a raw entity, for the affiliate rule the phase
// (0 = reached going down, 1 = going up), for a grouped aggregate the group.
type state struct {
	node  uint32
	phase uint8
	grp   uint32
}

// noGroup is the group of a state outside any group (every rule but a grouped
// aggregate, a seed, a CAUTION entity met).
const noGroup = ^uint32(0)

type step struct {
	prev state
	hop  Hop
	zero bool // a phase change, no hop
}

// Explain returns a shortest explanation path from raw entity x (caught under the
// evaluation) to the LISTING or CRITERION hop of a seed, and that seed entity.
func (ev *Eval) Explain(x uint32) ([]Hop, uint32, bool) {
	ex := ev.explain(x)
	return ex.hops, ex.listed, ex.ok
}

// unexplained is what search returns for a CLEAR entity.
var unexplained explanation

// explain returns x's explanation, searched once per evaluation and shared by
// every caller: read only.
func (ev *Eval) explain(x uint32) *explanation {
	if !ev.isCaught(x) {
		return &unexplained
	}
	slot := ev.memoSlot(x)
	if p := slot.Load(); p != nil {
		return p
	}
	ex := ev.search(x)
	if !slot.CompareAndSwap(nil, &ex) {
		return slot.Load()
	}
	return &ex
}

// search returns the best explanation of x over the prongs that give it its level.
func (ev *Eval) search(x uint32) explanation {
	v := ev.rawLevel(x)
	var best explanation
	for _, pe := range ev.prongs {
		if pe.level == nil || pe.Level(x) != v {
			continue
		}
		if ex := pe.search(x, v); ex.better(&best) {
			best = ex
		}
	}
	return best
}

// search is a 0-1 breadth-first search backwards from x along the edges that
// justify its level v under the prong, ending at a seed: every state keeps its
// shortest distance, a phase change costs nothing, and among the seeds met at the
// shortest distance the first seed kind wins.
func (pe *prongEval) search(x uint32, v model.Verdict) explanation {
	s := pe.eng.snap
	rx := pe.cls.of(x)
	var start []state
	switch {
	case pe.p.Rule == RuleAffiliate:
		if pe.aff[rx]&downBit(v) != 0 {
			start = append(start, state{x, 0, noGroup})
		}
		if pe.p.Directions&DirUp != 0 && pe.aff[rx]&upBit(v) != 0 {
			start = append(start, state{x, 1, noGroup})
		}
	case pe.groups != nil && !pe.isSeed(rx) && v > model.Caution:
		for _, g := range pe.members.of(rx) {
			if pe.groups[g].has(rx, v) {
				start = append(start, state{x, 0, g})
			}
		}
	default:
		start = append(start, state{x, 0, noGroup})
	}
	dist := map[state]int{}
	parent := map[state]step{}
	// A deque of states: zero-cost moves go to the front.
	front, back := []state{}, []state{}
	for _, st := range start {
		dist[st] = 0
		back = append(back, st)
	}
	bestLen := -1
	var found explanation
	relax := func(from, to state, h Hop, zero bool) {
		d := dist[from] + 1
		if zero {
			d = dist[from]
		}
		if old, ok := dist[to]; ok && old <= d {
			return
		}
		dist[to] = d
		parent[to] = step{prev: from, hop: h, zero: zero}
		if zero {
			front = append(front, to)
		} else {
			back = append(back, to)
		}
	}
	done := map[state]bool{}
	for head := 0; len(front) > 0 || head < len(back); {
		var cur state
		if n := len(front); n > 0 {
			cur, front = front[n-1], front[:n-1]
		} else {
			cur = back[head]
			head++
		}
		if done[cur] {
			continue
		}
		done[cur] = true
		d := dist[cur]
		if bestLen >= 0 && d > bestLen {
			break
		}
		u := cur.node
		if ru := pe.cls.of(u); pe.isSeed(ru) && (cur.grp == noGroup || pe.groups[cur.grp].isSeed(ru)) {
			if kind, last, ok := pe.seedHop(u); ok {
				ex := pe.assemble(cur, parent, u, last, kind)
				if bestLen < 0 || kind < found.seed {
					found, bestLen = ex, d
				}
				continue
			}
		}
		uid := s.EntityID(u)
		// same_as links keep the phase and the group.
		lo, hi := s.Same.Out(u)
		for e := lo; e < hi; e++ {
			if s.Same.Holds(e, pe.q) {
				w := s.Same.Dst(e)
				relax(cur, state{w, cur.phase, cur.grp}, edgeHop(s, model.KindSameAs, &s.Same, e, uid, s.EntityID(w)), false)
			}
		}
		for _, e := range s.Same.In(u) {
			if s.Same.Holds(e, pe.q) {
				w := s.Same.Src(e)
				relax(cur, state{w, cur.phase, cur.grp}, edgeHop(s, model.KindSameAs, &s.Same, e, s.EntityID(w), uid), false)
			}
		}
		if pe.p.Rule == RuleAffiliate {
			pe.affiliateSteps(cur, x, v, relax)
		} else {
			pe.ownershipSteps(cur, x, v, relax)
		}
	}
	if bestLen < 0 {
		return explanation{}
	}
	found.basis, found.aggregate = pe.basisOf(x, found.hops, start, found)
	return found
}

// ownershipSteps expands a state backwards for the aggregate rule, justifying the
// finding's level v (CAUTION only at the entity met x; the entities above it at
// POSSIBLE or more).
func (pe *prongEval) ownershipSteps(cur state, x uint32, v model.Verdict, relax func(from, to state, h Hop, zero bool)) {
	s := pe.eng.snap
	u := cur.node
	uid := s.EntityID(u)
	var grp *group
	if cur.grp != noGroup {
		grp = &pe.groups[cur.grp]
	}
	lu := pe.Level(u)
	if grp != nil {
		if l := grp.level(pe.cls.of(u)); l != model.Clear {
			lu = l
		}
	}
	if lu > model.Caution {
		lu = min(lu, max(v, model.Possible))
	}
	ok := func(p uint32, need model.Verdict) bool {
		if grp != nil {
			return grp.has(pe.cls.of(p), need)
		}
		return pe.Level(p) >= need
	}
	if lu == model.Caution {
		for _, e := range s.Ctl.In(u) {
			p := s.Ctl.Src(e)
			if !s.Ctl.Holds(e, pe.q) || !ok(p, model.Possible) {
				continue
			}
			h := edgeHop(s, model.KindControl, &s.Ctl, e, s.EntityID(p), uid)
			rp := pe.cls.of(p)
			if pe.groups == nil || pe.isSeed(rp) {
				relax(cur, state{p, 0, noGroup}, h, false)
				continue
			}
			// The controller is caught through groups: go on in each that has it.
			for _, g := range pe.members.of(rp) {
				if pe.groups[g].has(rp, model.Possible) {
					relax(cur, state{p, 0, g}, h, false)
				}
			}
		}
		return
	}
	// Ownership hops justify u only when its caught owners' shares cross the
	// threshold; otherwise u was caught by control alone.
	if pe.ownershipCrossed(u, lu, grp) {
		for _, e := range s.Own.In(u) {
			if !s.Own.Holds(e, pe.q) {
				continue
			}
			share := s.Own.Lo(e)
			if lu == model.Possible {
				share = s.Own.Hi(e)
			}
			if p := s.Own.Src(e); share > 0 && ok(p, lu) {
				relax(cur, state{p, 0, cur.grp}, edgeHop(s, model.KindOwnership, &s.Own, e, s.EntityID(p), uid), false)
			}
		}
	}
	if pe.p.Control == ControlCatch {
		for _, e := range s.Ctl.In(u) {
			if p := s.Ctl.Src(e); s.Ctl.Holds(e, pe.q) && ok(p, lu) {
				relax(cur, state{p, 0, cur.grp}, edgeHop(s, model.KindControl, &s.Ctl, e, s.EntityID(p), uid), false)
			}
		}
	}
}

// affiliateSteps expands a state backwards for the affiliate rule at level v: a
// down state comes from a controller in the down set, or at no cost from the same
// entity's up state (siblings; never at the entity met, whose up state is a start
// of its own with up); an up state comes from an entity it controls in the up set.
func (pe *prongEval) affiliateSteps(cur state, x uint32, v model.Verdict, relax func(from, to state, h Hop, zero bool)) {
	s := pe.eng.snap
	u := cur.node
	uid := s.EntityID(u)
	need := v
	if v == model.Caution {
		need = model.Possible
	}
	up, down := upBit(v), downBit(v)
	if cur.phase == 0 {
		controllers(s, pe.q, u, func(z uint32, st model.Verdict, kind model.Kind, e uint32) {
			rz := pe.cls.of(z)
			if st >= need && pe.aff[rz]&down != 0 && pe.allowed(rz, v) {
				relax(cur, state{z, 0, noGroup}, pe.relHop(kind, e, s.EntityID(z), uid), false)
			}
		})
		if pe.p.Directions&DirSiblings != 0 && pe.aff[pe.cls.of(u)]&up != 0 && pe.cls.of(u) != pe.cls.of(x) {
			relax(cur, state{u, 1, noGroup}, Hop{}, true)
		}
		return
	}
	controlled(s, pe.q, u, func(y uint32, st model.Verdict, kind model.Kind, e uint32) {
		if st >= need && pe.aff[pe.cls.of(y)]&up != 0 {
			relax(cur, state{y, 1, noGroup}, pe.relHop(kind, e, uid, s.EntityID(y)), false)
		}
	})
}

func (pe *prongEval) relHop(kind model.Kind, e uint32, src, dst string) Hop {
	s := pe.eng.snap
	if kind == model.KindOwnership {
		return edgeHop(s, kind, &s.Own, e, src, dst)
	}
	return edgeHop(s, kind, &s.Ctl, e, src, dst)
}

// assemble turns the search's parent links into hops from x to the seed's last hop.
func (pe *prongEval) assemble(end state, parent map[state]step, seed uint32, last Hop, kind SeedKind) explanation {
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
	hops = append(hops, last)
	return explanation{hops: hops, listed: seed, ok: true, seed: kind}
}

// basisOf says why x is caught, from its explanation: the first hop that is not a
// same_as link. For ownership, the aggregate percent is that of the group the
// path runs in.
func (pe *prongEval) basisOf(x uint32, hops []Hop, start []state, ex explanation) (Basis, *float64) {
	first := model.KindListing
	for _, h := range hops {
		if h.Kind != model.KindSameAs {
			first = h.Kind
			break
		}
	}
	switch {
	case first == model.KindListing || first == HopCriterion:
		return BasisListed, nil
	case pe.p.Rule == RuleAffiliate:
		return BasisAffiliate, nil
	case first == model.KindControl:
		return BasisControl, nil
	}
	var grp *group
	if pe.groups != nil {
		// The group whose seed ends the path, among those x is caught through.
		for _, g := range pe.members.of(pe.cls.of(x)) {
			if pe.groups[g].isSeed(pe.cls.of(ex.listed)) {
				grp = &pe.groups[g]
				break
			}
		}
	}
	if p, ok := pe.aggregatePercent(x, grp); ok {
		return BasisOwnership, &p
	}
	return BasisOwnership, nil
}

// ownedShare sums the shares held in raw entity x's class by owners caught at
// level v (within the group for a grouped aggregate): lower bounds for EXPOSED,
// upper bounds for POSSIBLE.
func (pe *prongEval) ownedShare(x uint32, v model.Verdict, grp *group) uint64 {
	s := pe.eng.snap
	var sum uint64
	rx := pe.cls.of(x)
	pe.cls.each(x, func(m uint32) {
		for _, e := range s.Own.In(m) {
			if !s.Own.Holds(e, pe.q) {
				continue
			}
			p := pe.cls.of(s.Own.Src(e))
			in := pe.Level(p) >= v
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
func (pe *prongEval) ownershipCrossed(u uint32, v model.Verdict, grp *group) bool {
	if v != model.Exposed && v != model.Possible {
		return false
	}
	return pe.thr.Crossed(pe.ownedShare(u, v, grp))
}

// aggregatePercent returns the summed share that raised raw entity x to its level
// through ownership (within grp for a grouped aggregate).
func (pe *prongEval) aggregatePercent(x uint32, grp *group) (float64, bool) {
	v := pe.Level(x)
	if grp != nil {
		if l := grp.level(pe.cls.of(x)); l != model.Clear {
			v = l
		}
	}
	if v != model.Exposed && v != model.Possible || pe.p.Rule == RuleAffiliate {
		return 0, false
	}
	return model.Percent(pe.ownedShare(x, v, grp)), true
}

// AggregatePercent returns the summed share that raised raw entity x to its level
// through ownership under the prong that explains it.
func (ev *Eval) AggregatePercent(x uint32) (float64, bool) {
	ex := ev.explain(x)
	if !ex.ok || ex.aggregate == nil {
		return 0, false
	}
	return *ex.aggregate, true
}
