package rules

import (
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// genEngine builds an engine over a generated world of about edges edges.
func genEngine(b testing.TB, edges int) *Engine {
	b.Helper()
	return worldEngine(b, gen.ForEdges(edges))
}

// worldEngine builds an engine with the built-in regimes over the world cfg
// generates, plus extra records.
func worldEngine(t testing.TB, cfg gen.Config, extra ...model.Record) *Engine {
	t.Helper()
	pb := projection.NewBuilder()
	if _, err := gen.Records(cfg, func(op *ingest.Op) error { pb.Add(&op.Record); return nil }); err != nil {
		t.Fatal(err)
	}
	for i := range extra {
		pb.Add(&extra[i])
	}
	snap, err := pb.Build(model.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	set, _ := NewSet(Builtin())
	return NewEngine(snap, set)
}

var benchDay = model.MustDate("2024-01-01")

func productIDs(e *Engine, n int) []string {
	s := e.Snapshot()
	var ids []string
	for p := uint32(0); p < uint32(s.NumProducts()) && len(ids) < n; p += uint32(max(1, s.NumProducts()/n)) {
		if s.ProductDefined(p) {
			ids = append(ids, s.ProductID(p))
		}
	}
	return ids
}

// BenchmarkScreenProduct screens products of a generated world under every
// built-in regime (all 13) with warm evaluation caches (as a running server does).
func BenchmarkScreenProduct(b *testing.B) {
	e := genEngine(b, 200_000)
	benchScreen(b, e, e.Regimes().All())
}

// BenchmarkScreenProductDefaults screens under the default regimes (the seven
// a request that names none screens).
func BenchmarkScreenProductDefaults(b *testing.B) {
	e := genEngine(b, 200_000)
	benchScreen(b, e, e.Regimes().Defaults())
}

func benchScreen(b *testing.B, e *Engine, all []*Regime) {
	ids := productIDs(e, 2000)
	for _, id := range ids {
		if _, err := e.ScreenProduct(id, benchDay, all); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.ScreenProduct(ids[i%len(ids)], benchDay, all); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFixpoint evaluates every regime from cold on a generated world.
func BenchmarkFixpoint(b *testing.B) {
	e := genEngine(b, 200_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fresh := NewEngine(e.Snapshot(), e.Regimes())
		for _, r := range e.Regimes().All() {
			fresh.Eval(r, benchDay, allListings)
		}
	}
}

// BenchmarkExplain finds explanation paths from cold for caught entities.
func BenchmarkExplain(b *testing.B) {
	e := genEngine(b, 200_000)
	r := e.Regimes().Get("US-NDAA-889")
	var caught []uint32
	ev := e.Eval(r, benchDay, allListings)
	for x := uint32(0); x < uint32(e.Snapshot().NumEntities()) && len(caught) < 1000; x++ {
		if ev.Level(x) > model.Clear {
			caught = append(caught, x)
		}
	}
	if len(caught) == 0 {
		b.Skip("nothing caught")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fresh := NewEngine(e.Snapshot(), e.Regimes()).Eval(r, benchDay, allListings)
		for _, x := range caught[:100] {
			fresh.Explain(x)
		}
	}
}

// BenchmarkFixpointRegime evaluates each built-in regime from cold, one
// sub-benchmark per regime.
func BenchmarkFixpointRegime(b *testing.B) {
	e := genEngine(b, 200_000)
	for _, r := range e.Regimes().All() {
		b.Run(r.ID, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				NewEngine(e.Snapshot(), e.Regimes()).Eval(r, benchDay, allListings)
			}
		})
	}
}
