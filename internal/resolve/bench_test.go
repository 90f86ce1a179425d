package resolve

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
)

// synthetic returns n company entities with 2-4 word names drawn from a Zipf
// vocabulary (so some words are very common, as "technology" and "trading" are),
// a legal form, a country, and an alias for one in four. About one in fifty is a
// near-duplicate of an earlier one, in another spelling.
func synthetic(n int) []*model.Record {
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rand.New(rand.NewPCG(3, 4)), 1.1, 2, 50_000)
	forms := []string{"Co., Ltd.", "LIMITED", "Inc.", "GmbH", "S.A.", "LLC", "有限公司", "Corporation"}
	countries := []string{"CN", "US", "DE", "FR", "GB", "JP", "RU", "IR", "TR", ""}
	word := func() string { return fmt.Sprintf("w%x", zipf.Uint64()) }
	out := make([]*model.Record, 0, n)
	for i := range n {
		r := &model.Record{Kind: model.KindEntity, ID: fmt.Sprintf("e%07d", i), Type: model.TypeCompany,
			Country: countries[rng.IntN(len(countries))]}
		if i > 0 && rng.IntN(50) == 0 {
			src := out[rng.IntN(len(out))]
			r.Name = src.Name + " " + forms[rng.IntN(len(forms))]
		} else {
			name := word()
			for range 1 + rng.IntN(3) {
				name += " " + word()
			}
			r.Name = name + " " + forms[rng.IntN(len(forms))]
		}
		if rng.IntN(4) == 0 {
			r.Aliases = []string{word() + " " + word()}
		}
		out = append(out, r)
	}
	return out
}

func BenchmarkProposals(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		ents := synthetic(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var found int
			for b.Loop() {
				found = len(Proposals(ents, nil, Options{MinScore: DefaultMinScore}))
			}
			b.ReportMetric(float64(found), "proposals")
		})
	}
}
