package rules

// Table-driven tests of the regime language of contract v1.1 section 5: every
// seed kind, aggregateBy mode, direction, outcome and scope (the six built-in
// regimes of section 5.5 have a table each in rules_builtin_test.go).

import (
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
)

const (
	jp    = "JP-IT-PROC"
	au    = "AU-5G"
	feoc  = "US-FEOC"
	s805  = "US-NDAA24-805"
	s5949 = "US-NDAA23-5949"
	uflpa = "US-UFLPA"
)

// ent is an entity of a type with a country and an hqCountry ("" for none).
func ent(id, typ, country, hq string) string {
	kv := []any{"id", id, "name", "Entity " + id, "type", typ}
	if country != "" {
		kv = append(kv, "country", country)
	}
	if hq != "" {
		kv = append(kv, "hqCountry", hq)
	}
	return rec("entity", kv...)
}

// srcAt is a sourcing edge made at a site.
func srcAt(product, entity, site string) string {
	return rec("sourcing", "product", product, "entity", entity, "site", site)
}

// userRegime parses one user regime definition.
func userRegime(t *testing.T, spec string) *Regime {
	t.Helper()
	r, err := ParseSpec([]byte(spec))
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	return r
}

func TestRuleSeeds(t *testing.T) {
	users := []*Regime{
		userRegime(t, `{"id":"SB","rule":"aggregate","seeds":{"stateBodiesOf":["CN"]},"control":"catch"}`),
		userRegime(t, `{"id":"JU","rule":"aggregate","seeds":{"jurisdictions":["CN"]}}`),
		userRegime(t, `{"id":"LO","rule":"affiliate","seeds":{"listingsOf":["US-NDAA-889"]}}`),
		userRegime(t, `{"id":"LO2","rule":"affiliate","seeds":{"listingsOf":["US-NDAA-889"],"listings":true}}`),
		userRegime(t, `{"id":"OR","seeds":{"origins":["CN-XJ"]}}`),
		userRegime(t, `{"id":"MIX","rule":"affiliate","directions":["down"],"seeds":{"jurisdictions":["CN"],"stateBodiesOf":["CN"],"listings":true}}`),
	}
	world := []string{
		ent("sasac", "state_body", "CN", ""), ent("rosim", "state_body", "RU", ""),
		ent("cnco", "company", "CN", ""), ent("bmco", "company", "BM", "CN"), ent("cnorg", "organization", "CN", ""),
		ent("cnp", "person", "CN", ""), ent("krco", "company", "KR", ""), ent("sub", "company", "AU", ""),
		own("sasac", "sub", 60), ctl("cnco", "sub"),
	}
	listed := []string{co("h", "hs", "own2"), list(ndaa, "h", "from", "2019-01-01"), list("LO2", "own2"), own("h", "hs", 100)}
	runEntityCases(t, []entityCase{
		{name: "stateBodiesOf: a state body of the country is a seed", regime: "SB", subject: "sasac", want: EXPOSED, recs: world,
			basis: "LISTED", seed: "STATE_BODY", path: []string{"criterion sasac->SB (state_body of CN)"}},
		{name: "stateBodiesOf: another country's state body is no seed", regime: "SB", subject: "rosim", want: CLEAR, recs: world},
		{name: "stateBodiesOf: a company of the country is no seed", regime: "SB", subject: "cnco", want: CLEAR, recs: world},
		{name: "stateBodiesOf: spread by the rule", regime: "SB", subject: "sub", want: EXPOSED, recs: world,
			basis: "OWNERSHIP", agg: 60, seed: "STATE_BODY", path: []string{"ownership sasac->sub", "criterion sasac->SB (state_body of CN)"}},
		{name: "jurisdictions: incorporated in the country", regime: "JU", subject: "cnco", want: EXPOSED, recs: world,
			seed: "JURISDICTION", path: []string{"criterion cnco->JU (country CN)"}},
		{name: "jurisdictions: headquartered in the country", regime: "JU", subject: "bmco", want: EXPOSED, recs: world,
			seed: "JURISDICTION", path: []string{"criterion bmco->JU (hqCountry CN)"}},
		{name: "jurisdictions: an organization", regime: "JU", subject: "cnorg", want: EXPOSED, recs: world, seed: "JURISDICTION"},
		{name: "jurisdictions: a person is no seed", regime: "JU", subject: "cnp", want: CLEAR, recs: world},
		{name: "jurisdictions: a state body is no seed", regime: "JU", subject: "sasac", want: CLEAR, recs: world},
		{name: "jurisdictions: another country", regime: "JU", subject: "krco", want: CLEAR, recs: world},
		{name: "jurisdictions: control does not catch under control none", regime: "JU", subject: "sub", want: CLEAR, recs: world},
		{name: "listingsOf: another regime's listing seeds, its LISTING hop names that regime", regime: "LO", subject: "hs", want: EXPOSED,
			recs: listed, seed: "LISTING", path: []string{"ownership h->hs", "listing h->US-NDAA-889"}},
		{name: "listingsOf: seeds whether or not that regime applies on the day", regime: "LO", subject: "h", date: "2019-02-01", want: EXPOSED, recs: listed},
		{name: "listingsOf without listings: the regime's own listings seed nothing", regime: "LO", subject: "own2", want: CLEAR,
			recs: []string{co("own2"), list("LO", "own2")}},
		{name: "listingsOf with listings: its own listings seed too", regime: "LO2", subject: "own2", want: EXPOSED, recs: listed,
			path: []string{"listing own2->LO2"}},
		{name: "origins: entity screening has none", regime: "OR", subject: "cnco", want: CLEAR, recs: world},
		{name: "seeds of several kinds: a state body's subsidiary", regime: "MIX", subject: "sub", want: EXPOSED, recs: world,
			basis: "AFFILIATE", seed: "STATE_BODY", path: []string{"ownership sasac->sub", "criterion sasac->MIX (state_body of CN)"}},
		{name: "a seed of several kinds is LISTING first", regime: "MIX", subject: "cnco", want: EXPOSED,
			recs: append([]string{list("MIX", "cnco")}, world...), seed: "LISTING", path: []string{"listing cnco->MIX"}},
	}, users...)
}

func TestRuleAggregateBy(t *testing.T) {
	by := func(id, mode string) *Regime {
		return userRegime(t, `{"id":"`+id+`","rule":"aggregate","aggregateBy":"`+mode+`","seeds":{"stateBodiesOf":["CN","RU"]},"control":"catch"}`)
	}
	users := []*Regime{by("ALL", "all"), by("SEED", "seed"), by("CTRY", "country")}
	two := []string{ent("cn1", "state_body", "CN", ""), ent("cn2", "state_body", "CN", ""), ent("ru1", "state_body", "RU", ""), co("t", "u", "r")}
	mixed := append([]string{own("cn1", "t", 30), own("ru1", "t", 30)}, two...)
	same := append([]string{own("cn1", "t", 30), own("cn2", "t", 30)}, two...)
	through := append([]string{ctl("cn1", "u"), own("cn1", "t", 40), own("u", "t", 20)}, two...)
	ranged := append([]string{ownR("cn1", "r", 20, 60)}, two...)
	runEntityCases(t, []entityCase{
		{name: "all: two governments add up", regime: "ALL", subject: "t", want: EXPOSED, recs: mixed, basis: "OWNERSHIP", agg: 60},
		{name: "country: two governments do not add up", regime: "CTRY", subject: "t", want: CLEAR, recs: mixed},
		{name: "country: one government's bodies add up", regime: "CTRY", subject: "t", want: EXPOSED, recs: same, basis: "OWNERSHIP", agg: 60,
			seed: "STATE_BODY"},
		{name: "seed: two bodies of one government do not add up", regime: "SEED", subject: "t", want: CLEAR, recs: same},
		{name: "country: with what the group caught", regime: "CTRY", subject: "t", want: EXPOSED, recs: through, agg: 60},
		{name: "seed: with what the seed caught", regime: "SEED", subject: "t", want: EXPOSED, recs: through, agg: 60},
		{name: "country: a range gives POSSIBLE within the group", regime: "CTRY", subject: "r", want: POSSIBLE, recs: ranged, agg: 60},
		{name: "seed: a range gives POSSIBLE", regime: "SEED", subject: "r", want: POSSIBLE, recs: ranged, agg: 60},
	}, users...)
}

func TestRuleDirections(t *testing.T) {
	dir := func(id, dirs string) *Regime {
		return userRegime(t, `{"id":"`+id+`","rule":"affiliate","directions":[`+dirs+`]}`)
	}
	users := []*Regime{dir("DOWN", `"down"`), dir("UP", `"up"`), dir("SIB", `"siblings"`), dir("ALL3", `"down","up","siblings"`)}
	g := func(r string) []string {
		return []string{co("top", "mid", "l", "sub", "sib"), list(r, "l"),
			ctl("top", "mid"), ctl("mid", "l"), ctl("l", "sub"), ctl("mid", "sib")}
	}
	var cases []entityCase
	want := map[string]map[string]Verdict{
		"DOWN": {"sub": EXPOSED, "mid": CLEAR, "top": CLEAR, "sib": CLEAR, "l": EXPOSED},
		"UP":   {"sub": CLEAR, "mid": EXPOSED, "top": EXPOSED, "sib": CLEAR, "l": EXPOSED},
		// siblings without up: what the controllers control (mid, by top), not the top one.
		"SIB":  {"sub": EXPOSED, "mid": EXPOSED, "top": CLEAR, "sib": EXPOSED, "l": EXPOSED},
		"ALL3": {"sub": EXPOSED, "mid": EXPOSED, "top": EXPOSED, "sib": EXPOSED, "l": EXPOSED},
	}
	for _, r := range []string{"DOWN", "UP", "SIB", "ALL3"} {
		for _, x := range []string{"sub", "mid", "top", "sib", "l"} {
			cases = append(cases, entityCase{name: r + " " + x, regime: r, subject: x, want: want[r][x], recs: g(r)})
		}
	}
	cases = append(cases,
		entityCase{name: "siblings: a sibling through the nearer controller", regime: "SIB", subject: "sib", want: EXPOSED, recs: g("SIB"),
			path: []string{"control mid->sib", "control mid->l", "listing l->SIB"}},
		entityCase{name: "up: a controller's path goes down to the seed", regime: "UP", subject: "top", want: EXPOSED, recs: g("UP"),
			path: []string{"control top->mid", "control mid->l", "listing l->UP"}},
	)
	runEntityCases(t, cases, users...)
}

// Verdict is model.Verdict, short for the tables.
type Verdict = model.Verdict

func TestRuleOutcome(t *testing.T) {
	users := []*Regime{
		userRegime(t, `{"id":"CONSULT","outcome":"CAUTION","rule":"aggregate","control":"caution"}`),
		userRegime(t, `{"id":"BLOCK","rule":"aggregate","control":"caution"}`),
	}
	g := func(r string) []string {
		return []string{co("l", "s", "p", "c"), list(r, "l"), own("l", "s", 60), ownR("l", "p", 10, 60), ctl("l", "c")}
	}
	runEntityCases(t, []entityCase{
		{name: "consult: a listed entity is CAUTION", regime: "CONSULT", subject: "l", want: CAUTION, recs: g("CONSULT"), basis: "LISTED"},
		{name: "consult: EXPOSED becomes CAUTION", regime: "CONSULT", subject: "s", want: CAUTION, recs: g("CONSULT"), basis: "OWNERSHIP", agg: 60},
		{name: "consult: POSSIBLE becomes CAUTION", regime: "CONSULT", subject: "p", want: CAUTION, recs: g("CONSULT")},
		{name: "consult: CAUTION stays CAUTION", regime: "CONSULT", subject: "c", want: CAUTION, recs: g("CONSULT"), basis: "CONTROL"},
		{name: "default outcome: EXPOSED", regime: "BLOCK", subject: "s", want: EXPOSED, recs: g("BLOCK")},
		{name: "default outcome: POSSIBLE", regime: "BLOCK", subject: "p", want: POSSIBLE, recs: g("BLOCK")},
	}, users...)
}
