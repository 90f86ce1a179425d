package rules

// Shared helpers of the table-driven rule tests (rules_*_test.go): short builders
// for native JSONL records and runners that screen one subject under one regime
// and compare the answer with what CONTRACT.md sections 3 and 4 require.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/model"
)

// defaultDay is the screening day of a case that names none: after the EU's 2024
// threshold change, outside the BIS Affiliates Rule windows, after 2019-08-13.
const defaultDay = "2025-01-01"

// Short names of the built-in regimes.
const (
	sdn  = "US-OFAC-SDN"
	cmic = "US-OFAC-CMIC"
	bis  = "US-BIS-ENTITY"
	eu   = "EU-ASSET-FREEZE"
	uk   = "UK-OFSI"
	ndaa = "US-NDAA-889"
	fcc  = "US-FCC-COVERED"
)

// Verdict shorthands (not lower case: clear is a builtin the package uses).
const (
	CLEAR    = model.Clear
	UNKNOWN  = model.Unknown
	CAUTION  = model.Caution
	POSSIBLE = model.Possible
	EXPOSED  = model.Exposed
)

// rec builds one native JSONL record of the kind with the fields in order.
func rec(kind string, kv ...any) string {
	if len(kv)%2 != 0 {
		panic("rec: odd key/value list")
	}
	var b strings.Builder
	b.WriteString(`{"kind":"` + kind + `"`)
	for i := 0; i < len(kv); i += 2 {
		v, err := json.Marshal(kv[i+1])
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(&b, ",%q:%s", kv[i].(string), v)
	}
	b.WriteString("}")
	return b.String()
}

// entities returns one entity record per id, of the given type.
func entities(typ string, ids ...string) string {
	var ls []string
	for _, id := range ids {
		ls = append(ls, rec("entity", "id", id, "name", "Entity "+id, "type", typ))
	}
	return strings.Join(ls, "\n")
}

// co defines companies; person and stateBody define one entity of those types.
func co(ids ...string) string          { return entities("company", ids...) }
func person(ids ...string) string      { return entities("person", ids...) }
func stateBody(ids ...string) string   { return entities("state_body", ids...) }
func with(kv []any, more ...any) []any { return append(more, kv...) }

// own is an ownership edge with an exact percent; extra fields (from, to) follow.
func own(owner, owned string, pct float64, kv ...any) string {
	return rec("ownership", with(kv, "owner", owner, "owned", owned, "percent", pct)...)
}

// ownR is an ownership edge with a percent range.
func ownR(owner, owned string, lo, hi float64, kv ...any) string {
	return rec("ownership", with(kv, "owner", owner, "owned", owned, "percentMin", lo, "percentMax", hi)...)
}

// ownU is an ownership edge with no percent (unknown: 0..100).
func ownU(owner, owned string, kv ...any) string {
	return rec("ownership", with(kv, "owner", owner, "owned", owned)...)
}

// ctl is a control edge.
func ctl(controller, controlled string, kv ...any) string {
	return rec("control", with(kv, "controller", controller, "controlled", controlled, "basis", "board")...)
}

// list is a listing of entity under regime.
func list(regime, entity string, kv ...any) string {
	return rec("listing", with(kv, "regime", regime, "entity", entity)...)
}

// prod defines a product; cat "" means no category.
func prod(id, cat string) string {
	if cat == "" {
		return rec("product", "id", id, "name", "Product "+id)
	}
	return rec("product", "id", id, "name", "Product "+id, "category", cat)
}

// comp is a component edge parent -> child.
func comp(parent, child string, kv ...any) string {
	return rec("component", with(kv, "parent", parent, "child", child)...)
}

// src is a sourcing edge product -> entity (manufacturer).
func src(product, entity string, kv ...any) string {
	return rec("sourcing", with(kv, "product", product, "entity", entity)...)
}

// same is a same_as link between two entity records.
func same(a, b string) string { return rec("same_as", "a", a, "b", b) }

// cat joins record groups into one record list.
func cat(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// hopString renders a hop as "kind from->to", the form the tables use for paths.
func hopString(h Hop) string {
	if h.Kind == HopCriterion {
		return fmt.Sprintf("criterion %s->%s (%s)", h.From, h.To, h.Criterion())
	}
	return fmt.Sprintf("%s %s->%s", h.Kind, h.From, h.To)
}

func pathStrings(p []Hop) []string {
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = hopString(h)
	}
	return out
}

func day(s string) model.Date {
	if s == "" {
		s = defaultDay
	}
	return model.MustDate(s)
}

func regimeOf(t *testing.T, eng *Engine, id string) *Regime {
	t.Helper()
	r := eng.Regimes().Get(id)
	if r == nil {
		t.Fatalf("unknown regime %s", id)
	}
	return r
}

// entityCase screens one entity under one regime on one day.
type entityCase struct {
	name    string
	recs    []string
	subject string
	date    string // "" = defaultDay
	regime  string
	want    model.Verdict

	// Optional checks of the one finding (when want is not CLEAR).
	basis    string   // LISTED, OWNERSHIP, CONTROL, AFFILIATE
	agg      float64  // aggregatePercent, when not 0
	listed   string   // listedEntity
	listedIn []string // listedEntity is one of these
	path     []string // exact path, hops as "kind from->to"
	hasHop   string   // some hop of the path is this one
	seed     string   // Finding.seed: LISTING, STATE_BODY, JURISDICTION, ORIGIN
}

func runEntityCases(t *testing.T, cases []entityCase, extra ...*Regime) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eng := engineFor(t, lines(c.recs...), extra...)
			r := regimeOf(t, eng, c.regime)
			got, err := eng.ScreenEntity(c.subject, day(c.date), []*Regime{r})
			if err != nil {
				t.Fatal(err)
			}
			checkEntityScreening(t, c, got)
		})
	}
}

func checkEntityScreening(t *testing.T, c entityCase, got *Screening) {
	t.Helper()
	if len(got.Results) != 1 {
		t.Fatalf("%d results, want 1", len(got.Results))
	}
	res := got.Results[0]
	if res.Verdict != c.want || got.Verdict != c.want {
		t.Errorf("%s %s on %s: verdict %s (screening %s), want %s; findings %s",
			c.regime, c.subject, day(c.date), res.Verdict, got.Verdict, c.want, describe(res.Findings))
	}
	if c.want == model.Clear {
		if len(res.Findings) != 0 {
			t.Errorf("CLEAR with findings %s", describe(res.Findings))
		}
		return
	}
	if len(res.Findings) != 1 {
		t.Fatalf("%d findings, want 1: %s", len(res.Findings), describe(res.Findings))
	}
	f := res.Findings[0]
	if f.Entity != c.subject || f.Verdict != res.Verdict {
		t.Errorf("finding for %s at %s, want %s at the result's verdict %s", f.Entity, f.Verdict, c.subject, res.Verdict)
	}
	checkPath11(t, c.name, c.subject, res.Regime, f)
	checkFinding(t, f, c.basis, c.agg, c.listed, c.listedIn, c.path, c.hasHop)
	if c.seed != "" && f.Seed.String() != c.seed {
		t.Errorf("seed %s, want %s (path %v)", f.Seed, c.seed, pathStrings(f.Path.Hops()))
	}
}

// checkFinding applies the optional checks shared by entity and product cases.
func checkFinding(t *testing.T, f Finding, basis string, agg float64, listed string, listedIn, path []string, hasHop string) {
	t.Helper()
	if basis != "" && f.Basis.String() != basis {
		t.Errorf("basis %s, want %s (path %v)", f.Basis, basis, pathStrings(f.Path.Hops()))
	}
	if f.Basis != BasisOwnership && f.AggregatePercent != nil {
		t.Errorf("aggregatePercent %v on a %s finding (it is for OWNERSHIP)", *f.AggregatePercent, f.Basis)
	}
	if agg != 0 {
		switch {
		case f.AggregatePercent == nil:
			t.Errorf("aggregatePercent missing, want %v", agg)
		case *f.AggregatePercent < agg-1e-6 || *f.AggregatePercent > agg+1e-6:
			t.Errorf("aggregatePercent %v, want %v", *f.AggregatePercent, agg)
		}
	}
	if listed != "" && f.Listed != listed {
		t.Errorf("listedEntity %s, want %s", f.Listed, listed)
	}
	if listedIn != nil && !slices.Contains(listedIn, f.Listed) {
		t.Errorf("listedEntity %s, want one of %v", f.Listed, listedIn)
	}
	if path != nil {
		if d := cmp.Diff(path, pathStrings(f.Path.Hops())); d != "" {
			t.Errorf("path (-want +got):\n%s", d)
		}
	}
	if hasHop != "" && !slices.Contains(pathStrings(f.Path.Hops()), hasHop) {
		t.Errorf("path %v has no hop %q", pathStrings(f.Path.Hops()), hasHop)
	}
}

func describe(fs []Finding) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("{%s %s listed=%s basis=%s path=%v}", f.Entity, f.Verdict, f.Listed, f.Basis, pathStrings(f.Path.Hops())))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// found is a product case's expected findings: restricted entity -> verdict.
type found = map[string]model.Verdict

// productCase screens one product under one regime on one day.
type productCase struct {
	name    string
	recs    []string
	subject string
	date    string
	regime  string
	want    model.Verdict
	// findings is the exact set of restricted entities met and their verdicts.
	findings map[string]model.Verdict
	// gaps is the exact set of gap product ids.
	gaps []string
	// paths gives the exact path of some findings, by entity.
	paths map[string][]string
	// bases gives the basis of some findings, by entity.
	bases map[string]string
	// seeds gives the seed kind of some findings, by entity.
	seeds map[string]string
}

func runProductCases(t *testing.T, cases []productCase, extra ...*Regime) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eng := engineFor(t, lines(c.recs...), extra...)
			r := regimeOf(t, eng, c.regime)
			got, err := eng.ScreenProduct(c.subject, day(c.date), []*Regime{r})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Results) != 1 {
				t.Fatalf("%d results, want 1", len(got.Results))
			}
			res := got.Results[0]
			if res.Verdict != c.want || got.Verdict != c.want {
				t.Errorf("%s product %s on %s: verdict %s (screening %s), want %s; findings %s gaps %v",
					c.regime, c.subject, day(c.date), res.Verdict, got.Verdict, c.want, describe(res.Findings), got.Gaps)
			}
			gotF := map[string]model.Verdict{}
			for _, f := range res.Findings {
				if _, dup := gotF[f.Entity]; dup {
					t.Errorf("two findings for entity %s: %s", f.Entity, describe(res.Findings))
				}
				gotF[f.Entity] = f.Verdict
				checkPath11(t, c.name, c.subject, r, f)
			}
			wantF := c.findings
			if wantF == nil {
				wantF = map[string]model.Verdict{}
			}
			if d := cmp.Diff(wantF, gotF); d != "" {
				t.Errorf("findings (-want +got):\n%s\n%s", d, describe(res.Findings))
			}
			var gotG []string
			for _, g := range got.Gaps {
				gotG = append(gotG, g.Product)
				if g.Reason == "" {
					t.Errorf("gap %s has no reason", g.Product)
				}
			}
			slices.Sort(gotG)
			wantG := slices.Clone(c.gaps)
			slices.Sort(wantG)
			if d := cmp.Diff(wantG, gotG); d != "" {
				t.Errorf("gaps (-want +got):\n%s", d)
			}
			for ent, b := range c.bases {
				for _, f := range res.Findings {
					if f.Entity == ent && f.Basis.String() != b {
						t.Errorf("basis of %s: %s, want %s", ent, f.Basis, b)
					}
				}
			}
			for ent, k := range c.seeds {
				for _, f := range res.Findings {
					if f.Entity == ent && f.Seed.String() != k {
						t.Errorf("seed of %s: %s, want %s", ent, f.Seed, k)
					}
				}
			}
			for ent, p := range c.paths {
				for _, f := range res.Findings {
					if f.Entity == ent {
						if d := cmp.Diff(p, pathStrings(f.Path.Hops())); d != "" {
							t.Errorf("path to %s (-want +got):\n%s", ent, d)
						}
					}
				}
			}
		})
	}
}
