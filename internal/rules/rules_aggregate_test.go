package rules

// Table tests of the ownership rules (CONTRACT.md section 3): OFAC SDN's 50% rule,
// CMIC (listed only), the BIS Affiliates Rule windows, the EU asset freeze, the UK
// per-person test, a user-defined aggregate regime and same_as links.

import (
	"testing"
)

func TestRuleOFACSDN(t *testing.T) {
	cases := []entityCase{
		{
			name: "listed entity itself", regime: sdn, subject: "x", want: EXPOSED,
			recs:  []string{co("x"), list(sdn, "x")},
			basis: "LISTED", listed: "x", path: []string{"listing x->US-OFAC-SDN"},
		},
		{
			name: "unrelated entity is clear", regime: sdn, subject: "a", want: CLEAR,
			recs: []string{co("x", "a"), list(sdn, "x")},
		},
		{
			name: "exactly 50% is caught (inclusive)", regime: sdn, subject: "a", want: EXPOSED,
			recs:  []string{co("x", "a"), list(sdn, "x"), own("x", "a", 50)},
			basis: "OWNERSHIP", agg: 50, listed: "x",
			path: []string{"ownership x->a", "listing x->US-OFAC-SDN"},
		},
		{
			name: "49.99% is clear", regime: sdn, subject: "a", want: CLEAR,
			recs: []string{co("x", "a"), list(sdn, "x"), own("x", "a", 49.99)},
		},
		{
			name: "two listed owners 30+20 aggregate to 50", regime: sdn, subject: "a", want: EXPOSED,
			recs:  []string{co("x", "y", "a"), list(sdn, "x"), list(sdn, "y"), own("x", "a", 30), own("y", "a", 20)},
			basis: "OWNERSHIP", agg: 50, listedIn: []string{"x", "y"},
		},
		{
			name: "two listed owners 30+19.99 stay below", regime: sdn, subject: "a", want: CLEAR,
			recs: []string{co("x", "y", "a"), list(sdn, "x"), list(sdn, "y"), own("x", "a", 30), own("y", "a", 19.99)},
		},
		{
			name: "fixed-point boundary: 33.333333 + 16.666667 is exactly 50", regime: sdn, subject: "a", want: EXPOSED,
			recs: []string{co("x", "y", "a"), list(sdn, "x"), list(sdn, "y"), own("x", "a", 33.333333), own("y", "a", 16.666667)},
		},
		{
			name: "three owners 16.7 + 16.7 + 16.6 is exactly 50", regime: sdn, subject: "a", want: EXPOSED,
			recs: []string{co("x", "y", "z", "a"), list(sdn, "x"), list(sdn, "y"), list(sdn, "z"),
				own("x", "a", 16.7), own("y", "a", 16.7), own("z", "a", 16.6)},
		},
		{
			name: "two stakes of the same owner add up", regime: sdn, subject: "a", want: EXPOSED,
			recs: []string{co("x", "a"), list(sdn, "x"), own("x", "a", 30, "from", "2010-01-01"), own("x", "a", 20, "from", "2015-01-01")},
			agg:  50,
		},
		{
			name: "unlisted co-owner does not count", regime: sdn, subject: "a", want: CLEAR,
			recs: []string{co("x", "p", "a"), list(sdn, "x"), own("x", "a", 30), own("p", "a", 40)},
		},
		{
			name: "owner of a listed entity is not caught", regime: sdn, subject: "p", want: CLEAR,
			recs: []string{co("x", "p"), list(sdn, "x"), own("p", "x", 100)},
		},
		{
			name: "listing of another regime does not count", regime: sdn, subject: "a", want: CLEAR,
			recs: []string{co("x", "a"), list(cmic, "x"), own("x", "a", 100)},
		},
		// OFAC's own examples (FAQ 401).
		{
			name: "OFAC example 1: A, 50% owned by X, is blocked", regime: sdn, subject: "a", want: EXPOSED,
			recs: []string{co("x", "a", "b"), list(sdn, "x"), own("x", "a", 50), own("a", "b", 50)},
		},
		{
			name: "OFAC example 1: B, 50% owned by blocked A, is blocked", regime: sdn, subject: "b", want: EXPOSED,
			recs:  []string{co("x", "a", "b"), list(sdn, "x"), own("x", "a", 50), own("a", "b", 50)},
			basis: "OWNERSHIP", agg: 50, listed: "x",
			path: []string{"ownership a->b", "ownership x->a", "listing x->US-OFAC-SDN"},
		},
		{
			name: "OFAC example 2: A (25%) is not blocked", regime: sdn, subject: "a", want: CLEAR,
			recs: []string{co("x", "a", "b", "c"), list(sdn, "x"), own("x", "a", 25), own("x", "b", 25), own("a", "c", 50), own("b", "c", 50)},
		},
		{
			name: "OFAC example 2: C, owned by two unblocked companies, is not blocked", regime: sdn, subject: "c", want: CLEAR,
			recs: []string{co("x", "a", "b", "c"), list(sdn, "x"), own("x", "a", 25), own("x", "b", 25), own("a", "c", 50), own("b", "c", 50)},
		},
		{
			name: "chain is never multiplied: 60% of a caught owner counts whole", regime: sdn, subject: "c", want: EXPOSED,
			// Multiplying would give 0.6*30 + 20 = 38; the rule sums direct edges from caught owners: 30 + 20.
			recs:  []string{co("x", "a", "c"), list(sdn, "x"), own("x", "a", 60), own("a", "c", 30), own("x", "c", 20)},
			basis: "OWNERSHIP", agg: 50,
		},
		{
			name: "chain is never multiplied: 51% of 51% is caught", regime: sdn, subject: "b", want: EXPOSED,
			recs: []string{co("x", "a", "b"), list(sdn, "x"), own("x", "a", 51), own("a", "b", 51)},
		},
		{
			name: "indirect minority is not caught", regime: sdn, subject: "b", want: CLEAR,
			recs: []string{co("x", "a", "b"), list(sdn, "x"), own("x", "a", 40), own("a", "b", 100)},
		},
		// Cross-holdings must terminate with the least fixpoint.
		{
			name: "cross-holding A<->B 60%, listed X owns 50% of A: A caught", regime: sdn, subject: "a", want: EXPOSED,
			recs: []string{co("x", "a", "b"), list(sdn, "x"), own("a", "b", 60), own("b", "a", 60), own("x", "a", 50)},
		},
		{
			name: "cross-holding A<->B 60%, listed X owns 50% of A: B caught", regime: sdn, subject: "b", want: EXPOSED,
			recs:  []string{co("x", "a", "b"), list(sdn, "x"), own("a", "b", 60), own("b", "a", 60), own("x", "a", 50)},
			basis: "OWNERSHIP", agg: 60,
			path: []string{"ownership a->b", "ownership x->a", "listing x->US-OFAC-SDN"},
		},
		{
			name: "cross-holding A<->B 60%, listed X owns 40% of A and B: neither caught", regime: sdn, subject: "a", want: CLEAR,
			recs: []string{co("x", "a", "b"), list(sdn, "x"), own("a", "b", 60), own("b", "a", 60), own("x", "a", 40), own("x", "b", 40)},
		},
		{
			name: "cross-holding A<->B 60%, listed X owns 40% of A and B: B not caught either", regime: sdn, subject: "b", want: CLEAR,
			recs: []string{co("x", "a", "b"), list(sdn, "x"), own("a", "b", 60), own("b", "a", 60), own("x", "a", 40), own("x", "b", 40)},
		},
		{
			name: "three-cycle with an entry point terminates", regime: sdn, subject: "c", want: EXPOSED,
			recs: []string{co("x", "a", "b", "c"), list(sdn, "x"), own("x", "a", 50), own("a", "b", 50), own("b", "c", 50), own("c", "a", 50)},
		},
		// Control: CAUTION, not propagated.
		{
			name: "control edge only gives CAUTION", regime: sdn, subject: "c", want: CAUTION,
			recs:  []string{co("x", "c"), list(sdn, "x"), ctl("x", "c")},
			basis: "CONTROL", listed: "x",
			path: []string{"control x->c", "listing x->US-OFAC-SDN"},
		},
		{
			name: "100% owned by a CAUTION entity stays CLEAR", regime: sdn, subject: "d", want: CLEAR,
			recs: []string{co("x", "c", "d"), list(sdn, "x"), ctl("x", "c"), own("c", "d", 100)},
		},
		{
			name: "controlled by a CAUTION entity stays CLEAR", regime: sdn, subject: "d", want: CLEAR,
			recs: []string{co("x", "c", "d"), list(sdn, "x"), ctl("x", "c"), ctl("c", "d")},
		},
		{
			name: "unknown stake held by a CAUTION entity stays CLEAR", regime: sdn, subject: "d", want: CLEAR,
			recs: []string{co("x", "c", "d"), list(sdn, "x"), ctl("x", "c"), ownU("c", "d")},
		},
		{
			name: "a CAUTION entity's stake does not add to a listed owner's", regime: sdn, subject: "d", want: CLEAR,
			recs: []string{co("x", "c", "d"), list(sdn, "x"), ctl("x", "c"), own("c", "d", 30), own("x", "d", 20)},
		},
		{
			name: "controlled and POSSIBLY owned: POSSIBLE wins over CAUTION", regime: sdn, subject: "a", want: POSSIBLE,
			recs: []string{co("x", "a"), list(sdn, "x"), ownU("x", "a"), ctl("x", "a")},
		},
		{
			name: "control edge from a caught (owned) entity gives CAUTION", regime: sdn, subject: "c", want: CAUTION,
			recs: []string{co("x", "a", "c"), list(sdn, "x"), own("x", "a", 100), ctl("a", "c")},
			path: []string{"control a->c", "ownership x->a", "listing x->US-OFAC-SDN"},
		},
		{
			name: "control edge from a POSSIBLE entity gives CAUTION", regime: sdn, subject: "c", want: CAUTION,
			recs: []string{co("x", "a", "c"), list(sdn, "x"), ownR("x", "a", 40, 60), ctl("a", "c")},
		},
		{
			name: "owned and controlled: EXPOSED wins over CAUTION", regime: sdn, subject: "a", want: EXPOSED,
			recs: []string{co("x", "a"), list(sdn, "x"), own("x", "a", 60), ctl("x", "a")},
		},
		// Percent ranges and unknown percent.
		{
			name: "range whose lower bound reaches 50 is EXPOSED", regime: sdn, subject: "a", want: EXPOSED,
			recs: []string{co("x", "a"), list(sdn, "x"), ownR("x", "a", 50, 75)},
		},
		{
			name: "range whose upper bound only reaches 50 is POSSIBLE", regime: sdn, subject: "a", want: POSSIBLE,
			recs:  []string{co("x", "a"), list(sdn, "x"), ownR("x", "a", 25, 50)},
			basis: "OWNERSHIP", agg: 50,
		},
		{
			name: "range entirely below 50 is CLEAR", regime: sdn, subject: "a", want: CLEAR,
			recs: []string{co("x", "a"), list(sdn, "x"), ownR("x", "a", 10, 49.99)},
		},
		{
			name: "unknown percent (0..100) is POSSIBLE", regime: sdn, subject: "a", want: POSSIBLE,
			recs: []string{co("x", "a"), list(sdn, "x"), ownU("x", "a")},
		},
		{
			name: "percentMin alone (upper bound unknown = 100) is POSSIBLE", regime: sdn, subject: "a", want: POSSIBLE,
			recs: []string{co("x", "a"), list(sdn, "x"), rec("ownership", "owner", "x", "owned", "a", "percentMin", 30)},
		},
		{
			name: "percentMin alone reaching 50 is EXPOSED", regime: sdn, subject: "a", want: EXPOSED,
			recs: []string{co("x", "a"), list(sdn, "x"), rec("ownership", "owner", "x", "owned", "a", "percentMin", 50)},
		},
		{
			name: "percentMax alone below 50 is CLEAR", regime: sdn, subject: "a", want: CLEAR,
			recs: []string{co("x", "a"), list(sdn, "x"), rec("ownership", "owner", "x", "owned", "a", "percentMax", 40)},
		},
		{
			name: "percentMax alone reaching 50 is POSSIBLE", regime: sdn, subject: "a", want: POSSIBLE,
			recs: []string{co("x", "a"), list(sdn, "x"), rec("ownership", "owner", "x", "owned", "a", "percentMax", 50)},
		},
		{
			name: "POSSIBLE propagates down a chain", regime: sdn, subject: "c", want: POSSIBLE,
			recs: []string{co("x", "a", "b", "c"), list(sdn, "x"), ownR("x", "a", 30, 60), own("a", "b", 100), own("b", "c", 50)},
			path: []string{"ownership b->c", "ownership a->b", "ownership x->a", "listing x->US-OFAC-SDN"},
		},
		{
			name: "POSSIBLE fixpoint is seeded with EXPOSED: exact 30 + upper 20", regime: sdn, subject: "c", want: POSSIBLE,
			recs: []string{co("x", "a", "c"), list(sdn, "x"), ownU("x", "a"), own("x", "c", 30), own("a", "c", 20)},
		},
		{
			name: "exact 30 plus a range 10..25 from another listed owner is POSSIBLE", regime: sdn, subject: "c", want: POSSIBLE,
			recs: []string{co("x", "y", "c"), list(sdn, "x"), list(sdn, "y"), own("x", "c", 30), ownR("y", "c", 10, 25)},
		},
		{
			name: "exact 30 plus a range 20..25 from another listed owner is EXPOSED", regime: sdn, subject: "c", want: EXPOSED,
			recs: []string{co("x", "y", "c"), list(sdn, "x"), list(sdn, "y"), own("x", "c", 30), ownR("y", "c", 20, 25)},
		},
		// Dates: from inclusive, to exclusive.
		{
			name: "listing holds on its from day", regime: sdn, subject: "x", date: "2020-01-01", want: EXPOSED,
			recs: []string{co("x"), list(sdn, "x", "from", "2020-01-01", "to", "2022-06-01")},
		},
		{
			name: "listing does not hold the day before its from", regime: sdn, subject: "x", date: "2019-12-31", want: CLEAR,
			recs: []string{co("x"), list(sdn, "x", "from", "2020-01-01", "to", "2022-06-01")},
		},
		{
			name: "listing holds the day before its to", regime: sdn, subject: "x", date: "2022-05-31", want: EXPOSED,
			recs: []string{co("x"), list(sdn, "x", "from", "2020-01-01", "to", "2022-06-01")},
		},
		{
			name: "listing does not hold on its to day", regime: sdn, subject: "x", date: "2022-06-01", want: CLEAR,
			recs: []string{co("x"), list(sdn, "x", "from", "2020-01-01", "to", "2022-06-01")},
		},
		{
			name: "subsidiary clear once the listing ended", regime: sdn, subject: "a", date: "2022-06-01", want: CLEAR,
			recs: []string{co("x", "a"), list(sdn, "x", "from", "2020-01-01", "to", "2022-06-01"), own("x", "a", 70)},
		},
		{
			name: "ownership edge holds on its from day", regime: sdn, subject: "a", date: "2021-03-01", want: EXPOSED,
			recs: []string{co("x", "a"), list(sdn, "x"), own("x", "a", 60, "from", "2021-03-01", "to", "2021-09-01")},
		},
		{
			name: "ownership edge does not hold the day before its from", regime: sdn, subject: "a", date: "2021-02-28", want: CLEAR,
			recs: []string{co("x", "a"), list(sdn, "x"), own("x", "a", 60, "from", "2021-03-01", "to", "2021-09-01")},
		},
		{
			name: "ownership edge does not hold on its to day", regime: sdn, subject: "a", date: "2021-09-01", want: CLEAR,
			recs: []string{co("x", "a"), list(sdn, "x"), own("x", "a", 60, "from", "2021-03-01", "to", "2021-09-01")},
		},
		{
			name: "control edge does not hold on its to day", regime: sdn, subject: "c", date: "2021-09-01", want: CLEAR,
			recs: []string{co("x", "c"), list(sdn, "x"), ctl("x", "c", "to", "2021-09-01")},
		},
		{
			name: "two successive stakes: only the valid one counts", regime: sdn, subject: "a", date: "2021-06-01", want: CLEAR,
			recs: []string{co("x", "a"), list(sdn, "x"),
				own("x", "a", 30, "from", "2020-01-01", "to", "2021-01-01"),
				own("x", "a", 40, "from", "2021-01-01")},
		},
	}
	runEntityCases(t, cases)
}

func TestRuleOFACCMIC(t *testing.T) {
	recs := []string{co("x", "a", "c"), list(cmic, "x"), own("x", "a", 100), ctl("x", "c")}
	runEntityCases(t, []entityCase{
		{name: "listed", regime: cmic, subject: "x", want: EXPOSED, recs: recs, basis: "LISTED", path: []string{"listing x->US-OFAC-CMIC"}},
		{name: "100% subsidiary stays clear", regime: cmic, subject: "a", want: CLEAR, recs: recs},
		{name: "controlled entity stays clear", regime: cmic, subject: "c", want: CLEAR, recs: recs},
	})
}

func TestRuleBISEntityAffiliatesWindows(t *testing.T) {
	recs := []string{co("x", "a", "c", "h", "l"), list(bis, "x", "from", "2020-01-01"),
		own("x", "a", 100), ctl("x", "c"), own("x", "h", 50), own("x", "l", 49.99)}
	runEntityCases(t, []entityCase{
		{name: "2025-09-28 listed only: listed entity", regime: bis, subject: "x", date: "2025-09-28", want: EXPOSED, recs: recs, basis: "LISTED"},
		{name: "2025-09-28 listed only: subsidiary clear", regime: bis, subject: "a", date: "2025-09-28", want: CLEAR, recs: recs},
		{name: "2025-09-29 subsidiary caught", regime: bis, subject: "a", date: "2025-09-29", want: EXPOSED, recs: recs, basis: "OWNERSHIP", agg: 100},
		{name: "2025-11-09 subsidiary caught", regime: bis, subject: "a", date: "2025-11-09", want: EXPOSED, recs: recs},
		{name: "2025-11-10 listed only: subsidiary clear", regime: bis, subject: "a", date: "2025-11-10", want: CLEAR, recs: recs},
		{name: "2025-11-10 listed only: listed entity", regime: bis, subject: "x", date: "2025-11-10", want: EXPOSED, recs: recs},
		{name: "2026-11-09 listed only: subsidiary clear", regime: bis, subject: "a", date: "2026-11-09", want: CLEAR, recs: recs},
		{name: "2026-11-10 subsidiary caught", regime: bis, subject: "a", date: "2026-11-10", want: EXPOSED, recs: recs},
		{name: "2030-01-01 subsidiary caught", regime: bis, subject: "a", date: "2030-01-01", want: EXPOSED, recs: recs},
		{name: "in force: exactly 50% caught", regime: bis, subject: "h", date: "2025-10-15", want: EXPOSED, recs: recs},
		{name: "in force: 49.99% clear", regime: bis, subject: "l", date: "2025-10-15", want: CLEAR, recs: recs},
		{name: "in force: control gives CAUTION", regime: bis, subject: "c", date: "2025-10-15", want: CAUTION, recs: recs, basis: "CONTROL"},
		{name: "not in force: control gives nothing", regime: bis, subject: "c", date: "2025-12-01", want: CLEAR, recs: recs},
	})
}

func TestRuleEUAssetFreeze(t *testing.T) {
	half := []string{co("x", "a"), list(eu, "x"), own("x", "a", 50)}
	split := []string{co("x", "y", "a"), list(eu, "x"), list(eu, "y"), own("x", "a", 30), own("y", "a", 20)}
	ctlChain := []string{co("x", "c", "d", "e"), list(eu, "x"), ctl("x", "c"), ctl("c", "d"), own("d", "e", 100)}
	runEntityCases(t, []entityCase{
		{name: "exactly 50% on 2024-07-02 is not caught (strict)", regime: eu, subject: "a", date: "2024-07-02", want: CLEAR, recs: half},
		{name: "exactly 50% on 2024-07-03 is caught", regime: eu, subject: "a", date: "2024-07-03", want: EXPOSED, recs: half, basis: "OWNERSHIP", agg: 50},
		{name: "50.01% on 2024-07-02 is caught", regime: eu, subject: "a", date: "2024-07-02", want: EXPOSED,
			recs: []string{co("x", "a"), list(eu, "x"), own("x", "a", 50.01)}},
		{name: "30+20 aggregate on 2024-07-02 is not caught", regime: eu, subject: "a", date: "2024-07-02", want: CLEAR, recs: split},
		{name: "30+20 aggregate on 2024-07-03 is caught", regime: eu, subject: "a", date: "2024-07-03", want: EXPOSED, recs: split, agg: 50},
		{name: "range 50..60 on 2024-07-02: only the upper bound is > 50: POSSIBLE", regime: eu, subject: "a", date: "2024-07-02", want: POSSIBLE,
			recs: []string{co("x", "a"), list(eu, "x"), ownR("x", "a", 50, 60)}},
		{name: "range 50..60 on 2024-07-03: EXPOSED", regime: eu, subject: "a", date: "2024-07-03", want: EXPOSED,
			recs: []string{co("x", "a"), list(eu, "x"), ownR("x", "a", 50, 60)}},
		{name: "control edge from listed entity catches", regime: eu, subject: "c", want: EXPOSED, recs: ctlChain,
			basis: "CONTROL", path: []string{"control x->c", "listing x->EU-ASSET-FREEZE"}},
		{name: "control is recursive: controlled by a controlled entity", regime: eu, subject: "d", want: EXPOSED, recs: ctlChain,
			basis: "CONTROL", path: []string{"control c->d", "control x->c", "listing x->EU-ASSET-FREEZE"}},
		{name: "ownership by an entity caught through control", regime: eu, subject: "e", want: EXPOSED, recs: ctlChain,
			basis: "OWNERSHIP", path: []string{"ownership d->e", "control c->d", "control x->c", "listing x->EU-ASSET-FREEZE"}},
		{name: "control edge from an owned (caught) entity catches", regime: eu, subject: "c", want: EXPOSED,
			recs: []string{co("x", "a", "c"), list(eu, "x"), own("x", "a", 60), ctl("a", "c")}},
		{name: "control edge from a POSSIBLE entity is POSSIBLE", regime: eu, subject: "c", want: POSSIBLE,
			recs: []string{co("x", "a", "c"), list(eu, "x"), ownU("x", "a"), ctl("a", "c")}},
		{name: "control edge towards the listed entity catches nothing", regime: eu, subject: "p", want: CLEAR,
			recs: []string{co("x", "p"), list(eu, "x"), ctl("p", "x")}},
	})
}

func TestRuleUKOFSI(t *testing.T) {
	fiftyFifty := []string{person("p1", "p2"), co("t"), list(uk, "p1"), list(uk, "p2"), list(sdn, "p1"), list(sdn, "p2"),
		list(eu, "p1"), list(eu, "p2"), own("p1", "t", 50), own("p2", "t", 50)}
	viaSub := func(sPct float64) []string {
		return []string{person("p"), co("s", "t"), list(uk, "p"), own("p", "t", 30), own("p", "s", 100), own("s", "t", sPct)}
	}
	runEntityCases(t, []entityCase{
		{name: "50/50 between two designated persons: UK does not catch", regime: uk, subject: "t", want: CLEAR, recs: fiftyFifty},
		{name: "50/50 between two designated persons: OFAC catches", regime: sdn, subject: "t", want: EXPOSED, recs: fiftyFifty},
		{name: "50/50 between two designated persons: EU catches", regime: eu, subject: "t", want: EXPOSED, recs: fiftyFifty},
		{name: "one person 51% is caught", regime: uk, subject: "t", want: EXPOSED,
			recs:  []string{person("p"), co("t"), list(uk, "p"), own("p", "t", 51)},
			basis: "OWNERSHIP", agg: 51, listed: "p", path: []string{"ownership p->t", "listing p->UK-OFSI"}},
		{name: "one person exactly 50% is not caught (strict)", regime: uk, subject: "t", want: CLEAR,
			recs: []string{person("p"), co("t"), list(uk, "p"), own("p", "t", 50)}},
		{name: "P 30% direct + his 100% subsidiary 21% adds up to 51", regime: uk, subject: "t", want: EXPOSED, recs: viaSub(21),
			basis: "OWNERSHIP", agg: 51, listed: "p", path: []string{"ownership p->t", "listing p->UK-OFSI"}},
		{name: "P 30% direct + his 100% subsidiary 20% is only 50", regime: uk, subject: "t", want: CLEAR, recs: viaSub(20)},
		{name: "P's 100% subsidiary is caught", regime: uk, subject: "s", want: EXPOSED, recs: viaSub(21)},
		{name: "two caught companies of the same person add up", regime: uk, subject: "t", want: EXPOSED,
			recs: []string{person("p"), co("s1", "s2", "t"), list(uk, "p"), own("p", "s1", 100), own("p", "s2", 60),
				own("s1", "t", 26), own("s2", "t", 25)}},
		{name: "companies caught through different persons never add up", regime: uk, subject: "t", want: CLEAR,
			recs: []string{person("p1", "p2"), co("s1", "t"), list(uk, "p1"), list(uk, "p2"),
				own("p1", "s1", 100), own("s1", "t", 30), own("p2", "t", 25)}},
		{name: "a designated company minority-owned by another designated person: no aggregation", regime: uk, subject: "t", want: CLEAR,
			recs: []string{person("p"), co("s", "t"), list(uk, "p"), list(uk, "s"),
				own("p", "s", 10), own("p", "t", 30), own("s", "t", 21)}},
		{name: "a designated company caught through another designated person: aggregation", regime: uk, subject: "t", want: EXPOSED,
			recs: []string{person("p"), co("s", "t"), list(uk, "p"), list(uk, "s"),
				own("p", "s", 60), own("p", "t", 30), own("s", "t", 21)}},
		{name: "control by the person catches", regime: uk, subject: "t", want: EXPOSED,
			recs:  []string{person("p"), co("t"), list(uk, "p"), ctl("p", "t")},
			basis: "CONTROL", path: []string{"control p->t", "listing p->UK-OFSI"}},
		{name: "control by one of his caught companies catches", regime: uk, subject: "t", want: EXPOSED,
			recs: []string{person("p"), co("s", "t"), list(uk, "p"), own("p", "s", 100), ctl("s", "t")},
			path: []string{"control s->t", "ownership p->s", "listing p->UK-OFSI"}},
		{name: "recursive: majority of a majority-owned company", regime: uk, subject: "u", want: EXPOSED,
			recs: []string{person("p"), co("s", "t", "u"), list(uk, "p"), own("p", "s", 51), own("s", "t", 51), own("t", "u", 51)}},
		{name: "range whose upper bound only exceeds 50 is POSSIBLE", regime: uk, subject: "t", want: POSSIBLE,
			recs: []string{person("p"), co("t"), list(uk, "p"), ownR("p", "t", 40, 60)}},
		{name: "range whose lower bound exceeds 50 is EXPOSED", regime: uk, subject: "t", want: EXPOSED,
			recs: []string{person("p"), co("t"), list(uk, "p"), ownR("p", "t", 50.5, 60)}},
	})
}

func TestRuleCustomRegime(t *testing.T) {
	acme, err := ParseSpec([]byte(`{"id":"ACME-BLOCKED","name":"Acme blocked vendors","rule":"aggregate","thresholds":[{"percent":25,"inclusive":true}],"control":"caution"}`))
	if err != nil {
		t.Fatal(err)
	}
	const id = "ACME-BLOCKED"
	runEntityCases(t, []entityCase{
		{name: "listed", regime: id, subject: "x", want: EXPOSED,
			recs: []string{co("x"), list(id, "x")}, path: []string{"listing x->ACME-BLOCKED"}},
		{name: "25% caught (inclusive)", regime: id, subject: "a", want: EXPOSED,
			recs: []string{co("x", "a"), list(id, "x"), own("x", "a", 25)}, basis: "OWNERSHIP", agg: 25},
		{name: "24.9% clear", regime: id, subject: "a", want: CLEAR,
			recs: []string{co("x", "a"), list(id, "x"), own("x", "a", 24.9)}},
		{name: "recursive: 25% of a 25%-owned company", regime: id, subject: "b", want: EXPOSED,
			recs: []string{co("x", "a", "b"), list(id, "x"), own("x", "a", 25), own("a", "b", 25)}},
		{name: "control gives CAUTION", regime: id, subject: "c", want: CAUTION,
			recs: []string{co("x", "c"), list(id, "x"), ctl("x", "c")}},
		{name: "a built-in regime ignores the custom listing", regime: sdn, subject: "x", want: CLEAR,
			recs: []string{co("x"), list(id, "x")}},
	}, acme)
}

func TestRuleSameAs(t *testing.T) {
	runEntityCases(t, []entityCase{
		{name: "same_as a listed entity is EXPOSED with a same_as hop", regime: sdn, subject: "x2", want: EXPOSED,
			recs:   []string{co("x", "x2"), list(sdn, "x"), same("x2", "x")},
			listed: "x", hasHop: "same_as x->x2"},
		{name: "same_as in the other order", regime: sdn, subject: "x2", want: EXPOSED,
			recs:   []string{co("x", "x2"), list(sdn, "x"), same("x", "x2")},
			listed: "x", hasHop: "same_as x->x2"},
		{name: "record owned by the same_as twin of a listed entity", regime: sdn, subject: "a", want: EXPOSED,
			recs:   []string{co("x", "x2", "a"), list(sdn, "x"), same("x", "x2"), own("x2", "a", 60)},
			listed: "x", hasHop: "same_as x->x2"},
		{name: "same_as under the affiliate rule", regime: ndaa, subject: "x2", want: EXPOSED,
			recs:   []string{co("x", "x2"), list(ndaa, "x"), same("x", "x2")},
			listed: "x", hasHop: "same_as x->x2"},
	})
}
