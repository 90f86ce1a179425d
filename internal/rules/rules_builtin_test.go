package rules

// One table per built-in regime of contract v1.1 section 5.5: its seeds, rule,
// outcome, product scope and the boundaries of its dates, in entity and product
// screening.

import "testing"

func TestBuiltinJapan(t *testing.T) {
	// Huawei on the 889 list from 2019-01-01 (before 889 applies), ZTE on the FCC
	// list, a subsidiary and a joint venture of each, and state ownership.
	world := []string{
		ent("huawei", "company", "CN", ""), ent("hw-jp", "company", "JP", ""), ent("zte", "company", "CN", ""), ent("zte-sub", "company", "BR", ""),
		list(ndaa, "huawei", "from", "2019-01-01"), list(fcc, "zte", "from", "2021-03-12"), own("huawei", "hw-jp", 100), ctl("zte", "zte-sub"),
		ent("sasac", "state_body", "CN", ""), ent("cn-prov", "state_body", "CN", ""), ent("rosim", "state_body", "RU", ""), ent("usgov", "state_body", "US", ""),
		co("soe51", "soe50", "sum", "mixed", "usco", "ctl-co", "soe-sub", "clean"),
		own("sasac", "soe51", 51), own("sasac", "soe50", 50), own("sasac", "sum", 30), own("cn-prov", "sum", 25),
		own("sasac", "mixed", 30), own("rosim", "mixed", 25), own("usgov", "usco", 100), ctl("sasac", "ctl-co"), own("soe51", "soe-sub", 60),
		prod("phone", ""), prod("modem", "telecom"), prod("case", ""), comp("phone", "modem"), comp("phone", "case"),
		src("phone", "clean"), src("modem", "hw-jp"), src("case", "soe51"),
	}
	runEntityCases(t, []entityCase{
		{name: "an 889 listing is a seed: CAUTION, not EXPOSED", regime: jp, subject: "huawei", date: "2020-01-01", want: CAUTION,
			recs: world, basis: "LISTED", seed: "LISTING", path: []string{"listing huawei->US-NDAA-889"}},
		{name: "an FCC listing is a seed, its hop names the FCC list", regime: jp, subject: "zte", date: "2022-01-01", want: CAUTION,
			recs: world, path: []string{"listing zte->US-FCC-COVERED"}},
		{name: "a subsidiary of an 889 entity", regime: jp, subject: "hw-jp", date: "2020-01-01", want: CAUTION,
			recs: world, basis: "AFFILIATE", listed: "huawei", path: []string{"ownership huawei->hw-jp", "listing huawei->US-NDAA-889"}},
		{name: "a controlled company of an FCC entity", regime: jp, subject: "zte-sub", date: "2022-01-01", want: CAUTION, recs: world, basis: "AFFILIATE"},
		{name: "before the FCC listing's from: not yet a seed", regime: jp, subject: "zte", date: "2021-03-11", want: CLEAR, recs: world},
		{name: "an 889 listing counts before 889 itself applies (2019-08-13)", regime: jp, subject: "hw-jp", date: "2019-05-01", want: CAUTION, recs: world},
		{name: "the day before the guideline applies (2019-04-01)", regime: jp, subject: "huawei", date: "2019-03-31", want: CLEAR, recs: world},
		{name: "the day it applies", regime: jp, subject: "huawei", date: "2019-04-01", want: CAUTION, recs: world},
		{name: "a state body of CN is a seed", regime: jp, subject: "sasac", date: "2020-01-01", want: CAUTION, recs: world,
			seed: "STATE_BODY", path: []string{"criterion sasac->JP-IT-PROC (state_body of CN)"}},
		{name: "a state body of the US is none", regime: jp, subject: "usgov", date: "2020-01-01", want: CLEAR, recs: world},
		{name: "51% state-owned: more than 50%", regime: jp, subject: "soe51", date: "2020-01-01", want: CAUTION, recs: world,
			basis: "OWNERSHIP", agg: 51, seed: "STATE_BODY", path: []string{"ownership sasac->soe51", "criterion sasac->JP-IT-PROC (state_body of CN)"}},
		{name: "exactly 50% is not more than 50%", regime: jp, subject: "soe50", date: "2020-01-01", want: CLEAR, recs: world},
		{name: "one government's bodies add up: 30 + 25", regime: jp, subject: "sum", date: "2020-01-01", want: CAUTION, recs: world, agg: 55},
		{name: "two governments do not add up: CN 30 + RU 25", regime: jp, subject: "mixed", date: "2020-01-01", want: CLEAR, recs: world},
		{name: "control by a state body catches", regime: jp, subject: "ctl-co", date: "2020-01-01", want: CAUTION, recs: world, basis: "CONTROL"},
		{name: "recursively: 60% of a state-owned company", regime: jp, subject: "soe-sub", date: "2020-01-01", want: CAUTION, recs: world,
			path: []string{"ownership soe51->soe-sub", "ownership sasac->soe51", "criterion sasac->JP-IT-PROC (state_body of CN)"}},
		{name: "a US state body's company", regime: jp, subject: "usco", date: "2020-01-01", want: CLEAR, recs: world},
	})
	runProductCases(t, []productCase{
		{name: "a phone with a Huawei-affiliated modem and a state-owned case maker: CAUTION", regime: jp, subject: "phone", date: "2020-01-01",
			want: CAUTION, recs: world, findings: found{"hw-jp": CAUTION, "soe51": CAUTION},
			paths: map[string][]string{"hw-jp": {"component phone->modem", "sourcing modem->hw-jp", "ownership huawei->hw-jp", "listing huawei->US-NDAA-889"}}},
		{name: "before 2019-04-01: CLEAR", regime: jp, subject: "phone", date: "2019-03-31", want: CLEAR, recs: world},
	})
}

func TestBuiltinAustralia5G(t *testing.T) {
	world := []string{
		ent("cnco", "company", "CN", ""), ent("kyco", "company", "KY", "CN"), ent("cnp", "person", "CN", ""), ent("sasac", "state_body", "CN", ""),
		ent("ausub", "company", "AU", ""), ent("auparent", "company", "AU", ""), ent("soesub", "company", "AU", ""), ent("auclean", "company", "AU", ""),
		ent("irco", "company", "IR", ""), ent("krco", "company", "KR", ""),
		own("cnco", "ausub", 60), own("auparent", "cnco", 100), own("sasac", "soesub", 100), own("krco", "ausub", 40),
		prod("radio", "telecom"), prod("board", ""), prod("cell", "battery"), prod("cable", "telecom"),
		comp("radio", "board"), src("radio", "auclean"), src("board", "ausub"), src("cell", "ausub"),
	}
	runEntityCases(t, []entityCase{
		{name: "a company incorporated in CN", regime: au, subject: "cnco", want: CAUTION, recs: world,
			seed: "JURISDICTION", path: []string{"criterion cnco->AU-5G (country CN)"}},
		{name: "a Cayman company headquartered in CN", regime: au, subject: "kyco", want: CAUTION, recs: world,
			path: []string{"criterion kyco->AU-5G (hqCountry CN)"}},
		{name: "an IR company", regime: au, subject: "irco", want: CAUTION, recs: world},
		{name: "a CN person is no jurisdiction seed", regime: au, subject: "cnp", want: CLEAR, recs: world},
		{name: "a CN state body", regime: au, subject: "sasac", want: CAUTION, recs: world, seed: "STATE_BODY"},
		{name: "an Australian subsidiary of a CN company (down)", regime: au, subject: "ausub", want: CAUTION, recs: world,
			basis: "AFFILIATE", path: []string{"ownership cnco->ausub", "criterion cnco->AU-5G (country CN)"}},
		{name: "a state body's Australian company", regime: au, subject: "soesub", want: CAUTION, recs: world, seed: "STATE_BODY"},
		{name: "the Australian parent of a CN company: down only", regime: au, subject: "auparent", want: CLEAR, recs: world},
		{name: "a minority holder of the subsidiary", regime: au, subject: "krco", want: CLEAR, recs: world},
		{name: "the day before the guidance (2018-08-23)", regime: au, subject: "ausub", date: "2018-08-22", want: CLEAR, recs: world},
		{name: "the day of the guidance", regime: au, subject: "ausub", date: "2018-08-23", want: CAUTION, recs: world},
	})
	runProductCases(t, []productCase{
		{name: "a telecom radio whose uncategorised board comes from a CN-owned company", regime: au, subject: "radio", want: CAUTION,
			recs: world, findings: found{"ausub": CAUTION},
			paths: map[string][]string{"ausub": {"component radio->board", "sourcing board->ausub", "ownership cnco->ausub", "criterion cnco->AU-5G (country CN)"}}},
		{name: "the board alone has no category: outside the scope", regime: au, subject: "board", want: CLEAR, recs: world},
		{name: "a battery cell from the same maker: outside the scope", regime: au, subject: "cell", want: CLEAR, recs: world},
		{name: "a telecom cable with no maker: UNKNOWN", regime: au, subject: "cable", want: UNKNOWN, recs: world, gaps: []string{"cable"}},
		{name: "before the guidance: CLEAR", regime: au, subject: "radio", date: "2018-08-22", want: CLEAR, recs: world},
	})
}

func TestBuiltinFEOC(t *testing.T) {
	world := []string{
		ent("cn1", "state_body", "CN", ""), ent("cn2", "state_body", "CN", ""), ent("ru1", "state_body", "RU", ""),
		ent("catl", "company", "CN", ""), ent("byd", "company", "CN", ""), ent("catl-hk", "company", "HK", ""),
		co("pack", "two", "mixed", "minor", "jv", "pair", "near", "ctl-co", "clean"),
		own("cn1", "pack", 15), own("cn2", "pack", 10), own("cn1", "mixed", 15), own("ru1", "mixed", 10), own("cn1", "minor", 24.9),
		own("catl", "jv", 25), own("catl", "pair", 15), own("byd", "pair", 15),
		own("catl", "catl-hk", 100), own("catl", "near", 20), own("catl-hk", "near", 10), ctl("cn1", "ctl-co"),
		prod("battery", "battery"), prod("cell", ""), prod("charger", "telecom"), prod("ore", "critical_mineral"),
		comp("battery", "cell"), src("battery", "clean"), src("cell", "pack"), src("charger", "pack"), src("ore", "jv"),
	}
	runEntityCases(t, []entityCase{
		{name: "one government's bodies add up: 15 + 10 = 25", regime: feoc, subject: "pack", want: EXPOSED, recs: world,
			basis: "OWNERSHIP", agg: 25, seed: "STATE_BODY"},
		{name: "two governments do not: CN 15 + RU 10", regime: feoc, subject: "mixed", want: CLEAR, recs: world},
		{name: "24.9% is under 25%", regime: feoc, subject: "minor", want: CLEAR, recs: world},
		{name: "control by a state body", regime: feoc, subject: "ctl-co", want: EXPOSED, recs: world, basis: "CONTROL"},
		{name: "a CN company is a seed", regime: feoc, subject: "catl", want: EXPOSED, recs: world, seed: "JURISDICTION"},
		{name: "25% held by a CN company", regime: feoc, subject: "jv", want: EXPOSED, recs: world, agg: 25, seed: "JURISDICTION",
			path: []string{"ownership catl->jv", "criterion catl->US-FEOC (country CN)"}},
		{name: "two CN companies' holdings do not add up (per seed): 15 + 15", regime: feoc, subject: "pair", want: CLEAR, recs: world},
		{name: "a CN company with what it caught: 20 + 10 through its HK subsidiary", regime: feoc, subject: "near", want: EXPOSED, recs: world,
			agg: 30, listed: "catl"},
		{name: "the day before the rule (2024-05-06)", regime: feoc, subject: "pack", date: "2024-05-05", want: CLEAR, recs: world},
		{name: "the day of the rule", regime: feoc, subject: "pack", date: "2024-05-06", want: EXPOSED, recs: world},
	})
	runProductCases(t, []productCase{
		{name: "a battery pack whose cell maker is 25% owned by one government", regime: feoc, subject: "battery", want: EXPOSED,
			recs: world, findings: found{"pack": EXPOSED}, seeds: map[string]string{"pack": "STATE_BODY"}},
		{name: "a critical mineral from a CN company's joint venture", regime: feoc, subject: "ore", want: EXPOSED, recs: world,
			findings: found{"jv": EXPOSED}},
		{name: "a telecom charger from the same maker: outside the scope", regime: feoc, subject: "charger", want: CLEAR, recs: world},
		{name: "before the rule", regime: feoc, subject: "battery", date: "2024-05-05", want: CLEAR, recs: world},
	})
}

func TestBuiltinNDAA805(t *testing.T) {
	world := []string{
		co("cmc", "cmc-sub", "cmc-parent", "sb-sub", "clean"), stateBody("sb"),
		list(s805, "cmc", "from", "2021-01-01"), own("cmc", "cmc-sub", 60), own("cmc-parent", "cmc", 100), ctl("cmc", "sb"), own("sb", "sb-sub", 100),
		prod("drone", ""), prod("camera", ""), prod("spare", ""), comp("drone", "camera", "essential", false), comp("drone", "spare"),
		src("drone", "clean"), src("camera", "cmc-sub"),
	}
	runEntityCases(t, []entityCase{
		{name: "a listed company, the day before contracts are barred (2026-06-30)", regime: s805, subject: "cmc", date: "2026-06-29", want: CLEAR, recs: world},
		{name: "a listed company from 2026-06-30", regime: s805, subject: "cmc", date: "2026-06-30", want: EXPOSED, recs: world, basis: "LISTED"},
		{name: "its subsidiary (down)", regime: s805, subject: "cmc-sub", date: "2026-06-30", want: EXPOSED, recs: world, basis: "AFFILIATE",
			path: []string{"ownership cmc->cmc-sub", "listing cmc->US-NDAA24-805"}},
		{name: "its parent: down only", regime: s805, subject: "cmc-parent", date: "2026-06-30", want: CLEAR, recs: world},
		{name: "through a state body it controls: no state-body caution", regime: s805, subject: "sb-sub", date: "2026-06-30", want: EXPOSED, recs: world,
			path: []string{"ownership sb->sb-sub", "control cmc->sb", "listing cmc->US-NDAA24-805"}},
	})
	runProductCases(t, []productCase{
		{name: "goods including its products, before 2027-06-30: CLEAR while entities are EXPOSED", regime: s805, subject: "drone", date: "2027-06-29",
			want: CLEAR, recs: world, gaps: []string{"spare"}},
		{name: "from 2027-06-30: EXPOSED, and a non-essential part is no exception", regime: s805, subject: "drone", date: "2027-06-30",
			want: EXPOSED, recs: world, findings: found{"cmc-sub": EXPOSED}, gaps: []string{"spare"}},
		{name: "a gap alone, from 2027-06-30: UNKNOWN", regime: s805, subject: "spare", date: "2027-06-30", want: UNKNOWN, recs: world, gaps: []string{"spare"}},
	})
}

func TestBuiltinNDAA5949(t *testing.T) {
	world := []string{
		co("smic", "smic-sub", "smic-parent", "smic-sib", "cxmt", "ymtc", "ymtc-aff", "clean"), stateBody("sasac"), co("sasac-co"),
		list(s5949, "smic"), list(s5949, "cxmt"), list(s5949, "ymtc"),
		own("smic", "smic-sub", 100), own("smic-parent", "smic", 60), own("smic-parent", "smic-sib", 100), own("sasac", "cxmt", 100), own("sasac", "sasac-co", 100),
		ctl("ymtc", "ymtc-aff"),
		prod("board", "pcb"), prod("chip", "semiconductor"), prod("die", ""), prod("flash", "semiconductor"), prod("board2", "pcb"),
		comp("board", "chip", "essential", false), comp("chip", "die"), src("board", "smic"), src("chip", "clean"), src("die", "smic-sub"),
		comp("board2", "flash"), src("board2", "clean"), src("flash", "ymtc-aff"),
	}
	on := "2027-12-23"
	runEntityCases(t, []entityCase{
		{name: "SMIC, the day before section 5949 applies", regime: s5949, subject: "smic", date: "2027-12-22", want: CLEAR, recs: world},
		{name: "SMIC from 2027-12-23", regime: s5949, subject: "smic", date: on, want: EXPOSED, recs: world},
		{name: "a subsidiary", regime: s5949, subject: "smic-sub", date: on, want: EXPOSED, recs: world, basis: "AFFILIATE"},
		{name: "a parent (up)", regime: s5949, subject: "smic-parent", date: on, want: EXPOSED, recs: world},
		{name: "a sibling", regime: s5949, subject: "smic-sib", date: on, want: EXPOSED, recs: world,
			path: []string{"ownership smic-parent->smic-sib", "ownership smic-parent->smic", "listing smic->US-NDAA23-5949"}},
		{name: "a controlled affiliate of YMTC", regime: s5949, subject: "ymtc-aff", date: on, want: EXPOSED, recs: world},
		{name: "a sister company through a state body: CAUTION", regime: s5949, subject: "sasac-co", date: on, want: CAUTION, recs: world},
		{name: "the state body itself: CAUTION", regime: s5949, subject: "sasac", date: on, want: CAUTION, recs: world},
	})
	runProductCases(t, []productCase{
		{name: "a board with a covered chip: the die under it counts, the board's own maker does not (pcb)", regime: s5949, subject: "board", date: on,
			want: EXPOSED, recs: world, findings: found{"smic-sub": EXPOSED},
			paths: map[string][]string{"smic-sub": {"component board->chip", "component chip->die", "sourcing die->smic-sub", "ownership smic->smic-sub", "listing smic->US-NDAA23-5949"}}},
		{name: "a board with YMTC-affiliate flash", regime: s5949, subject: "board2", date: on, want: EXPOSED, recs: world, findings: found{"ymtc-aff": EXPOSED}},
		{name: "before 2027-12-23", regime: s5949, subject: "board", date: "2027-12-22", want: CLEAR, recs: world},
	})
}

func TestBuiltinUFLPA(t *testing.T) {
	world := []string{
		co("hoshine", "hoshine-sub", "xjco", "gdco"), list(uflpa, "hoshine", "from", "2023-06-09"), own("hoshine", "hoshine-sub", 100),
		prod("panel", "solar"), prod("poly", ""), prod("wafer", ""), prod("frame", ""),
		comp("panel", "poly"), comp("panel", "wafer"), comp("panel", "frame"),
		src("panel", "gdco"), srcAt("poly", "xjco", "CN-XJ"), srcAt("wafer", "gdco", "CN"), srcAt("frame", "hoshine", "CN-XJ"),
	}
	runEntityCases(t, []entityCase{
		{name: "a listed entity", regime: uflpa, subject: "hoshine", date: "2024-01-01", want: EXPOSED, recs: world, path: []string{"listing hoshine->US-UFLPA"}},
		{name: "its subsidiary: no subsidiaries", regime: uflpa, subject: "hoshine-sub", date: "2024-01-01", want: CLEAR, recs: world},
		{name: "a Xinjiang maker is no entity seed", regime: uflpa, subject: "xjco", date: "2024-01-01", want: CLEAR, recs: world},
		{name: "before the listing's from", regime: uflpa, subject: "hoshine", date: "2023-06-08", want: CLEAR, recs: world},
	})
	runProductCases(t, []productCase{
		{name: "polysilicon made in CN-XJ: ORIGIN; a listed maker in CN-XJ: LISTING first", regime: uflpa, subject: "panel", date: "2024-01-01",
			want: EXPOSED, recs: world, findings: found{"xjco": EXPOSED, "hoshine": EXPOSED},
			bases: map[string]string{"xjco": "ORIGIN", "hoshine": "LISTED"}, seeds: map[string]string{"xjco": "ORIGIN", "hoshine": "LISTING"},
			paths: map[string][]string{"xjco": {"component panel->poly", "sourcing poly->xjco", "criterion xjco->US-UFLPA (site CN-XJ)"}}},
		{name: "a wafer made in CN (not Xinjiang)", regime: uflpa, subject: "wafer", date: "2024-01-01", want: CLEAR, recs: world},
		{name: "the day before the act applies (2022-06-21)", regime: uflpa, subject: "poly", date: "2022-06-20", want: CLEAR, recs: world},
		{name: "the day it applies", regime: uflpa, subject: "poly", date: "2022-06-21", want: EXPOSED, recs: world, findings: found{"xjco": EXPOSED}},
	})
}
