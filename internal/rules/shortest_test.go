package rules

// Tests that every finding's path is a shortest one (CONTRACT.md section 4: "each
// with a shortest path"; section 5.2), whatever the order of the ids.

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// TestShortestPathCases are the three kinds of explanation a differential test
// found longer than needed (issue 13, item 7), each with its ids in both orders:
// a nearer designated person under UK-OFSI, a nearer controller under section 889
// and the FCC list, and an unknown share rather than a long EXPOSED chain under the
// aggregate rules.
func TestShortestPathCases(t *testing.T) {
	var cases []entityCase
	// UK: designated a controls designated b, b owns 60% of t: t through b.
	for _, n := range [][2]string{{"a", "b"}, {"b", "a"}, {"z", "m"}} {
		a, b := n[0], n[1]
		recs := []string{person(a), co(b, "t"), list(uk, a), list(uk, b), ctl(a, b), own(b, "t", 60)}
		cases = append(cases, entityCase{name: "UK nearer designated person " + a + "/" + b, regime: uk, subject: "t", want: EXPOSED,
			recs: recs, listed: b, basis: "OWNERSHIP", agg: 60, path: []string{"ownership " + b + "->t", "listing " + b + "->UK-OFSI"}})
	}
	// 889 and FCC: top -> mid, mid -> listed, mid -> sib, top -> sib: sib through mid.
	for _, r := range []string{ndaa, fcc} {
		for _, n := range [][2]string{{"top", "mid"}, {"a", "z"}, {"z", "a"}} {
			top, mid := n[0], n[1]
			recs := []string{co(top, mid, "l", "sib"), list(r, "l"), ctl(top, mid), ctl(mid, "l"), ctl(mid, "sib"), ctl(top, "sib")}
			cases = append(cases, entityCase{name: r + " nearer controller " + top + "/" + mid, regime: r, subject: "sib", want: EXPOSED,
				recs: recs, listed: "l", basis: "AFFILIATE", path: []string{"control " + mid + "->sib", "control " + mid + "->l", "listing l->" + r}})
			// The same with ownership edges of more than 50%.
			recs = []string{co(top, mid, "l", "sib"), list(r, "l"), own(top, mid, 60), own(mid, "l", 60), own(mid, "sib", 60), own(top, "sib", 60)}
			cases = append(cases, entityCase{name: r + " nearer owner " + top + "/" + mid, regime: r, subject: "sib", want: EXPOSED,
				recs: recs, listed: "l", path: []string{"ownership " + mid + "->sib", "ownership " + mid + "->l", "listing l->" + r}})
		}
	}
	// Aggregate rules: l holds an unknown share of t and, through a chain of
	// wholly owned companies, 30% of it: t is POSSIBLE, explained by the unknown
	// share in one hop rather than by the chain.
	for _, r := range []string{sdn, bis, eu} {
		for _, n := range [][3]string{{"a", "b", "c"}, {"x", "y", "z"}, {"c", "b", "a"}} {
			recs := []string{co("l", n[0], n[1], n[2], "t"), list(r, "l"), own("l", n[0], 100), own(n[0], n[1], 100), own(n[1], n[2], 100),
				own(n[2], "t", 30), ownU("l", "t")}
			cases = append(cases, entityCase{name: r + " unknown share " + n[0], regime: r, subject: "t", want: POSSIBLE, date: "2026-12-01",
				recs: recs, listed: "l", basis: "OWNERSHIP", path: []string{"ownership l->t", "listing l->" + r}})
		}
	}
	runEntityCases(t, cases)
}

// TestShortestPathsOnGeneratedWorlds: on generated worlds whose entity ids are
// renamed at random (so the order of ids, which breaks ties, changes), every
// entity screened under the seven v1 regimes has the verdict an independent
// reference computes and a path exactly as long as a breadth-first search over
// the edges that justify its level finds.
func TestShortestPathsOnGeneratedWorlds(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		for _, day := range []string{"2024-01-01", "2026-12-01"} {
			t.Run(fmt.Sprintf("seed %d %s", seed, day), func(t *testing.T) {
				checkShortestWorld(t, gen.Config{Entities: 6000, Products: 10, Seed: seed}, seed, model.MustDate(day))
			})
		}
	}
}

// refWorld is a generated world as the reference sees it: the facts valid on one
// day, by entity id.
type refWorld struct {
	stateBody map[string]bool
	owners    map[string][]refOwn // owned -> ownership edges into it
	owned     map[string][]refOwn // owner -> ownership edges out of it
	ctlIn     map[string][]string // controlled -> controllers
	ctlOut    map[string][]string // controller -> controlled
	listed    map[string]map[string]bool
	ids       []string
}

type refOwn struct {
	from, to string
	lo, hi   uint64
}

func checkShortestWorld(t *testing.T, cfg gen.Config, seed uint64, d model.Date) {
	var recs []model.Record
	if _, err := gen.Records(cfg, func(op *ingest.Op) error { recs = append(recs, op.Record); return nil }); err != nil {
		t.Fatal(err)
	}
	// Rename every entity id at random.
	rng := rand.New(rand.NewPCG(seed, 99))
	rename := map[string]string{}
	for _, r := range recs {
		if r.Kind == model.KindEntity {
			rename[r.ID] = ""
		}
	}
	perm := rng.Perm(len(rename))
	i := 0
	for _, old := range slices.Sorted(maps.Keys(rename)) {
		rename[old] = fmt.Sprintf("n%06d", perm[i])
		i++
	}
	w := &refWorld{stateBody: map[string]bool{}, owners: map[string][]refOwn{}, owned: map[string][]refOwn{},
		ctlIn: map[string][]string{}, ctlOut: map[string][]string{}, listed: map[string]map[string]bool{}}
	pb := projection.NewBuilder()
	for k := range recs {
		r := &recs[k]
		switch r.Kind {
		case model.KindEntity:
			r.ID = rename[r.ID]
			w.ids = append(w.ids, r.ID)
			w.stateBody[r.ID] = r.Type == model.TypeStateBody
		case model.KindOwnership, model.KindControl:
			r.Src, r.Dst = rename[r.Src], rename[r.Dst]
		case model.KindListing:
			r.Src = rename[r.Src]
		case model.KindSourcing:
			r.Dst = rename[r.Dst]
		}
		pb.Add(r)
		if !r.Valid.Holds(d) {
			continue
		}
		switch r.Kind {
		case model.KindOwnership:
			o := refOwn{r.Src, r.Dst, uint64(r.Share.Min), uint64(r.Share.Max)}
			w.owners[r.Dst] = append(w.owners[r.Dst], o)
			w.owned[r.Src] = append(w.owned[r.Src], o)
		case model.KindControl:
			w.ctlIn[r.Dst] = append(w.ctlIn[r.Dst], r.Src)
			w.ctlOut[r.Src] = append(w.ctlOut[r.Src], r.Dst)
		case model.KindListing:
			if w.listed[r.Dst] == nil {
				w.listed[r.Dst] = map[string]bool{}
			}
			w.listed[r.Dst][r.Src] = true
		}
	}
	snap, err := pb.Build(model.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	set, _ := NewSet(Builtin())
	eng := NewEngine(snap, set)
	checked := map[string]int{}
	for _, r := range set.Defaults() {
		want := w.reference(r, d)
		for _, id := range w.ids {
			got, err := eng.ScreenEntity(id, d, []*Regime{r})
			if err != nil {
				t.Fatal(err)
			}
			res := got.Results[0]
			ref, caught := want[id]
			if !caught {
				if res.Verdict != model.Clear {
					t.Errorf("%s %s: %s %s, reference CLEAR", r.ID, id, res.Verdict, describe(res.Findings))
				}
				continue
			}
			if res.Verdict != ref.level || len(res.Findings) != 1 {
				t.Errorf("%s %s: %s %s, reference %s", r.ID, id, res.Verdict, describe(res.Findings), ref.level)
				continue
			}
			checked[r.ID]++
			if n := res.Findings[0].Path.Len() - 1; n != ref.dist {
				t.Errorf("%s %s (%s): path of %d hops %v, reference %d", r.ID, id, ref.level, n, pathStrings(res.Findings[0].Path.Hops()), ref.dist)
			}
		}
	}
	for _, r := range set.Defaults() {
		if checked[r.ID] == 0 {
			t.Errorf("%s: no entity caught, nothing checked", r.ID)
		}
	}
	t.Logf("findings checked per regime: %v", checked)
}

// refLevel is the reference's answer for one entity: its level and the length of
// a shortest path of justifying edges from a seed.
type refLevel struct {
	level model.Verdict
	dist  int
}

// reference screens every entity under one v1 regime, written from CONTRACT.md
// section 3 without the engine's code: fixpoints over sets and breadth-first
// searches over maps.
func (w *refWorld) reference(r *Regime, d model.Date) map[string]refLevel {
	seeds := slices.Sorted(maps.Keys(w.listed[r.ID]))
	out := map[string]refLevel{}
	if !r.AppliesOn(d) {
		return out
	}
	for _, s := range seeds {
		out[s] = refLevel{model.Exposed, 0}
	}
	p := &r.Prongs[0]
	if !p.RuleInForce(d) {
		return out
	}
	thr := p.ThresholdOn(d)
	switch {
	case p.Rule == RuleAffiliate:
		for _, v := range []model.Verdict{model.Caution, model.Possible, model.Exposed} {
			for x, n := range w.affiliateDist(seeds, v, p.StateBodyCaution) {
				out[x] = refLevel{v, n}
			}
		}
	case p.AggregateBy == AggregateSeed:
		for _, v := range []model.Verdict{model.Possible, model.Exposed} {
			for _, s := range seeds {
				exposed := w.fixpoint([]string{s}, false, thr, p.Control == ControlCatch)
				in := exposed
				if v == model.Possible {
					in = w.fixpoint(slices.Collect(maps.Keys(exposed)), true, thr, p.Control == ControlCatch)
				}
				for x, n := range w.justified(in, []string{s}, v == model.Possible, thr, p.Control == ControlCatch) {
					if old, ok := out[x]; !ok || old.level < v || old.level == v && n < old.dist {
						out[x] = refLevel{v, n}
					}
				}
			}
		}
	default:
		catch := p.Control == ControlCatch
		exposed := w.fixpoint(seeds, false, thr, catch)
		possible := w.fixpoint(slices.Collect(maps.Keys(exposed)), true, thr, catch)
		distP := w.justified(possible, seeds, true, thr, catch)
		if p.Control == ControlCaution {
			for x := range possible {
				for _, y := range w.ctlOut[x] {
					if possible[y] {
						continue
					}
					if old, ok := out[y]; !ok || distP[x]+1 < old.dist {
						out[y] = refLevel{model.Caution, distP[x] + 1}
					}
				}
			}
		}
		for x, n := range distP {
			out[x] = refLevel{model.Possible, n}
		}
		for x, n := range w.justified(exposed, seeds, false, thr, catch) {
			out[x] = refLevel{model.Exposed, n}
		}
	}
	return out
}

// fixpoint is the set of entities caught from seeds: an entity joins when the
// members' shares (lower or upper bounds) cross the threshold, or, with catch,
// when a member controls it.
func (w *refWorld) fixpoint(seeds []string, upper bool, thr Threshold, catch bool) map[string]bool {
	in := map[string]bool{}
	for _, s := range seeds {
		in[s] = true
	}
	for changed := true; changed; {
		changed = false
		for x := range in {
			var next []string
			for _, o := range w.owned[x] {
				next = append(next, o.to)
			}
			if catch {
				next = append(next, w.ctlOut[x]...)
			}
			for _, y := range next {
				if !in[y] && (thr.Crossed(w.heldBy(y, in, upper)) || catch && slices.ContainsFunc(w.ctlIn[y], func(c string) bool { return in[c] })) {
					in[y] = true
					changed = true
				}
			}
		}
	}
	return in
}

// heldBy sums the shares of y held by members of in (other than y).
func (w *refWorld) heldBy(y string, in map[string]bool, upper bool) uint64 {
	var sum uint64
	for _, o := range w.owners[y] {
		if in[o.from] && o.from != y {
			if upper {
				sum += o.hi
			} else {
				sum += o.lo
			}
		}
	}
	return sum
}

// justified returns the distance of every member of in from the nearest seed over
// justifying edges: an ownership edge from a member with a share (at the bound)
// into a member whose members' shares cross the threshold, or with catch a control
// edge from a member.
func (w *refWorld) justified(in map[string]bool, seeds []string, upper bool, thr Threshold, catch bool) map[string]int {
	dist := map[string]int{}
	queue := []string{}
	for _, s := range seeds {
		if in[s] {
			dist[s] = 0
			queue = append(queue, s)
		}
	}
	for i := 0; i < len(queue); i++ {
		x := queue[i]
		var next []string
		for _, o := range w.owned[x] {
			share := o.lo
			if upper {
				share = o.hi
			}
			if share > 0 && in[o.to] && thr.Crossed(w.heldBy(o.to, in, upper)) {
				next = append(next, o.to)
			}
		}
		if catch {
			for _, y := range w.ctlOut[x] {
				if in[y] {
					next = append(next, y)
				}
			}
		}
		for _, y := range next {
			if _, ok := dist[y]; !ok {
				dist[y] = dist[x] + 1
				queue = append(queue, y)
			}
		}
	}
	return dist
}

// strength of "x controls y" (section 3): EXPOSED when definite, POSSIBLE when
// only upper bounds sum to more than 50%.
func (w *refWorld) strength(x, y string) model.Verdict {
	if slices.Contains(w.ctlOut[x], y) {
		return model.Exposed
	}
	var lo, hi uint64
	for _, o := range w.owned[x] {
		if o.to == y {
			lo, hi = lo+o.lo, hi+o.hi
		}
	}
	switch {
	case lo > majority:
		return model.Exposed
	case hi > majority:
		return model.Possible
	}
	return model.Clear
}

// affiliateDist returns the distance of every entity caught at level v under
// section 889's affiliate rule: up from a seed through controllers, then down
// through what is controlled, each step a relation of at least the level's
// strength; below CAUTION no state body but a seed lies on the relationship.
func (w *refWorld) affiliateDist(seeds []string, v model.Verdict, stateBodyCaution bool) map[string]int {
	need := max(v, model.Possible)
	isSeed := map[string]bool{}
	for _, s := range seeds {
		isSeed[s] = true
	}
	allowed := func(x string) bool {
		return v == model.Caution || !stateBodyCaution || isSeed[x] || !w.stateBody[x]
	}
	type st struct {
		id   string
		down bool
	}
	dist := map[st]int{}
	var cur []st
	for _, s := range seeds {
		dist[st{s, false}], dist[st{s, true}] = 0, 0
		cur = append(cur, st{s, false}, st{s, true})
	}
	for len(cur) > 0 {
		var next []st
		var visit func(to st, n int)
		visit = func(to st, n int) {
			if _, ok := dist[to]; !ok {
				dist[to] = n
				next = append(next, to)
			}
			if !to.down {
				// A controller reached going up may go down at no cost.
				visit(st{to.id, true}, n)
			}
		}
		for _, c := range cur {
			n := dist[c] + 1
			if !c.down {
				var ups []string
				for _, o := range w.owners[c.id] {
					ups = append(ups, o.from)
				}
				ups = append(ups, w.ctlIn[c.id]...)
				for _, z := range ups {
					if allowed(z) && w.strength(z, c.id) >= need {
						visit(st{z, false}, n)
					}
				}
				continue
			}
			var downs []string
			for _, o := range w.owned[c.id] {
				downs = append(downs, o.to)
			}
			downs = append(downs, w.ctlOut[c.id]...)
			for _, y := range downs {
				if allowed(y) && w.strength(c.id, y) >= need {
					visit(st{y, true}, n)
				}
			}
		}
		cur = next
	}
	out := map[string]int{}
	for s, n := range dist {
		if old, ok := out[s.id]; !ok || n < old {
			out[s.id] = n
		}
	}
	return out
}
