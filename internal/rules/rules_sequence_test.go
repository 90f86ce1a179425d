package rules

// One engine answers many questions (the server keeps one per snapshot): its
// answers must not depend on the order in which days are asked. These tables run a
// sequence of screenings on one engine and check each answer against the contract.

import (
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
)

// query is one screening of a sequence; product is true to screen a product.
type query struct {
	product bool
	subject string
	date    string
	regime  string
	want    model.Verdict
}

func TestEngineAnswersDoNotDependOnOrder(t *testing.T) {
	// h is listed under 889 (applies from 2019-08-13) with a subsidiary s; product p
	// is made by h and has an unsourced component q. No fact of the data carries a
	// date, so 2019-08-12 and 2019-08-13 differ only by the regime's own start.
	ndaaData := []string{co("h", "s"), list(ndaa, "h"), own("h", "s", 100),
		prod("p", ""), prod("q", ""), comp("p", "q"), src("p", "h"), prod("g", "")}
	// EU 50% threshold change on 2024-07-03, BIS rule window from 2025-09-29.
	euData := []string{co("x", "a"), list(eu, "x"), list(bis, "x"), own("x", "a", 50)}
	tests := []struct {
		name    string
		recs    []string
		queries []query
	}{
		{name: "889 entity: after then before 2019-08-13", recs: ndaaData, queries: []query{
			{subject: "s", date: "2019-08-13", regime: ndaa, want: EXPOSED},
			{subject: "s", date: "2019-08-12", regime: ndaa, want: CLEAR},
			{subject: "h", date: "2019-08-12", regime: ndaa, want: CLEAR},
		}},
		{name: "889 entity: before then after 2019-08-13", recs: ndaaData, queries: []query{
			{subject: "h", date: "2019-08-12", regime: ndaa, want: CLEAR},
			{subject: "h", date: "2019-08-13", regime: ndaa, want: EXPOSED},
			{subject: "s", date: "2019-08-13", regime: ndaa, want: EXPOSED},
		}},
		{name: "889 product with a gap: after then before 2019-08-13", recs: ndaaData, queries: []query{
			{product: true, subject: "g", date: "2019-08-13", regime: ndaa, want: UNKNOWN},
			{product: true, subject: "g", date: "2019-08-12", regime: ndaa, want: CLEAR},
		}},
		{name: "889 product with a gap: before then after 2019-08-13", recs: ndaaData, queries: []query{
			{product: true, subject: "p", date: "2019-08-12", regime: ndaa, want: CLEAR},
			{product: true, subject: "p", date: "2019-08-13", regime: ndaa, want: EXPOSED},
			{product: true, subject: "g", date: "2019-08-13", regime: ndaa, want: UNKNOWN},
		}},
		{name: "EU threshold change, both orders", recs: euData, queries: []query{
			{subject: "a", date: "2024-07-03", regime: eu, want: EXPOSED},
			{subject: "a", date: "2024-07-02", regime: eu, want: CLEAR},
			{subject: "a", date: "2024-07-03", regime: eu, want: EXPOSED},
		}},
		{name: "BIS rule window, both orders", recs: euData, queries: []query{
			{subject: "a", date: "2025-09-29", regime: bis, want: EXPOSED},
			{subject: "a", date: "2025-09-28", regime: bis, want: CLEAR},
			{subject: "a", date: "2025-11-10", regime: bis, want: CLEAR},
			{subject: "a", date: "2025-11-09", regime: bis, want: EXPOSED},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := engineFor(t, lines(tt.recs...))
			for i, q := range tt.queries {
				r := regimeOf(t, eng, q.regime)
				var got *Screening
				var err error
				if q.product {
					got, err = eng.ScreenProduct(q.subject, day(q.date), []*Regime{r})
				} else {
					got, err = eng.ScreenEntity(q.subject, day(q.date), []*Regime{r})
				}
				if err != nil {
					t.Fatal(err)
				}
				res := got.Results[0]
				if res.Verdict != q.want {
					t.Errorf("query %d: %s %s on %s: %s, want %s (findings %s)", i+1, q.regime, q.subject, q.date, res.Verdict, q.want, describe(res.Findings))
				}
				if q.want == CLEAR && len(res.Findings) != 0 {
					t.Errorf("query %d: CLEAR with findings %s", i+1, describe(res.Findings))
				}
			}
		})
	}
}
