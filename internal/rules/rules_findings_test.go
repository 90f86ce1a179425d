package rules

// Table tests of what a finding says (CONTRACT.md section 4): basis,
// aggregatePercent, listedEntity and the shortest path; and of a screening over
// several regimes.

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/model"
)

func TestFindingDetails(t *testing.T) {
	runEntityCases(t, []entityCase{
		{name: "LISTED basis for a listed entity also owned by a listed one", regime: sdn, subject: "y", want: EXPOSED,
			recs:  []string{co("x", "y"), list(sdn, "x"), list(sdn, "y"), own("x", "y", 100)},
			basis: "LISTED", listed: "y", path: []string{"listing y->US-OFAC-SDN"}},
		{name: "OWNERSHIP aggregatePercent 30 + 25 = 55", regime: sdn, subject: "a", want: EXPOSED,
			recs:  []string{co("x", "y", "a"), list(sdn, "x"), list(sdn, "y"), own("x", "a", 30), own("y", "a", 25)},
			basis: "OWNERSHIP", agg: 55, listedIn: []string{"x", "y"}},
		{name: "aggregatePercent counts caught owners only", regime: sdn, subject: "a", want: EXPOSED,
			recs:  []string{co("x", "p", "a"), list(sdn, "x"), own("x", "a", 60), own("p", "a", 40)},
			basis: "OWNERSHIP", agg: 60, listed: "x"},
		{name: "aggregatePercent of an EXPOSED entity ignores POSSIBLE owners", regime: sdn, subject: "a", want: EXPOSED,
			recs:  []string{co("x", "r", "a"), list(sdn, "x"), ownU("x", "r"), own("x", "a", 60), own("r", "a", 10)},
			basis: "OWNERSHIP", agg: 60},
		{name: "aggregatePercent through caught companies: 30 + 25 (not multiplied)", regime: sdn, subject: "c", want: EXPOSED,
			recs:  []string{co("x", "a", "b", "c"), list(sdn, "x"), own("x", "a", 50), own("x", "b", 50), own("a", "c", 30), own("b", "c", 25)},
			basis: "OWNERSHIP", agg: 55, listed: "x"},
		{name: "CONTROL basis under OFAC (CAUTION)", regime: sdn, subject: "c", want: CAUTION,
			recs:  []string{co("x", "c"), list(sdn, "x"), ctl("x", "c")},
			basis: "CONTROL", listed: "x"},
		{name: "CONTROL basis under the EU (EXPOSED)", regime: eu, subject: "c", want: EXPOSED,
			recs:  []string{co("x", "c"), list(eu, "x"), ctl("x", "c")},
			basis: "CONTROL", listed: "x"},
		// An entity caught by control that also has a small stake from the listed
		// entity: the 10% did not cross the threshold, so it cannot be the OWNERSHIP
		// basis ("aggregatePercent: for OWNERSHIP: the summed share that crossed the
		// threshold").
		{name: "EU: control plus a 10% stake is CONTROL, not OWNERSHIP 10", regime: eu, subject: "b", want: EXPOSED,
			recs:  []string{co("x", "b"), list(eu, "x"), own("x", "b", 10), ctl("x", "b")},
			basis: "CONTROL", path: []string{"control x->b", "listing x->EU-ASSET-FREEZE"}},
		{name: "UK: control plus a 10% stake is CONTROL, not OWNERSHIP 10", regime: uk, subject: "b", want: EXPOSED,
			recs:  []string{person("x"), co("b"), list(uk, "x"), own("x", "b", 10), ctl("x", "b")},
			basis: "CONTROL", path: []string{"control x->b", "listing x->UK-OFSI"}},
		{name: "EU: a 10% stake is no explanation even when it is the shorter path", regime: eu, subject: "b", want: EXPOSED,
			recs:  []string{co("x", "a", "b"), list(eu, "x"), ctl("x", "a"), ctl("a", "b"), own("x", "b", 10)},
			basis: "CONTROL", path: []string{"control a->b", "control x->a", "listing x->EU-ASSET-FREEZE"}},
		{name: "AFFILIATE basis under 889 for a parent", regime: ndaa, subject: "pp", want: EXPOSED,
			recs:  []string{co("pp", "h"), list(ndaa, "h"), own("pp", "h", 100)},
			basis: "AFFILIATE", listed: "h"},
		{name: "shortest path: direct 60% rather than through a 100% chain", regime: sdn, subject: "b", want: EXPOSED,
			recs: []string{co("x", "a", "b"), list(sdn, "x"), own("x", "a", 100), own("a", "b", 100), own("x", "b", 60)},
			path: []string{"ownership x->b", "listing x->US-OFAC-SDN"}},
		{name: "shortest path to the nearer of two listed owners", regime: sdn, subject: "c", want: EXPOSED,
			recs: []string{co("x", "y", "a", "c"), list(sdn, "x"), list(sdn, "y"), own("x", "a", 100), own("a", "c", 50), own("y", "c", 50)},
			path: []string{"ownership y->c", "listing y->US-OFAC-SDN"}, listed: "y"},
		{name: "listedEntity is the root of the chain", regime: sdn, subject: "d", want: EXPOSED,
			recs:   []string{co("x", "a", "b", "d"), list(sdn, "x"), own("x", "a", 50), own("a", "b", 50), own("b", "d", 50)},
			listed: "x", path: []string{"ownership b->d", "ownership a->b", "ownership x->a", "listing x->US-OFAC-SDN"}},
		{name: "UK path stays with the designated person who caught the entity", regime: uk, subject: "t", want: EXPOSED,
			recs: []string{person("p1", "p2"), co("s", "t"), list(uk, "p1"), list(uk, "p2"),
				own("p1", "s", 100), own("s", "t", 51), own("p2", "t", 40)},
			listed: "p1", path: []string{"ownership s->t", "ownership p1->s", "listing p1->UK-OFSI"}},
	})
}

// TestScreenSeveralRegimes checks one result per regime, in the order asked, and
// the screening verdict as the worst of them.
func TestScreenSeveralRegimes(t *testing.T) {
	recs := lines(person("p1", "p2"), co("t"), list(uk, "p1"), list(uk, "p2"), list(sdn, "p1"), list(sdn, "p2"),
		list(eu, "p1"), list(eu, "p2"), own("p1", "t", 50), own("p2", "t", 50))
	tests := []struct {
		name    string
		regimes []string
		want    []string // regime:verdict
		verdict model.Verdict
	}{
		{name: "OFAC, UK, EU", regimes: []string{sdn, uk, eu}, want: []string{sdn + ":EXPOSED", uk + ":CLEAR", eu + ":EXPOSED"}, verdict: EXPOSED},
		{name: "UK only", regimes: []string{uk}, want: []string{uk + ":CLEAR"}, verdict: CLEAR},
		{name: "UK then CMIC", regimes: []string{uk, cmic}, want: []string{uk + ":CLEAR", cmic + ":CLEAR"}, verdict: CLEAR},
	}
	eng := engineFor(t, recs)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []*Regime
			for _, id := range tt.regimes {
				rs = append(rs, regimeOf(t, eng, id))
			}
			got, err := eng.ScreenEntity("t", day(""), rs)
			if err != nil {
				t.Fatal(err)
			}
			var res []string
			for _, r := range got.Results {
				res = append(res, r.Regime.ID+":"+r.Verdict.String())
			}
			if d := cmp.Diff(tt.want, res); d != "" {
				t.Errorf("results (-want +got):\n%s", d)
			}
			if got.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s", got.Verdict, tt.verdict)
			}
			if got.Subject != "t" || got.AsOf != day("") {
				t.Errorf("subject %s asOf %s", got.Subject, got.AsOf)
			}
		})
	}
}

// TestScreenNotFound checks that unknown ids are ErrNotFound (NOT_FOUND in the API).
func TestScreenNotFound(t *testing.T) {
	eng := engineFor(t, lines(co("x"), prod("p", ""), list(sdn, "x"), own("x", "ghost", 100)))
	rs := []*Regime{regimeOf(t, eng, sdn)}
	tests := []struct {
		name string
		run  func() error
	}{
		{"unknown entity", func() error { _, err := eng.ScreenEntity("nope", day(""), rs); return err }},
		{"entity only referenced, never defined", func() error { _, err := eng.ScreenEntity("ghost", day(""), rs); return err }},
		{"unknown product", func() error { _, err := eng.ScreenProduct("nope", day(""), rs); return err }},
		{"an entity id screened as a product", func() error { _, err := eng.ScreenProduct("x", day(""), rs); return err }},
		{"a product id screened as an entity", func() error { _, err := eng.ScreenEntity("p", day(""), rs); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("error %v, want ErrNotFound", err)
			}
		})
	}
}
