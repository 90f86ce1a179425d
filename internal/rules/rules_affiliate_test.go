package rules

// Table tests of the section 889 "subsidiary or affiliate" rule shared by
// US-NDAA-889 and US-FCC-COVERED (CONTRACT.md section 3).

import (
	"testing"
)

// affiliateGroup is a corporate group around listed entity h:
//
//	gp --51%--> pp --100%--> h (listed) --60%--> s --60%--> ss
//	gp --60%--> cousin       h --50%--> f (exactly 50: not a subsidiary)
//	pp --60%--> sis --100%--> sisc
//	m --40%--> h,  m --100%--> z (minority shareholder and its company)
//	h --30%--> y1, s --30%--> y1 (no single controller holds > 50%)
//	h --30%--> y2 and h --25%--> y2 (two edges of one pair: 55%)
func affiliateGroup(regime string) []string {
	return []string{
		co("gp", "pp", "h", "s", "ss", "cousin", "f", "sis", "sisc", "m", "z", "y1", "y2"),
		list(regime, "h"),
		own("gp", "pp", 51), own("pp", "h", 100), own("h", "s", 60), own("s", "ss", 60),
		own("gp", "cousin", 60), own("h", "f", 50), own("pp", "sis", 60), own("sis", "sisc", 100),
		own("m", "h", 40), own("m", "z", 100),
		own("h", "y1", 30), own("s", "y1", 30),
		own("h", "y2", 30, "from", "2010-01-01"), own("h", "y2", 25, "from", "2015-01-01"),
	}
}

func TestRuleNDAA889Affiliates(t *testing.T) {
	g := affiliateGroup(ndaa)
	controlGroup := []string{co("c", "h", "k", "l"), list(ndaa, "h"), ctl("c", "h"), ctl("h", "k"), ctl("c", "l")}
	ranges := []string{co("h", "r1", "r2", "r3", "r3c", "r4", "u", "v"), list(ndaa, "h"),
		ownR("h", "r1", 51, 70), ownR("h", "r2", 40, 60), ownU("h", "r3"), own("r3", "r3c", 100), ownR("h", "r4", 10, 50),
		ownR("u", "h", 40, 60), own("u", "v", 100)}
	state := []string{stateBody("sasac"), co("h2", "h2s", "o", "oc", "o3"), list(ndaa, "h2"),
		own("sasac", "h2", 100), own("h2", "h2s", 100), own("sasac", "o", 100), own("o", "oc", 100),
		ctl("sasac", "o3"), own("h2", "o3", 60)}
	listedState := []string{stateBody("ministry"), co("mc"), list(ndaa, "ministry"), own("ministry", "mc", 100)}
	stateSub := []string{co("h"), stateBody("sb"), list(ndaa, "h"), own("h", "sb", 100)}
	early := []string{co("h", "s"), list(ndaa, "h"), own("h", "s", 100)}

	runEntityCases(t, []entityCase{
		{name: "listed entity", regime: ndaa, subject: "h", want: EXPOSED, recs: g, basis: "LISTED", path: []string{"listing h->US-NDAA-889"}},
		{name: "subsidiary > 50%", regime: ndaa, subject: "s", want: EXPOSED, recs: g,
			basis: "AFFILIATE", listed: "h", path: []string{"ownership h->s", "listing h->US-NDAA-889"}},
		{name: "transitive subsidiary", regime: ndaa, subject: "ss", want: EXPOSED, recs: g,
			path: []string{"ownership s->ss", "ownership h->s", "listing h->US-NDAA-889"}},
		{name: "exactly 50% is not > 50%", regime: ndaa, subject: "f", want: CLEAR, recs: g},
		{name: "direct parent", regime: ndaa, subject: "pp", want: EXPOSED, recs: g,
			basis: "AFFILIATE", path: []string{"ownership pp->h", "listing h->US-NDAA-889"}},
		{name: "ultimate parent", regime: ndaa, subject: "gp", want: EXPOSED, recs: g,
			path: []string{"ownership gp->pp", "ownership pp->h", "listing h->US-NDAA-889"}},
		{name: "sister company", regime: ndaa, subject: "sis", want: EXPOSED, recs: g,
			basis: "AFFILIATE", path: []string{"ownership pp->sis", "ownership pp->h", "listing h->US-NDAA-889"}},
		{name: "sister's subsidiary", regime: ndaa, subject: "sisc", want: EXPOSED, recs: g},
		{name: "company controlled by the ultimate parent", regime: ndaa, subject: "cousin", want: EXPOSED, recs: g,
			path: []string{"ownership gp->cousin", "ownership gp->pp", "ownership pp->h", "listing h->US-NDAA-889"}},
		{name: "minority shareholder is not a controller", regime: ndaa, subject: "m", want: CLEAR, recs: g},
		{name: "minority shareholder's company is not an affiliate", regime: ndaa, subject: "z", want: CLEAR, recs: g},
		{name: "30% + 30% from two group members: no single controller", regime: ndaa, subject: "y1", want: CLEAR, recs: g},
		{name: "two edges of one pair sum: 30 + 25 > 50", regime: ndaa, subject: "y2", want: EXPOSED, recs: g},
		{name: "two edges of one pair before the second starts: 30", regime: ndaa, subject: "y2", date: "2014-12-31", want: CLEAR,
			recs: g},
		// Control edges.
		{name: "controller by control edge", regime: ndaa, subject: "c", want: EXPOSED, recs: controlGroup,
			basis: "AFFILIATE", path: []string{"control c->h", "listing h->US-NDAA-889"}},
		{name: "controlled by control edge", regime: ndaa, subject: "k", want: EXPOSED, recs: controlGroup,
			path: []string{"control h->k", "listing h->US-NDAA-889"}},
		{name: "controlled by the controller", regime: ndaa, subject: "l", want: EXPOSED, recs: controlGroup,
			path: []string{"control c->l", "control c->h", "listing h->US-NDAA-889"}},
		{name: "a controller of a subsidiary is not an affiliate", regime: ndaa, subject: "j", want: CLEAR,
			recs: []string{co("h", "s", "j"), list(ndaa, "h"), own("h", "s", 60), ctl("j", "s")}},
		{name: "owned 50/50 by the listed entity's parent and an outsider: not controlled", regime: ndaa, subject: "jv", want: CLEAR,
			recs: []string{co("pp", "h", "jv", "o"), list(ndaa, "h"), own("pp", "h", 100), own("pp", "jv", 50), own("o", "jv", 50)}},
		// Ranges.
		{name: "range lower bound > 50 is EXPOSED", regime: ndaa, subject: "r1", want: EXPOSED, recs: ranges},
		{name: "range upper bound only > 50 is POSSIBLE", regime: ndaa, subject: "r2", want: POSSIBLE, recs: ranges, basis: "AFFILIATE"},
		{name: "unknown percent is POSSIBLE", regime: ndaa, subject: "r3", want: POSSIBLE, recs: ranges},
		{name: "POSSIBLE propagates to a subsidiary", regime: ndaa, subject: "r3c", want: POSSIBLE, recs: ranges,
			path: []string{"ownership r3->r3c", "ownership h->r3", "listing h->US-NDAA-889"}},
		{name: "range up to exactly 50 is CLEAR", regime: ndaa, subject: "r4", want: CLEAR, recs: ranges},
		{name: "possible controller is POSSIBLE", regime: ndaa, subject: "u", want: POSSIBLE, recs: ranges},
		{name: "company of a possible controller is POSSIBLE", regime: ndaa, subject: "v", want: POSSIBLE, recs: ranges},
		// State bodies.
		{name: "state body controller is CAUTION", regime: ndaa, subject: "sasac", want: CAUTION, recs: state, basis: "AFFILIATE",
			path: []string{"ownership sasac->h2", "listing h2->US-NDAA-889"}},
		{name: "company reached through a state body is CAUTION", regime: ndaa, subject: "o", want: CAUTION, recs: state,
			path: []string{"ownership sasac->o", "ownership sasac->h2", "listing h2->US-NDAA-889"}},
		{name: "subsidiary of a company reached through a state body is CAUTION", regime: ndaa, subject: "oc", want: CAUTION, recs: state},
		{name: "listed entity owned by a state body is EXPOSED", regime: ndaa, subject: "h2", want: EXPOSED, recs: state},
		{name: "subsidiary of a listed entity owned by a state body is EXPOSED", regime: ndaa, subject: "h2s", want: EXPOSED, recs: state,
			path: []string{"ownership h2->h2s", "listing h2->US-NDAA-889"}},
		{name: "reached both through the state body and directly: EXPOSED", regime: ndaa, subject: "o3", want: EXPOSED, recs: state,
			path: []string{"ownership h2->o3", "listing h2->US-NDAA-889"}},
		{name: "company below a state-body subsidiary of the listed entity is CAUTION", regime: ndaa, subject: "t", want: CAUTION,
			recs: cat(stateSub, []string{co("t"), own("sb", "t", 100)})},
		{name: "state body that possibly controls the listed entity is CAUTION", regime: ndaa, subject: "sasac", want: CAUTION,
			recs: []string{stateBody("sasac"), co("h"), list(ndaa, "h"), ownR("sasac", "h", 40, 60)}},
		{name: "state body's company: CAUTION, not POSSIBLE, through a possible relation", regime: ndaa, subject: "o", want: CAUTION,
			recs: []string{stateBody("sasac"), co("h", "o"), list(ndaa, "h"), ownR("sasac", "h", 40, 60), own("sasac", "o", 100)}},
		{name: "state body above a listed state body is CAUTION", regime: ndaa, subject: "council", want: CAUTION,
			recs: cat(listedState, []string{stateBody("council"), own("council", "ministry", 100)})},
		{name: "listed state body is EXPOSED", regime: ndaa, subject: "ministry", want: EXPOSED, recs: listedState, basis: "LISTED"},
		{name: "company of a listed state body is EXPOSED", regime: ndaa, subject: "mc", want: EXPOSED, recs: listedState},
		{name: "screened entity that is a state body is CAUTION", regime: ndaa, subject: "sb", want: CAUTION, recs: stateSub},
		// Dates.
		{name: "2019-08-12: listed entity CLEAR, no findings", regime: ndaa, subject: "h", date: "2019-08-12", want: CLEAR, recs: early},
		{name: "2019-08-12: subsidiary CLEAR, no findings", regime: ndaa, subject: "s", date: "2019-08-12", want: CLEAR, recs: early},
		{name: "2019-08-13: listed entity EXPOSED", regime: ndaa, subject: "h", date: "2019-08-13", want: EXPOSED, recs: early},
		{name: "2019-08-13: subsidiary EXPOSED", regime: ndaa, subject: "s", date: "2019-08-13", want: EXPOSED, recs: early},
		{name: "control edge not yet valid", regime: ndaa, subject: "k", date: "2020-12-31", want: CLEAR,
			recs: []string{co("h", "k"), list(ndaa, "h"), ctl("h", "k", "from", "2021-01-01")}},
		{name: "control edge valid from its from day", regime: ndaa, subject: "k", date: "2021-01-01", want: EXPOSED,
			recs: []string{co("h", "k"), list(ndaa, "h"), ctl("h", "k", "from", "2021-01-01")}},
	})
}

func TestRuleFCCCovered(t *testing.T) {
	g := affiliateGroup(fcc)
	dated := []string{co("h", "s"), list(fcc, "h", "from", "2021-03-12"), own("h", "s", 100)}
	early := []string{co("h", "s"), list(fcc, "h", "from", "2018-01-01"), own("h", "s", 100)}
	state := []string{stateBody("sasac"), co("h", "o"), list(fcc, "h"), own("sasac", "h", 100), own("sasac", "o", 100)}
	runEntityCases(t, []entityCase{
		{name: "listing before its from: listed entity CLEAR", regime: fcc, subject: "h", date: "2021-03-11", want: CLEAR, recs: dated},
		{name: "listing before its from: subsidiary CLEAR", regime: fcc, subject: "s", date: "2021-03-11", want: CLEAR, recs: dated},
		{name: "listing on its from day: listed entity EXPOSED", regime: fcc, subject: "h", date: "2021-03-12", want: EXPOSED, recs: dated},
		{name: "listing on its from day: subsidiary EXPOSED", regime: fcc, subject: "s", date: "2021-03-12", want: EXPOSED, recs: dated,
			basis: "AFFILIATE"},
		{name: "v1.1: FCC applies from 2021-03-12, not before, whatever its listings", regime: fcc, subject: "s", date: "2021-03-11", want: CLEAR, recs: early},
		{name: "v1.1: FCC applies on 2021-03-12: an earlier listing catches", regime: fcc, subject: "s", date: "2021-03-12", want: EXPOSED, recs: early},
		{name: "sister company", regime: fcc, subject: "sis", want: EXPOSED, recs: g},
		{name: "ultimate parent", regime: fcc, subject: "gp", want: EXPOSED, recs: g},
		{name: "exactly 50% is not > 50%", regime: fcc, subject: "f", want: CLEAR, recs: g},
		{name: "state body controller is CAUTION", regime: fcc, subject: "sasac", want: CAUTION, recs: state},
		{name: "state body's other company is CAUTION", regime: fcc, subject: "o", want: CAUTION, recs: state},
	})
}
