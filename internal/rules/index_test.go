package rules

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/model"
)

// TestCaughtIndex checks an evaluation's index of caught entities against its
// levels on a generated world with same_as classes: Level is the class
// representative's level, every caught entity has its own memo slot, and
// explanations searched concurrently are those of a fresh evaluation.
func TestCaughtIndex(t *testing.T) {
	cfg := gen.Config{Entities: 3000, Products: 600, Seed: 5}
	plain := worldEngine(t, cfg).Snapshot()
	// Classes of two to four entities, some of them listed or owned by listed ones.
	rng := rand.New(rand.NewPCG(5, 1))
	entity := func() string { return plain.EntityID(uint32(rng.IntN(plain.NumEntities()))) }
	var same []model.Record
	for i := 0; i < 300; i++ {
		a := entity()
		for j := 1 + rng.IntN(3); j > 0; j-- {
			if r := (model.Record{Kind: model.KindSameAs, Src: a, Dst: entity(), Source: "test", Valid: model.Always}); r.Src != r.Dst {
				same = append(same, r)
			}
		}
	}
	e := worldEngine(t, cfg, same...)
	snap, set := e.Snapshot(), e.Regimes()
	n := uint32(snap.NumEntities())
	caughtAny := 0
	for _, r := range set.All() {
		ev := e.Eval(r, benchDay, allListings)
		if ev.cls.rep == nil {
			t.Fatal("the world has no same_as classes")
		}
		slots := map[uint32]uint32{}
		var caught []uint32
		for x := uint32(0); x < n; x++ {
			want := model.Clear
			if ev.level != nil {
				want = r.outcome(model.Verdict(ev.level[ev.cls.of(x)] & lvlMask))
			}
			if got := ev.Level(x); got != want {
				t.Fatalf("%s: Level(%s) = %v, its class has %v", r.ID, snap.EntityID(x), got, want)
			}
			if want == model.Clear {
				continue
			}
			caught = append(caught, x)
			o := ev.ordinal(x)
			if int(o) >= len(ev.memo)*memoChunkLen {
				t.Fatalf("%s: ordinal %d of %d slots", r.ID, o, len(ev.memo)*memoChunkLen)
			}
			if y, dup := slots[o]; dup {
				t.Fatalf("%s: %s and %s share slot %d", r.ID, snap.EntityID(x), snap.EntityID(y), o)
			}
			slots[o] = x
		}
		caughtAny += len(caught)
		// Explanations: two goroutines race on the memo; both must give what a
		// fresh evaluation gives, and a CLEAR entity has none.
		fresh := NewEngine(snap, set).Eval(r, benchDay, allListings)
		chunks := func() int {
			n := 0
			for i := range fresh.memo {
				if fresh.memo[i].Load() != nil {
					n++
				}
			}
			return n
		}
		if len(caught) > 0 {
			if n := chunks(); n != 0 {
				t.Fatalf("%s: %d memo chunks before any explanation", r.ID, n)
			}
			fresh.Explain(caught[0])
			if n := chunks(); n != 1 {
				t.Fatalf("%s: %d memo chunks after one explanation, want 1", r.ID, n)
			}
		}
		got := make([][]string, 2)
		var wg sync.WaitGroup
		for g := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, x := range caught {
					hops, listed, ok := ev.Explain(x)
					got[g] = append(got[g], fmt.Sprint(pathStrings(hops), listed, ok))
				}
			}()
		}
		wg.Wait()
		var want []string
		for _, x := range caught {
			hops, listed, ok := fresh.Explain(x)
			want = append(want, fmt.Sprint(pathStrings(hops), listed, ok))
		}
		for g := range got {
			if d := cmp.Diff(want, got[g]); d != "" {
				t.Fatalf("%s: explanations differ (-fresh +memo):\n%s", r.ID, d)
			}
		}
		for x := uint32(0); x < n; x++ {
			if ev.Level(x) == model.Clear {
				if hops, _, ok := ev.Explain(x); ok || len(hops) > 0 {
					t.Fatalf("%s: CLEAR %s has an explanation", r.ID, snap.EntityID(x))
				}
				break
			}
		}
	}
	if caughtAny == 0 {
		t.Fatal("nothing caught under any regime")
	}
}

// TestSuspectsFollowEvaluations screens with one scratch that meets evaluations
// out of the order they were made in (another scratch made them first), on
// several days and with several regime lists, and compares every answer with a
// fresh engine's: the union that rules occurrences out must hold every
// evaluation a screening uses, and answers must not depend on what the
// scratch screened before.
func TestSuspectsFollowEvaluations(t *testing.T) {
	e := worldEngine(t, gen.Config{Entities: 3000, Products: 600, Seed: 7})
	snap, set := e.Snapshot(), e.Regimes()
	all := set.All()
	ids := productIDs(e, 150)
	days := []model.Date{model.MustDate("2019-06-01"), benchDay, model.MustDate("2025-06-01")}
	other := e.getScratch()
	for _, d := range days {
		for _, id := range ids[:30] {
			p, _ := snap.Product(id)
			e.screenProduct(other, id, p, d, all)
		}
	}
	lists := [][]*Regime{all[len(all)-1:], all, {all[2], all[0]}, all[:1], all}
	sc := e.getScratch()
	byID := cmp.Comparer(func(r1, r2 *Regime) bool { return r1.ID == r2.ID })
	caught := 0
	for _, regs := range lists {
		for _, d := range days {
			for _, id := range ids {
				p, _ := snap.Product(id)
				got := e.screenProduct(sc, id, p, d, regs)
				want, err := NewEngine(snap, set).ScreenProduct(id, d, regs)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got, byID); diff != "" {
					t.Fatalf("%s on %s under %d regimes differs from a fresh engine's (-fresh +scratch):\n%s", id, d, len(regs), diff)
				}
				if got.Verdict > model.Unknown {
					caught++
				}
			}
		}
	}
	if caught < 30 {
		t.Fatalf("%d caught screenings: the data does not exercise the rules", caught)
	}
}
