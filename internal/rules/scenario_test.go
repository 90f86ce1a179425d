package rules

import (
	"slices"
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/scenario"
)

// TestScenarios runs the worked examples at the rule layer.
func TestScenarios(t *testing.T) {
	scs, err := scenario.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) {
			eng := engineFor(t, string(sc.JSONL))
			for _, c := range sc.Cases {
				r := eng.Regimes().Get(c.Regime)
				if r == nil {
					t.Fatalf("unknown regime %s", c.Regime)
				}
				d := model.MustDate(c.AsOf)
				var got *Screening
				if c.Screen == "product" {
					got, err = eng.ScreenProduct(c.ID, d, []*Regime{r})
				} else {
					got, err = eng.ScreenEntity(c.ID, d, []*Regime{r})
				}
				if err != nil {
					t.Fatalf("%+v: %v", c, err)
				}
				res := got.Results[0]
				if res.Verdict.String() != c.Verdict {
					t.Errorf("%s %s %s: verdict %s, want %s (findings %+v)", c.Screen, c.ID, c.AsOf, res.Verdict, c.Verdict, res.Findings)
				}
				if c.HasExposed {
					var ex []string
					for _, f := range res.Findings {
						if f.Verdict == model.Exposed {
							ex = append(ex, f.Entity)
						}
					}
					slices.Sort(ex)
					want := slices.Clone(c.ExposedEntities)
					slices.Sort(want)
					if !slices.Equal(ex, want) {
						t.Errorf("%s %s %s: exposed %v, want %v", c.Screen, c.ID, c.AsOf, ex, want)
					}
				}
				for _, f := range res.Findings {
					checkPath(t, c.ID, c.Regime, f)
				}
			}
		})
	}
}

// checkPath asserts the contract's path shape: hops connect, the first touches the
// subject, the last is the listed entity's LISTING.
func checkPath(t *testing.T, subject, regime string, f Finding) {
	t.Helper()
	p := f.Path.Hops()
	if len(p) == 0 {
		t.Errorf("%s: empty path", subject)
		return
	}
	if p[0].From != subject && p[0].To != subject {
		t.Errorf("%s: path %v does not start at the subject", subject, p)
	}
	for i := 1; i < len(p); i++ {
		a, b := p[i-1], p[i]
		if a.From != b.From && a.From != b.To && a.To != b.From && a.To != b.To {
			t.Errorf("%s: hops %v and %v do not connect", subject, a, b)
		}
	}
	last := p[len(p)-1]
	if last.Kind != model.KindListing || last.From != f.Listed || last.To != regime {
		t.Errorf("%s: path does not end in the LISTING of %s: %v", subject, f.Listed, last)
	}
}
