package rules

import (
	"slices"
	"testing"
)

// BenchmarkScreenBigProduct screens the products with the largest bills of
// materials among a sample (the tail of the latency distribution).
func BenchmarkScreenBigProduct(b *testing.B) {
	e := genEngine(b, 1_000_000)
	all := e.Regimes().All()
	type sized struct {
		id string
		n  int
	}
	var ps []sized
	q := e.Snapshot().Query(benchDay)
	for _, id := range productIDs(e, 5000) {
		p, _ := e.Snapshot().Product(id)
		sc := e.getScratch()
		e.closure(sc, p, q)
		ps = append(ps, sized{id, len(sc.order)})
		e.scratch.Put(sc)
	}
	slices.SortFunc(ps, func(a, b sized) int { return b.n - a.n })
	var ids []string
	for _, p := range ps[:5] {
		ids = append(ids, p.id)
		if _, err := e.ScreenProduct(p.id, benchDay, all); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ps[0].n), "closure")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.ScreenProduct(ids[i%len(ids)], benchDay, all); err != nil {
			b.Fatal(err)
		}
	}
}
