package rules

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// TestAnswersDoNotDependOnRecordOrder builds two engines from the same generated
// records in different orders (as two stores scan them) and compares the answers,
// paths included, for many products and entities.
func TestAnswersDoNotDependOnRecordOrder(t *testing.T) {
	var recs []model.Record
	if _, err := gen.Records(gen.Config{Entities: 4000, Products: 800, Seed: 3}, func(op *ingest.Op) error {
		recs = append(recs, op.Record)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	build := func(order []int) *Engine {
		b := projection.NewBuilder()
		for _, i := range order {
			b.Add(&recs[i])
		}
		snap, err := b.Build(model.Hash{})
		if err != nil {
			t.Fatal(err)
		}
		set, _ := NewSet(Builtin())
		return NewEngine(snap, set)
	}
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	a := build(order)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	b := build(order)
	all := a.Regimes().All()
	day := model.MustDate("2024-01-01")
	compared, caught := 0, 0
	for p := uint32(0); p < uint32(a.Snapshot().NumProducts()); p += 3 {
		id := a.Snapshot().ProductID(p)
		x, err1 := a.ScreenProduct(id, day, all)
		y, err2 := b.ScreenProduct(id, day, all)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%s: %v vs %v", id, err1, err2)
		}
		if err1 != nil {
			continue
		}
		if diff := cmp.Diff(x, y, cmp.Comparer(func(r1, r2 *Regime) bool { return r1.ID == r2.ID })); diff != "" {
			t.Fatalf("%s differs with the record order:\n%s", id, diff)
		}
		compared++
		if x.Verdict > model.Unknown {
			caught++
		}
	}
	for e := uint32(0); e < uint32(a.Snapshot().NumEntities()); e += 7 {
		id := a.Snapshot().EntityID(e)
		x, err1 := a.ScreenEntity(id, day, all)
		y, _ := b.ScreenEntity(id, day, all)
		if err1 != nil {
			continue
		}
		if diff := cmp.Diff(x, y, cmp.Comparer(func(r1, r2 *Regime) bool { return r1.ID == r2.ID })); diff != "" {
			t.Fatalf("%s differs with the record order:\n%s", id, diff)
		}
	}
	if compared < 100 || caught < 10 {
		t.Fatalf("compared %d products, %d caught: the data does not exercise the rules", compared, caught)
	}
}
