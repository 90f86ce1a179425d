package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
)

// TestRegimeFileErrors: each kind of mistake in a regimes file is an error that
// names the file, the regime and the field (contract section 5.2-5.3).
func TestRegimeFileErrors(t *testing.T) {
	stored := func(id string) bool { return id == "STORED-EARLIER" }
	cases := []struct {
		name, file string
		want       []string // substrings of the message
	}{
		{"unknown rule", `[{"id":"X1","rule":"fifty_percent"}]`, []string{"X1", "field rule", "unknown rule"}},
		{"missing rule", `[{"id":"X1","seeds":{"listings":true}}]`, []string{"X1", "field rule", "required"}},
		{"unknown seed key", `[{"id":"X2","rule":"listed","seeds":{"people":["a"]}}]`, []string{"X2", "field seeds", `unknown seed key "people"`}},
		{"unknown direction", `[{"id":"X3","rule":"affiliate","directions":["down","sideways"]}]`, []string{"X3", "field directions[1]", "unknown direction"}},
		{"directions on an aggregate", `[{"id":"X3","rule":"aggregate","directions":["down"]}]`, []string{"X3", "field directions", "only for rule affiliate"}},
		{"bad stateBodiesOf country", `[{"id":"X4","rule":"aggregate","seeds":{"stateBodiesOf":["CN","CHN"]}}]`, []string{"X4", "field seeds.stateBodiesOf[1]", "bad country code"}},
		{"bad jurisdictions country", `[{"id":"X4","prongs":[{"rule":"listed"},{"rule":"affiliate","seeds":{"jurisdictions":["C1"]}}]}]`, []string{"X4", "field prongs[1].seeds.jurisdictions[0]", "bad country code"}},
		{"bad origin site", `[{"id":"X4","seeds":{"origins":["CN-XJXJ"]}}]`, []string{"X4", "field seeds.origins[0]", "bad country code"}},
		{"prong fields beside prongs", `[{"id":"X5","rule":"listed","prongs":[{"rule":"listed"}]}]`, []string{"X5", "field rule", "top level"}},
		{"seeds beside prongs", `[{"id":"X5","seeds":{"listings":true},"prongs":[{"rule":"listed"}]}]`, []string{"X5", "field seeds", "top level"}},
		{"per_person with aggregateBy", `[{"id":"X6","rule":"per_person","aggregateBy":"seed"}]`, []string{"X6", "field aggregateBy", "per_person"}},
		{"unknown aggregateBy", `[{"id":"X6","rule":"aggregate","aggregateBy":"region"}]`, []string{"X6", "field aggregateBy"}},
		{"unknown outcome", `[{"id":"X7","rule":"listed","outcome":"POSSIBLE"}]`, []string{"X7", "field outcome"}},
		{"unknown prong field", `[{"id":"X7","prongs":[{"rule":"listed","threshold":50}]}]`, []string{"X7", "field prongs[0]", "threshold"}},
		{"listingsOf naming no loaded regime", `[{"id":"X8","rule":"affiliate","seeds":{"listingsOf":["US-NDAA-889","NOT-LOADED"]}}]`,
			[]string{"X8", "field seeds.listingsOf", `"NOT-LOADED"`}},
		{"listingsOf in a prong naming no loaded regime", `[{"id":"X8","prongs":[{"rule":"listed"},{"rule":"listed","seeds":{"listingsOf":["NOT-LOADED"]}}]}]`,
			[]string{"X8", "field prongs[1].seeds.listingsOf", `"NOT-LOADED"`}},
		{"listingsOf naming itself", `[{"id":"X9","rule":"listed","seeds":{"listingsOf":["X9"]}}]`, []string{"X9", "field seeds.listingsOf", "cycle"}},
		{"listingsOf cycle", `[{"id":"XA","rule":"listed","seeds":{"listingsOf":["XB"]}},{"id":"XB","prongs":[{"rule":"listed","seeds":{"listingsOf":["XA"]}}]}]`,
			[]string{"XA", "field seeds.listingsOf", "cycle", "XA -> XB -> XA"}},
		{"empty directions", `[{"id":"XD","rule":"affiliate","directions":[]}]`, []string{"XD", "field directions", "empty"}},
		{"seeds that seed nothing", `[{"id":"XE","rule":"listed","seeds":{}}]`, []string{"XE", "field seeds", "seeds nothing"}},
		{"seeds not an object", `[{"id":"XE","rule":"listed","seeds":["listings"]}]`, []string{"XE", "field seeds", "object"}},
		{"empty category", `[{"id":"XF","rule":"listed","categories":["telecom",""]}]`, []string{"XF", "field categories[1]", "empty"}},
		{"productApplies ending before it starts", `[{"id":"XG","rule":"listed","productApplies":[{"from":"2027-06-30","to":"2027-01-01"}]}]`,
			[]string{"XG", "field productApplies[0]", "before"}},
		{"bad threshold", `[{"id":"XH","rule":"aggregate","thresholds":[{"percent":150}]}]`, []string{"XH", "field thresholds[0].percent"}},
		{"listingsOf with an empty id", `[{"id":"XI","rule":"listed","seeds":{"listingsOf":[""]}}]`, []string{"XI", "field seeds.listingsOf[0]", "empty"}},
		{"redefining nothing but a duplicate id", `[{"id":"XC","rule":"listed"},{"id":"XC","rule":"listed"}]`, []string{"XC", "duplicate"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFileWith("user.json", []byte(c.file), false, stored)
			if err == nil {
				t.Fatalf("accepted %s", c.file)
			}
			if !errors.Is(err, model.ErrBadInput) {
				t.Errorf("%v is not ErrBadInput", err)
			}
			for _, w := range append([]string{"user.json"}, c.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestRegimeFileAccepts: what the language allows, with its defaults.
func TestRegimeFileAccepts(t *testing.T) {
	stored := func(id string) bool { return id == "STORED-EARLIER" }
	rs, err := ParseFileWith("user.json", []byte(`{"regimes":[
		{"id":"A","rule":"affiliate","seeds":{"listingsOf":["US-NDAA-889","B","STORED-EARLIER"]}},
		{"id":"B","name":"B","outcome":"CAUTION","seeds":{"origins":["cn-xj","RU"]}},
		{"id":"C","rule":"per_person"},
		{"id":"D","prongs":[{"rule":"aggregate","seeds":{"stateBodiesOf":["cn"],"listings":true},"aggregateBy":"country"},
		                    {"rule":"affiliate","directions":["up","siblings"],"stateBodyCaution":false}]}]}`), false, stored)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c, d := rs[0], rs[1], rs[2], rs[3]
	if !a.Default || a.Outcome != model.Exposed || a.Prongs[0].Seeds.Listings || !a.Prongs[0].StateBodyCaution || a.Prongs[0].Directions != AllDirections {
		t.Errorf("A: %+v", a.Prongs[0])
	}
	if b.Outcome != model.Caution || b.Prongs[0].Rule != RuleListed || b.Prongs[0].Seeds.Origins[0] != "CN-XJ" {
		t.Errorf("B: %+v", b.Prongs[0])
	}
	if p := c.Prongs[0]; p.Rule != RuleAggregate || p.AggregateBy != AggregateSeed || p.Control != ControlCatch || c.Rule != RulePerPerson ||
		p.ThresholdOn(model.MaxDate) != (Threshold{Units: 50_000_000, Inclusive: true}) {
		t.Errorf("C: %+v", p)
	}
	if p := d.Prongs[0]; p.AggregateBy != AggregateCountry || !p.Seeds.Listings || p.Seeds.StateBodiesOf[0] != "CN" || p.Control != ControlNone || p.StateBodyCaution {
		t.Errorf("D[0]: %+v", p)
	}
	if p := d.Prongs[1]; p.Directions != DirUp|DirSiblings || p.StateBodyCaution || !p.Seeds.Listings {
		t.Errorf("D[1]: %+v", p)
	}
	// Without the stored regime, the same file is an error.
	if _, err := ParseFile("user.json", []byte(`[{"id":"A","rule":"listed","seeds":{"listingsOf":["STORED-EARLIER"]}}]`), false); err == nil {
		t.Error("listingsOf of an unknown regime accepted without the stored ids")
	}
}

// TestSetRejectsListingsOfCycles: regimes stored by different runs may close a
// cycle that no one file has; the set of loaded regimes refuses it.
func TestSetRejectsListingsOfCycles(t *testing.T) {
	a, err := ParseSpec([]byte(`{"id":"SA","rule":"listed","seeds":{"listingsOf":["SB"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseSpec([]byte(`{"id":"SB","rule":"listed","seeds":{"listingsOf":["SA"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSet(Builtin(), []*Regime{a, b}); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("NewSet: %v", err)
	}
	if _, err := NewSet(Builtin(), []*Regime{a}); err != nil {
		t.Errorf("NewSet without the cycle: %v", err)
	}
}

// TestBuiltinRegimes: the thirteen built-in regimes, the seven of v1 screened by
// default, the six of v1.1 only when named, each v1.1 one with its source and
// reading, and each Spec the object regimes.json holds.
func TestBuiltinRegimes(t *testing.T) {
	set, err := NewSet(Builtin())
	if err != nil {
		t.Fatal(err)
	}
	var defaults, named []string
	for _, r := range set.All() {
		if r.Default {
			defaults = append(defaults, r.ID)
		} else {
			named = append(named, r.ID)
			if r.Source == "" || r.Reading == "" {
				t.Errorf("%s: no source or reading", r.ID)
			}
		}
		if back, err := ParseSpec(r.Spec); err != nil || back.ID != r.ID {
			t.Errorf("%s: spec does not parse back: %v", r.ID, err)
		}
	}
	want := []string{sdn, cmic, bis, eu, uk, ndaa, fcc}
	if strings.Join(defaults, ",") != strings.Join(want, ",") {
		t.Errorf("defaults %v, want %v", defaults, want)
	}
	if strings.Join(named, ",") != "JP-IT-PROC,AU-5G,US-FEOC,US-NDAA24-805,US-NDAA23-5949,US-UFLPA" {
		t.Errorf("non-default %v", named)
	}
	if d := set.Defaults(); len(d) != 7 {
		t.Errorf("Defaults: %d regimes", len(d))
	}
}
