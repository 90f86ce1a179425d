package rules

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
)

// TestSharedCriteriaScenarios runs the v1.1 criteria scenarios of the shared
// folder (../shared/scenarios-v1.1, beside the checkout) at the rule layer:
// verdicts, exposed entities, seed kinds, finding entities and path shapes.
// Locally it skips when the folder is absent; under CI=true it never skips.
func TestSharedCriteriaScenarios(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "scenarios-v1.1")
	names, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(names) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no scenarios in %s", dir)
		}
		t.Skip("no shared v1.1 scenarios")
	}
	for _, path := range names {
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		t.Run(name, func(t *testing.T) {
			jsonl, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var extra []*Regime
			if _, err := os.Stat(filepath.Join(dir, name+".regimes.json")); err == nil {
				if extra, err = LoadFile(filepath.Join(dir, name+".regimes.json")); err != nil {
					t.Fatal(err)
				}
			}
			var exp struct {
				Cases []struct {
					Screen, ID, AsOf, Regime, Verdict string
					ExposedEntities                   *[]string `json:"exposedEntities"`
					Seeds                             *[]string `json:"seeds"`
					FindingEntities                   *[]string `json:"findingEntities"`
				}
			}
			b, err := os.ReadFile(filepath.Join(dir, name+".expect.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &exp); err != nil {
				t.Fatal(err)
			}
			eng := engineFor(t, string(jsonl), extra...)
			for _, c := range exp.Cases {
				r := regimeOf(t, eng, c.Regime)
				d := model.MustDate(c.AsOf)
				var got *Screening
				if c.Screen == "product" {
					got, err = eng.ScreenProduct(c.ID, d, []*Regime{r})
				} else {
					got, err = eng.ScreenEntity(c.ID, d, []*Regime{r})
				}
				if err != nil {
					t.Fatal(err)
				}
				res := got.Results[0]
				what := c.Screen + " " + c.ID + " " + c.AsOf + " " + c.Regime
				if res.Verdict.String() != c.Verdict {
					t.Errorf("%s: verdict %s, want %s; findings %s", what, res.Verdict, c.Verdict, describe(res.Findings))
				}
				var exposed, seeds, ents []string
				for _, f := range res.Findings {
					if f.Verdict == model.Exposed {
						exposed = append(exposed, f.Entity)
					}
					if !slices.Contains(seeds, f.Seed.String()) {
						seeds = append(seeds, f.Seed.String())
					}
					ents = append(ents, f.Entity)
					checkPath11(t, what, c.ID, r, f)
				}
				for _, chk := range []struct {
					label     string
					want, got *[]string
				}{{"exposed", c.ExposedEntities, &exposed}, {"seeds", c.Seeds, &seeds}, {"finding entities", c.FindingEntities, &ents}} {
					if chk.want == nil {
						continue
					}
					w, g := slices.Clone(*chk.want), slices.Clone(*chk.got)
					slices.Sort(w)
					slices.Sort(g)
					if !slices.Equal(w, g) && !(len(w) == 0 && len(g) == 0) {
						t.Errorf("%s: %s %v, want %v; findings %s", what, chk.label, g, w, describe(res.Findings))
					}
				}
			}
		})
	}
}

// checkPath11 asserts the v1.1 path shape: hops connect, the first touches the
// subject, the last is the LISTING of the seed (of the regime or of one its
// listingsOf names) or its CRITERION hop to the regime.
func checkPath11(t *testing.T, what, subject string, r *Regime, f Finding) {
	t.Helper()
	p := f.Path.Hops()
	if len(p) == 0 {
		t.Errorf("%s: empty path", what)
		return
	}
	if p[0].From != subject && p[0].To != subject {
		t.Errorf("%s: path %v does not start at the subject", what, pathStrings(p))
	}
	last := p[len(p)-1]
	switch {
	case f.Seed == SeedListing:
		if last.Kind != model.KindListing || last.From != f.Listed || last.To != r.ID && !slices.Contains(r.ListingsOf(), last.To) {
			t.Errorf("%s: path %v does not end in a LISTING of %s", what, pathStrings(p), f.Listed)
		}
	default:
		if last.Kind != HopCriterion || last.From != f.Listed || last.To != r.ID || last.Criterion() == "" {
			t.Errorf("%s: path %v does not end in the CRITERION hop of %s", what, pathStrings(p), f.Listed)
		}
	}
	// The entity part of the path: after the last SOURCING hop, before the seed's hop.
	from := 0
	for i, h := range p {
		if h.Kind == model.KindSourcing {
			from = i + 1
		}
	}
	own := true
	for _, h := range p[from : len(p)-1] {
		own = own && h.Kind == model.KindSameAs
	}
	switch {
	case f.Seed == SeedOrigin:
		if f.Basis != BasisOrigin || len(p) < 2 || p[len(p)-2].Kind != model.KindSourcing || last.Criterion() != "site "+p[len(p)-2].Site() {
			t.Errorf("%s: origin finding with basis %s, path %v", what, f.Basis, pathStrings(p))
		}
	case (f.Basis == BasisListed) != own:
		t.Errorf("%s: basis %s for path %v", what, f.Basis, pathStrings(p))
	}
}
