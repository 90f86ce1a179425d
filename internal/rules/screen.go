package rules

import (
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// Basis says why a finding's entity is restricted.
type Basis uint8

// Bases of a finding.
const (
	BasisListed Basis = iota
	BasisOwnership
	BasisControl
	BasisAffiliate
	// BasisOrigin: the entity made a product of the closure at a site an origins
	// seed names.
	BasisOrigin
)

var basisNames = [...]string{"LISTED", "OWNERSHIP", "CONTROL", "AFFILIATE", "ORIGIN"}

func (b Basis) String() string { return basisNames[b] }

// Finding is one restricted entity met while screening under one regime.
type Finding struct {
	Verdict model.Verdict
	// Entity is the restricted entity met: a product's supplier or manufacturer, or
	// the screened entity.
	Entity string
	// Listed is the seed entity at the root of the explanation (listed, or meeting
	// a criterion).
	Listed string
	// Seed says why Listed is restricted.
	Seed             SeedKind
	Basis            Basis
	AggregatePercent *float64
	// Path links the subject to Listed: stored edges in order, ending in the
	// LISTING of Listed, or for a criterion seed in its CRITERION hop.
	Path Path
}

// Result is one regime's answer.
type Result struct {
	Regime   *Regime
	Verdict  model.Verdict
	Findings []Finding
}

// Gap is a product in the closure with no known producer on the day.
type Gap struct {
	Product string
	Reason  string
}

// Screening is the answer for one subject.
type Screening struct {
	Subject string
	AsOf    model.Date
	Verdict model.Verdict
	Results []Result
	Gaps    []Gap
	Version model.Hash
}

// ScreenEntity screens entity id under the regimes on day d.
func (e *Engine) ScreenEntity(id string, d model.Date, regimes []*Regime) (*Screening, error) {
	s := e.snap
	x, ok := s.Entity(id)
	if !ok || !s.EntityDefined(x) {
		return nil, model.ErrNotFound
	}
	out := &Screening{Subject: id, AsOf: d, Version: s.Version(), Gaps: []Gap{}}
	for _, r := range regimes {
		res := Result{Regime: r, Findings: []Finding{}}
		if r.AppliesOn(d) {
			ev := e.Eval(r, d, allListings)
			if v := ev.Level(x); v > model.Clear {
				if f, ok := ev.finding(x, v); ok {
					res.Findings = append(res.Findings, f)
					res.Verdict = v
				}
			}
		}
		out.Verdict = model.Worst(out.Verdict, res.Verdict)
		out.Results = append(out.Results, res)
	}
	return out, nil
}

// finding builds the finding for raw entity x at verdict v, its path the
// explanation of x.
func (ev *Eval) finding(x uint32, v model.Verdict) (Finding, bool) {
	ex := ev.explain(x)
	if !ex.ok {
		return Finding{}, false
	}
	return ev.explained(x, ex, v, nil), true
}

// explained builds the finding for raw entity x at verdict v from its
// explanation ex, its path head (from the subject to x) and then the
// explanation's hops.
func (ev *Eval) explained(x uint32, ex *explanation, v model.Verdict, head []Hop) Finding {
	s := ev.eng.snap
	f := Finding{Verdict: v, Entity: s.EntityID(x), Listed: s.EntityID(ex.listed), Seed: ex.seed, Basis: ex.basis,
		Path: Path{head: head, tail: ex.hops}}
	if ex.aggregate != nil {
		p := *ex.aggregate
		f.AggregatePercent = &p
	}
	return f
}

// productScratch holds per-call state of a product screening, sized to the snapshot.
type productScratch struct {
	node   []closureNode // by product number
	gen    uint32
	order  []uint32
	change []uint32

	// Per call, shared by every regime screened.
	occs  []occ    // valid sourcing edges of the closure
	masks []uint64 // the category masks of the occs' products, each once (occ.mi indexes it)
	// evals holds the evaluations of the call: per regime, one per mask, in
	// the order of masks (nil for a regime that does not apply on the day).
	evals []*Eval
	// suspects are the occs whose entity some evaluation of the call catches:
	// union ORs the caught entities of the evaluations this scratch has screened
	// with (those whose number unionHas marks), so an entity outside it is CLEAR
	// under every one and most occurrences are ruled out by one bit.
	suspects []occ
	union    bitset
	unionN   int      // evaluations in the union
	unionGen uint32   // unionHas[seq] == unionGen: evaluation seq is in the union (never 0)
	unionHas []uint32 // by Eval.seq
	// The best occurrence of each entity caught under the regime being screened:
	// bestAt maps the entity to its place in best (a slice, walked in the order
	// entities were met; the findings are sorted after).
	best   []bestOcc
	bestAt map[uint32]int32
	// The component paths written so far, the same for every regime: by
	// sourcing edge, the hops from the subject through the edge, in prefix (a
	// slab the call's findings own, so a new one per call).
	prefixAt map[uint32][]Hop
	prefix   []Hop
}

// closureNode is what a screening keeps of one product, in one place so that
// meeting a product reads one 24-byte node, not five arrays.
type closureNode struct {
	stamp  uint32 // == gen when in the closure
	depth  uint32
	via    uint32 // component edge that first reached the product (BFS tree)
	parent uint32 // the product it was reached from
	anc    uint64 // categories of the products above
}

// occ is one valid sourcing edge of a product in the closure.
type occ struct {
	product, edge, entity uint32
	mi                    int  // index of the product's category mask in productScratch.masks
	nonEssential          int8 // 0 unknown, 1 yes, -1 no (computed on demand)
}

// maxUnion bounds the evaluations a scratch's union gathers before it starts
// over (a server screening on many days).
const maxUnion = 64

// prepare fetches the evaluations of a call for the regimes on day d (one per
// mask of sc.masks), merges them into the union and keeps the suspects.
func (e *Engine) prepare(sc *productScratch, d model.Date, regimes []*Regime) {
	sc.evals = sc.evals[:0]
	fresh := 0
	for _, r := range regimes {
		for _, m := range sc.masks {
			var ev *Eval
			if r.ProductAppliesOn(d) {
				ev = e.Eval(r, d, m)
				if !sc.inUnion(ev) {
					fresh++
				}
			}
			sc.evals = append(sc.evals, ev)
		}
	}
	sc.suspects = sc.suspects[:0]
	if len(sc.evals) > maxUnion {
		// Too many to gather: every occurrence is a suspect.
		sc.suspects = append(sc.suspects, sc.occs...)
		return
	}
	if fresh > 0 {
		if sc.unionN+fresh > maxUnion {
			clear(sc.union)
			sc.unionN = 0
			if sc.unionGen++; sc.unionGen == 0 { // wrapped: forget every number
				clear(sc.unionHas)
				sc.unionGen = 1
			}
		}
		for _, ev := range sc.evals {
			if ev != nil && !sc.inUnion(ev) {
				sc.merge(ev)
			}
		}
	}
	if sc.union == nil {
		return
	}
	for _, o := range sc.occs {
		if sc.union.has(o.entity) {
			sc.suspects = append(sc.suspects, o)
		}
	}
}

// inUnion reports whether the union has the evaluation's caught entities.
func (sc *productScratch) inUnion(ev *Eval) bool {
	return int(ev.seq) < len(sc.unionHas) && sc.unionHas[ev.seq] == sc.unionGen
}

// merge adds an evaluation's caught entities to the union.
func (sc *productScratch) merge(ev *Eval) {
	if int(ev.seq) >= len(sc.unionHas) {
		sc.unionHas = append(sc.unionHas, make([]uint32, int(ev.seq)+1-len(sc.unionHas))...)
	}
	sc.unionHas[ev.seq] = sc.unionGen
	sc.unionN++
	if ev.caught == nil {
		return
	}
	if sc.union == nil {
		sc.union = newBitset(len(ev.level))
	}
	sc.union.or(ev.caught)
}

func (e *Engine) getScratch() *productScratch {
	if sc, ok := e.scratch.Get().(*productScratch); ok {
		return sc
	}
	n := e.snap.NumProducts()
	return &productScratch{node: make([]closureNode, n),
		bestAt: map[uint32]int32{}, prefixAt: map[uint32][]Hop{}, unionGen: 1}
}

// bestOcc is the best occurrence of one entity.
type bestOcc struct {
	entity uint32
	occurrence
}

// occurrence is a restricted entity met through one product of the closure.
type occurrence struct {
	verdict model.Verdict // before the regime's outcome
	length  int
	seed    SeedKind
	origin  bool // met through an origins seed: the path ends at the sourcing edge
	product uint32
	edge    uint32 // sourcing edge
	ev      *Eval
	ex      *explanation // the entity's explanation under ev (nil for an origin)
}

// better reports whether occurrence a explains its entity better than b: a worse
// level, then a shorter path, then the first seed kind.
func (a *occurrence) better(b *occurrence) bool {
	if a.verdict != b.verdict {
		return a.verdict > b.verdict
	}
	if a.length != b.length {
		return a.length < b.length
	}
	return a.seed < b.seed
}

// ScreenProduct screens product id's bill of materials under the regimes on day d.
func (e *Engine) ScreenProduct(id string, d model.Date, regimes []*Regime) (*Screening, error) {
	s := e.snap
	root, ok := s.Product(id)
	if !ok || !s.ProductDefined(root) {
		return nil, model.ErrNotFound
	}
	sc := e.getScratch()
	defer e.scratch.Put(sc)
	return e.screenProduct(sc, id, root, d, regimes), nil
}

// screenProduct screens product root (id) with scratch sc.
func (e *Engine) screenProduct(sc *productScratch, id string, root uint32, d model.Date, regimes []*Regime) *Screening {
	s := e.snap
	q := s.Query(d)
	e.closure(sc, root, q)

	out := &Screening{Subject: id, AsOf: d, Version: s.Version(), Gaps: []Gap{}}
	sc.occs, sc.masks = sc.occs[:0], sc.masks[:0]
	clear(sc.prefixAt)
	sc.prefix = nil
	for _, p := range sc.order {
		lo, hi := s.Srcg.Out(p)
		sourced := false
		mi := -1
		for i := lo; i < hi; i++ {
			if s.Srcg.Holds(i, q) {
				if mi < 0 {
					mi = sc.maskIndex(e.contextMask(sc, p))
				}
				sourced = true
				sc.occs = append(sc.occs, occ{product: p, edge: i, entity: s.Srcg.Dst(i), mi: mi})
			}
		}
		if !sourced {
			out.Gaps = append(out.Gaps, Gap{Product: s.ProductID(p), Reason: gapReason(s, p, d)})
		}
	}
	e.prepare(sc, d, regimes)
	for i, r := range regimes {
		res := e.screenClosure(sc, root, q, d, r, sc.evals[i*len(sc.masks):(i+1)*len(sc.masks)])
		if res.Verdict == model.Clear && len(out.Gaps) > 0 && r.ProductAppliesOn(d) {
			res.Verdict = model.Unknown
		}
		out.Verdict = model.Worst(out.Verdict, res.Verdict)
		out.Results = append(out.Results, res)
	}
	return out
}

func gapReason(s *projection.Snapshot, p uint32, d model.Date) string {
	if !s.ProductDefined(p) {
		return "component is not defined and has no known manufacturer or supplier on " + d.String()
	}
	return "no known manufacturer or supplier on " + d.String()
}

// closure collects the products reachable from root through component edges valid
// on the day, breadth first, and the categories each inherits from above.
func (e *Engine) closure(sc *productScratch, root uint32, q projection.DateCode) {
	s := e.snap
	sc.gen++
	if sc.gen == 0 { // wrapped: clear stamps
		clear(sc.node)
		sc.gen = 1
	}
	sc.order = sc.order[:0]
	sc.node[root] = closureNode{stamp: sc.gen, via: ^uint32(0)}
	sc.order = append(sc.order, root)
	for i := 0; i < len(sc.order); i++ {
		p := sc.order[i]
		depth := sc.node[p].depth + 1
		lo, hi := s.Comp.Out(p)
		for c := lo; c < hi; c++ {
			if !s.Comp.Holds(c, q) {
				continue
			}
			if ch := s.Comp.Dst(c); sc.node[ch].stamp != sc.gen {
				sc.node[ch] = closureNode{stamp: sc.gen, depth: depth, via: c, parent: p}
				sc.order = append(sc.order, ch)
			}
		}
	}
	// Inherited categories: what each product passes down is its own category and
	// everything above it; spread to a fixpoint (bills of materials may be cyclic).
	// The screened product has nothing above it, even on a cycle back to it.
	sc.change = append(sc.change[:0], sc.order...)
	for len(sc.change) > 0 {
		p := sc.change[len(sc.change)-1]
		sc.change = sc.change[:len(sc.change)-1]
		pass := sc.node[p].anc | e.categoryMask(p)
		if pass == 0 {
			continue
		}
		lo, hi := s.Comp.Out(p)
		for c := lo; c < hi; c++ {
			if ch := s.Comp.Dst(c); ch != root && s.Comp.Holds(c, q) && sc.node[ch].anc|pass != sc.node[ch].anc {
				sc.node[ch].anc |= pass
				sc.change = append(sc.change, ch)
			}
		}
	}
}

// maskIndex returns mask's place in sc.masks, adding it when new.
func (sc *productScratch) maskIndex(mask uint64) int {
	if i := slices.Index(sc.masks, mask); i >= 0 {
		return i
	}
	sc.masks = append(sc.masks, mask)
	return len(sc.masks) - 1
}

// contextMask is the category mask that decides which listings count for product p
// of the closure: its own category, or when it has none, those above it.
func (e *Engine) contextMask(sc *productScratch, p uint32) uint64 {
	if e.snap.HasCategory(p) {
		return e.categoryMask(p)
	}
	return sc.node[p].anc
}

// nonEssential reports whether every component edge valid on the day that leads
// into p from a product of the closure is non-essential.
func (sc *productScratch) nonEssential(s *projection.Snapshot, p uint32, q projection.DateCode) bool {
	for _, c := range s.Comp.In(p) {
		if s.Comp.Holds(c, q) && sc.node[s.Comp.Src(c)].stamp == sc.gen && s.Comp.Essential(c) {
			return false
		}
	}
	return true
}

// screenClosure screens the prepared call under regime r, with evals its
// evaluations per mask.
func (e *Engine) screenClosure(sc *productScratch, root uint32, q projection.DateCode, d model.Date, r *Regime, evals []*Eval) Result {
	s := e.snap
	res := Result{Regime: r, Findings: []Finding{}}
	if !r.ProductAppliesOn(d) || len(sc.occs) == 0 {
		return res
	}
	clear(sc.bestAt)
	sc.best = sc.best[:0]
	essential := false // some prong has the non-essential rule
	for i := range r.Prongs {
		essential = essential || r.Prongs[i].NonEssentialCaution
	}
	// isNonEssential says whether occurrence o's product is reached only through
	// non-essential component edges (the screened product never is).
	isNonEssential := func(o *occ) bool {
		if o.product == root {
			return false
		}
		if o.nonEssential == 0 {
			o.nonEssential = -1
			if sc.nonEssential(s, o.product, q) {
				o.nonEssential = 1
			}
		}
		return o.nonEssential == 1
	}
	consider := func(entity uint32, oc occurrence) {
		i, seen := sc.bestAt[entity]
		if !seen {
			sc.bestAt[entity] = int32(len(sc.best))
			sc.best = append(sc.best, bestOcc{entity, oc})
		} else if oc.better(&sc.best[i].occurrence) {
			sc.best[i].occurrence = oc
		}
	}
	for k := range sc.suspects {
		o := &sc.suspects[k]
		ev := evals[o.mi]
		v := ev.rawLevel(o.entity)
		if v == model.Clear {
			continue
		}
		if essential && v >= model.Possible {
			v = ev.occurrenceLevel(o.entity, isNonEssential(o))
		}
		ex := ev.explain(o.entity)
		if !ex.ok {
			continue
		}
		consider(o.entity, occurrence{verdict: v, length: int(sc.node[o.product].depth) + 1 + len(ex.hops), seed: ex.seed,
			product: o.product, edge: o.edge, ev: ev, ex: ex})
	}
	if len(evals) > 0 && len(evals[0].origins) > 0 {
		for k := range sc.occs {
			o := &sc.occs[k]
			ev := evals[o.mi]
			site := s.Srcg.Site(o.edge)
			if site == 0 || !ev.critOK {
				continue
			}
			for _, pe := range ev.origins {
				if !pe.origin[site] {
					continue
				}
				v := model.Exposed
				if pe.p.NonEssentialCaution && isNonEssential(o) {
					v = model.Caution
				}
				consider(o.entity, occurrence{verdict: v, length: int(sc.node[o.product].depth) + 2, seed: SeedOrigin, origin: true,
					product: o.product, edge: o.edge, ev: ev})
				break
			}
		}
	}
	// The component paths not yet written share one allocation.
	need := 0
	for i := range sc.best {
		if o := &sc.best[i].occurrence; sc.prefixAt[o.edge] == nil {
			need += int(sc.node[o.product].depth) + 1
		}
	}
	if cap(sc.prefix)-len(sc.prefix) < need {
		sc.prefix = make([]Hop, 0, need)
	}
	res.Findings = make([]Finding, 0, len(sc.best))
	for _, b := range sc.best {
		x, o := b.entity, b.occurrence
		head := sc.prefixAt[o.edge]
		if head == nil {
			l, n := len(sc.prefix), int(sc.node[o.product].depth)+1
			head = sc.prefix[l : l+n : l+n]
			e.componentPath(sc, o.product, o.edge, head)
			sc.prefix = sc.prefix[:l+n]
			sc.prefixAt[o.edge] = head
		}
		var f Finding
		if o.origin {
			f = Finding{Verdict: r.outcome(o.verdict), Entity: s.EntityID(x), Listed: s.EntityID(x), Seed: SeedOrigin, Basis: BasisOrigin}
			crit := Hop{Kind: HopCriterion, From: f.Entity, To: r.ID, Valid: model.Always, Detail: "site " + head[len(head)-1].Site()}
			f.Path = Path{head: head, tail: []Hop{crit}}
		} else {
			f = o.ev.explained(x, o.ex, r.outcome(o.verdict), head)
		}
		res.Findings = append(res.Findings, f)
		res.Verdict = model.Worst(res.Verdict, f.Verdict)
	}
	sortFindings(res.Findings)
	return res
}

// occurrenceLevel is raw entity x's level (before the outcome) met through a
// product that non-essential edges alone lead to when nonEssential is set: the
// worst over the prongs, each prong with the non-essential rule giving CAUTION
// for EXPOSED or POSSIBLE.
func (ev *Eval) occurrenceLevel(x uint32, nonEssential bool) model.Verdict {
	if !nonEssential {
		return ev.rawLevel(x)
	}
	v := model.Clear
	for _, pe := range ev.prongs {
		l := pe.Level(x)
		if pe.p.NonEssentialCaution && l >= model.Possible {
			l = model.Caution
		}
		v = model.Worst(v, l)
	}
	return v
}

// componentPath writes into hops (depth of p + 1 of them) the hops from the
// screened product down to product p (the breadth-first tree, so a shortest
// chain) and the sourcing hop from p.
func (e *Engine) componentPath(sc *productScratch, p, sourcing uint32, hops []Hop) {
	s := e.snap
	depth := int(sc.node[p].depth)
	hops[depth] = edgeHop(s, model.KindSourcing, &s.Srcg, sourcing, s.ProductID(p), s.EntityID(s.Srcg.Dst(sourcing)))
	for cur, i := p, depth-1; i >= 0; i-- {
		parent := sc.node[cur].parent
		hops[i] = edgeHop(s, model.KindComponent, &s.Comp, sc.node[cur].via, s.ProductID(parent), s.ProductID(cur))
		cur = parent
	}
}

// sortFindings orders findings worst first, then by path length, then entity id, so
// answers are deterministic.
func sortFindings(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		if a.Verdict != b.Verdict {
			return int(b.Verdict) - int(a.Verdict)
		}
		if la, lb := a.Path.Len(), b.Path.Len(); la != lb {
			return la - lb
		}
		return strings.Compare(a.Entity, b.Entity)
	})
}
