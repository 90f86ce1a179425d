// Package e2e is the end-to-end suite every store passes, with no skips: native
// JSONL ingested through the loader into a store (failed runs, references,
// strict runs), then projected and screened (the worked scenarios, time-filtered
// reads). The store contract on its own is package storetest.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/scenario"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

// Run runs the whole suite against stores from open.
func Run(t *testing.T, open storetest.Opener) {
	storetest.RunCases(t, open, []storetest.Case{
		{Name: "IngestIsIdempotent", Fn: testIngestIdempotent},
		{Name: "IngestDeletes", Fn: testIngestDelete},
		{Name: "FailedIngestWritesNothing", Fn: testFailedIngest},
		{Name: "DanglingReferences", Fn: testDangling},
		{Name: "Scenarios", Fn: testScenarios},
		{Name: "TimeFilteredReads", Fn: testTimeFiltered},
	})
}

// Ingest loads native JSONL text into st in one run.
func Ingest(t testing.TB, st store.Store, jsonl string, opt load.Options) (load.Summary, error) {
	t.Helper()
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	src := native.NewReader("test.jsonl", strings.NewReader(jsonl), set.Has)
	return load.Run(context.Background(), st, []ingest.Source{src}, opt)
}

func mustIngest(t *testing.T, st store.Store, jsonl string) load.Summary {
	t.Helper()
	sum, err := Ingest(t, st, jsonl, load.Options{})
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return sum
}

const everyKind = `{"kind":"entity","id":"e1","name":"Example One Co., Ltd.","type":"company","country":"cn","aliases":["EXAMPLE ONE","例一"],"identifiers":{"lei":"5493001KJTIIGC8Y1R12","uscc":"91440300"},"source":"test"}
{"kind":"entity","id":"e2","name":"Two","type":"state_body"}
{"kind":"entity","id":"e3","name":"Three","type":"person"}
{"kind":"ownership","owner":"e1","owned":"e3","percent":12.5,"from":"2020-01-01","to":"2021-01-01","source":"s-own"}
{"kind":"ownership","owner":"e2","owned":"e3","percentMin":25,"percentMax":50}
{"kind":"ownership","owner":"e3","owned":"e1"}
{"kind":"control","controller":"e2","controlled":"e1","basis":"board"}
{"kind":"product","id":"p1","name":"Router","category":"telecom","identifiers":{"purl":"pkg:generic/router@1"}}
{"kind":"product","id":"p2","name":"Chip"}
{"kind":"component","parent":"p1","child":"p2","quantity":2,"essential":false}
{"kind":"sourcing","product":"p2","entity":"e1","role":"supplier"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"e2","reference":"FR 1","categories":["telecom"],"from":"2019-01-01"}
{"kind":"same_as","a":"e3","b":"e1","reason":"checked by hand"}
`

func parseAll(t *testing.T, jsonl string) []*model.Record {
	t.Helper()
	rd := native.NewReader("x", strings.NewReader(jsonl), nil)
	var out []*model.Record
	for {
		var op ingest.Op
		err := rd.Next(&op)
		if err != nil {
			break
		}
		r := op.Record
		out = append(out, &r)
	}
	return out
}

func testFailedIngest(t *testing.T, st store.Store) {
	mustIngest(t, st, `{"kind":"entity","id":"base","name":"Base"}`)
	before := storetest.All(t, st)
	for name, bad := range map[string]string{
		"percent": `{"kind":"entity","id":"ok","name":"Ok"}` + "\n" + `{"kind":"ownership","owner":"ok","owned":"base","percent":150}`,
		"json":    `{"kind":"entity","id":"ok","name":"Ok"}` + "\n" + `{"kind":"entity", "id": `,
		"kind":    `{"kind":"entity","id":"ok","name":"Ok"}` + "\n" + `{"kind":"shareholding","owner":"a","owned":"b"}`,
		"dates":   `{"kind":"entity","id":"ok","name":"Ok"}` + "\n" + `{"kind":"listing","regime":"US-OFAC-SDN","entity":"ok","from":"2020-01-01","to":"2019-01-01"}`,
		"regime":  `{"kind":"entity","id":"ok","name":"Ok"}` + "\n" + `{"kind":"listing","regime":"NO-SUCH","entity":"ok"}`,
		"missing": `{"kind":"entity","id":"ok","name":"Ok"}` + "\n" + `{"kind":"entity","name":"No id"}`,
	} {
		_, err := Ingest(t, st, bad, load.Options{})
		var le *ingest.LineError
		if !errors.As(err, &le) || le.Line != 2 {
			t.Errorf("%s: error %v, want one naming line 2", name, err)
		}
		if diff := cmp.Diff(before, storetest.All(t, st)); diff != "" {
			t.Errorf("%s: a failed run wrote:\n%s", name, diff)
		}
	}
	// With SkipInvalid, the valid records are written and the bad one reported.
	sum, err := Ingest(t, st, `{"kind":"entity","id":"ok","name":"Ok"}`+"\n"+`{"kind":"entity","name":"No id"}`, load.Options{SkipInvalid: true})
	if err != nil || sum.Rejected != 1 || sum.Written != 1 || len(sum.Rejections) != 1 || sum.Rejections[0].Line != 2 {
		t.Errorf("skip-invalid: %+v, %v", sum, err)
	}
}

func testDangling(t *testing.T, st store.Store) {
	sum := mustIngest(t, st, `{"kind":"ownership","owner":"a","owned":"b","percent":10}
{"kind":"entity","id":"a","name":"A"}
{"kind":"sourcing","product":"p","entity":"a"}
{"kind":"sourcing","product":"p","entity":"b"}`)
	// b twice, p twice: references in any order, a is defined later in the run.
	if sum.Dangling != 4 {
		t.Errorf("dangling %d (%v), want 4", sum.Dangling, sum.DanglingIDs)
	}
	sum = mustIngest(t, st, `{"kind":"entity","id":"b","name":"B"}
{"kind":"ownership","owner":"a","owned":"b","percent":10}`)
	if sum.Dangling != 0 {
		t.Errorf("ids defined in an earlier run count as defined: dangling %d", sum.Dangling)
	}
	before := storetest.All(t, st)
	_, err := Ingest(t, st, `{"kind":"control","controller":"a","controlled":"zz"}`, load.Options{Strict: true})
	if !errors.Is(err, load.ErrDangling) {
		t.Errorf("strict run with a dangling reference: %v", err)
	}
	if diff := cmp.Diff(before, storetest.All(t, st)); diff != "" {
		t.Errorf("a failed strict run wrote:\n%s", diff)
	}
}

// Engine builds a rule engine over everything in st.
func Engine(t testing.TB, st store.Store) *rules.Engine {
	t.Helper()
	ctx := context.Background()
	v, err := st.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := projection.Build(v, func(fn func(*model.Record) error) error { _, err := st.Scan(ctx, fn); return err })
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return rules.NewEngine(snap, set)
}

func testScenarios(t *testing.T, st store.Store) {
	scs, err := scenario.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scs {
		if err := st.Wipe(context.Background()); err != nil {
			t.Fatal(err)
		}
		mustIngest(t, st, string(sc.JSONL))
		mustIngest(t, st, string(sc.JSONL))
		eng := Engine(t, st)
		for _, c := range sc.Cases {
			r := eng.Regimes().Get(c.Regime)
			d := model.MustDate(c.AsOf)
			var got *rules.Screening
			if c.Screen == "product" {
				got, err = eng.ScreenProduct(c.ID, d, []*rules.Regime{r})
			} else {
				got, err = eng.ScreenEntity(c.ID, d, []*rules.Regime{r})
			}
			if err != nil {
				t.Fatalf("%s %+v: %v", sc.Name, c, err)
			}
			if v := got.Results[0].Verdict.String(); v != c.Verdict {
				t.Errorf("%s: %s %s on %s: %s, want %s", sc.Name, c.Screen, c.ID, c.AsOf, v, c.Verdict)
			}
		}
	}
}

func testTimeFiltered(t *testing.T, st store.Store) {
	mustIngest(t, st, `{"kind":"entity","id":"x","name":"X"}
{"kind":"entity","id":"y","name":"Y"}
{"kind":"listing","regime":"US-OFAC-CMIC","entity":"x","from":"2021-06-03","to":"2024-01-01"}
{"kind":"ownership","owner":"x","owned":"y","percent":60,"from":"2020-01-01","to":"2023-01-01"}`)
	eng := Engine(t, st)
	sdn := eng.Regimes().Get("US-OFAC-SDN")
	cmic := eng.Regimes().Get("US-OFAC-CMIC")
	for _, c := range []struct {
		id, day string
		r       *rules.Regime
		want    model.Verdict
	}{
		{"x", "2021-06-02", cmic, model.Clear},
		{"x", "2021-06-03", cmic, model.Exposed},
		{"x", "2023-12-31", cmic, model.Exposed},
		{"x", "2024-01-01", cmic, model.Clear},
		{"y", "2022-01-01", cmic, model.Clear},
		{"y", "2022-01-01", sdn, model.Clear},
	} {
		got, err := eng.ScreenEntity(c.id, model.MustDate(c.day), []*rules.Regime{c.r})
		if err != nil {
			t.Fatal(err)
		}
		if got.Verdict != c.want {
			t.Errorf("%s on %s under %s: %s, want %s", c.id, c.day, c.r.ID, got.Verdict, c.want)
		}
	}
}

func testIngestIdempotent(t *testing.T, st store.Store) {
	sum := mustIngest(t, st, everyKind)
	if sum.Written != 13 || sum.Dangling != 0 {
		t.Fatalf("summary %+v", sum)
	}
	v1, before := st.Version(context.Background())
	if before != nil {
		t.Fatal(before)
	}
	all := storetest.All(t, st)
	if want := encodedAll(parseAll(t, everyKind)); !cmp.Equal(want, all) {
		t.Errorf("stored records differ from the parsed ones:\n%s", cmp.Diff(want, all))
	}
	mustIngest(t, st, everyKind)
	if v2, err := st.Version(context.Background()); err != nil || v2 != v1 {
		t.Errorf("ingesting the same file twice changed the version: %s -> %s (%v)", v1, v2, err)
	}
}

func encodedAll(recs []*model.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, fmt.Sprintf("%s|%x", r.Key(), r.Encode(nil)))
	}
	slices.Sort(out)
	return out
}

func testIngestDelete(t *testing.T, st store.Store) {
	mustIngest(t, st, everyKind)
	sum := mustIngest(t, st, `{"kind":"entity","id":"e3","op":"delete"}
{"kind":"ownership","owner":"e1","owned":"e3","from":"2020-01-01","op":"delete"}
{"kind":"same_as","a":"e1","b":"e3","op":"delete"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"e2","from":"2019-01-01","op":"delete"}
{"kind":"product","id":"nope","op":"delete"}`)
	if sum.Deleted != 5 {
		t.Errorf("deleted %d, want 5", sum.Deleted)
	}
	all := strings.Join(storetest.All(t, st), "\n")
	for _, gone := range []string{"entity e3|", "ownership e1->e3 from 2020-01-01|", "same_as e1->e3|", "listing e2->US-OFAC-SDN"} {
		if strings.Contains(all, gone) {
			t.Errorf("%q still stored", gone)
		}
	}
	if !strings.Contains(all, "ownership e2->e3|") {
		t.Error("delete removed an edge it did not name")
	}
}
