// Package e2e is the end-to-end suite every store passes, with no skips: native
// JSONL ingested through the loader into a store (failed runs, references,
// strict runs), then projected and screened (the worked scenarios, time-filtered
// reads). The store contract on its own is package storetest.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"github.com/rs/zerolog"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/scenario"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
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
		{Name: "Snapshots", Fn: testSnapshots},
		{Name: "KilledRun", Fn: testKilledRun},
		{Name: "PastStates", Fn: testPastStates},
		{Name: "WorkbenchAPI", Fn: testWorkbenchAPI},
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

// sources reads native JSONL text as one ingest source.
func sources(t testing.TB, jsonl string) []ingest.Source {
	t.Helper()
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return []ingest.Source{native.NewReader("test.jsonl", strings.NewReader(jsonl), set.Has)}
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

// record ingests jsonl as one recorded run (a snapshot of name when set).
func record(t *testing.T, st store.Store, jsonl, name string) history.Result {
	t.Helper()
	rs := history.Recording(st, history.Info{Snapshot: name, Files: []string{"test.jsonl"}})
	if _, err := Ingest(t, rs, jsonl, load.Options{}); err != nil {
		t.Fatal(err)
	}
	return rs.Result()
}

func ids(t *testing.T, s *history.State) []string {
	t.Helper()
	var out []string
	if err := s.Scan(context.Background(), func(r *model.Record) error {
		out = append(out, r.Key().String())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func testSnapshots(t *testing.T, st store.Store) {
	ctx := context.Background()
	const sdn = `{"kind":"entity","id":"a","name":"A"}
{"kind":"entity","id":"b","name":"B"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"a"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"b"}
`
	if r := record(t, st, sdn, "ofac-sdn"); r.Run != 1 || r.SnapshotDeleted != 0 {
		t.Fatalf("first snapshot: %+v", r)
	}
	record(t, st, `{"kind":"entity","id":"c","name":"C"}`+"\n", "")
	record(t, st, `{"kind":"entity","id":"x","name":"X"}`+"\n", "other")
	// b is written again by a plain run: no longer the snapshot's.
	record(t, st, `{"kind":"entity","id":"b","name":"B"}`+"\n", "")
	// The next snapshot no longer states b's listing nor b nor a's name change.
	r := record(t, st, `{"kind":"entity","id":"a","name":"A2"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"a"}
`, "ofac-sdn")
	if r.Run != 5 || r.SnapshotDeleted != 1 {
		t.Errorf("second snapshot: %+v, want run 5 deleting b's listing only", r)
	}
	all := strings.Join(storetest.All(t, st), "\n")
	for _, want := range []string{"entity a|", "entity b|", "entity c|", "entity x|", "listing a->US-OFAC-SDN|"} {
		if !strings.Contains(all, want) {
			t.Errorf("%s was deleted", want)
		}
	}
	if strings.Contains(all, "listing b->US-OFAC-SDN") {
		t.Error("the delisting was not applied")
	}
	runs, err := history.Runs(ctx, st)
	if err != nil || len(runs) != 5 {
		t.Fatalf("runs %+v %v", runs, err)
	}
	if runs[0].DataVersionBefore != nil || *runs[4].DataVersionBefore != runs[3].DataVersion || runs[4].Deleted != 1 ||
		runs[4].Snapshot == nil || *runs[4].Snapshot != "ofac-sdn" || runs[1].Snapshot != nil {
		t.Errorf("run log %+v", runs)
	}
	// The state after run 1, then a diff to now.
	s1, err := history.At(ctx, st, runs[0].DataVersion)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"entity a", "entity b", "listing a->US-OFAC-SDN", "listing b->US-OFAC-SDN"}
	if diff := cmp.Diff(want, ids(t, s1)); diff != "" {
		t.Errorf("state after run 1 (-want +got):\n%s", diff)
	}
	now, err := history.At(ctx, st, runs[4].DataVersion)
	if err != nil {
		t.Fatal(err)
	}
	d, err := history.Compare(ctx, s1, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 2 || len(d.Deleted) != 1 || len(d.Changed) != 1 || d.Changed[0][1].Name != "A2" {
		t.Errorf("diff %+v", d)
	}
	// Pruning to the last two runs keeps run 4's state and drops run 3's.
	if _, err := history.Prune(ctx, st, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := history.At(ctx, st, runs[3].DataVersion); err != nil {
		t.Errorf("run 4 after pruning to 2: %v", err)
	}
	if _, err := history.At(ctx, st, runs[1].DataVersion); !errors.Is(err, history.ErrNotRetained) {
		t.Errorf("run 2 after pruning to 2: %v", err)
	}
}

// testKilledRun: a run killed before its commit changes nothing and is not
// logged; one killed after the store committed it is logged by the next
// process.
func testKilledRun(t *testing.T, st store.Store) {
	ctx := context.Background()
	record(t, st, `{"kind":"entity","id":"a","name":"A"}`+"\n", "s")
	before := storetest.All(t, st)
	// Killed between the pending entry and the store's commit.
	crash := &crashing{Store: st, before: true}
	rs := history.Recording(crash, history.Info{Snapshot: "s"})
	if _, err := Ingest(t, rs, `{"kind":"entity","id":"b","name":"B"}`+"\n", load.Options{}); err == nil {
		t.Fatal("the crashing run committed")
	}
	if diff := cmp.Diff(before, storetest.All(t, st)); diff != "" {
		t.Errorf("a killed snapshot run changed the data:\n%s", diff)
	}
	if err := history.Recover(ctx, st, true); err != nil {
		t.Fatal(err)
	}
	if runs, _ := history.Runs(ctx, st); len(runs) != 1 {
		t.Errorf("a run that did not commit was logged: %+v", runs)
	}
	// Killed after the store's commit, before the log entry.
	crash = &crashing{Store: st}
	rs = history.Recording(crash, history.Info{Snapshot: "s"})
	if _, err := Ingest(t, rs, `{"kind":"entity","id":"a","name":"A"}`+"\n"+`{"kind":"entity","id":"c","name":"C"}`+"\n", load.Options{}); err == nil {
		t.Fatal("the crash did not happen")
	}
	if err := history.Recover(ctx, st, false); err != nil {
		t.Fatal(err)
	}
	runs, _ := history.Runs(ctx, st)
	v, _ := st.Version(ctx)
	if len(runs) != 2 || runs[1].DataVersion != v.String() {
		t.Errorf("the committed run was not logged: %+v (store %s)", runs, v)
	}
	// Its snapshot names were applied: the next snapshot of s deletes a.
	if r := record(t, st, `{"kind":"entity","id":"c","name":"C"}`+"\n", "s"); r.SnapshotDeleted != 1 {
		t.Errorf("snapshot after recovery deleted %d, want a", r.SnapshotDeleted)
	}
}

// crashing is a store whose runs fail around their commit, as a killed
// process would leave them: before the store commits, or after.
type crashing struct {
	store.Store
	before bool
}

var errCrash = errors.New("killed")

func (c *crashing) Begin(ctx context.Context) (store.Run, error) {
	r, err := c.Store.Begin(ctx)
	return &crashRun{Run: r, before: c.before}, err
}

type crashRun struct {
	store.Run
	before bool
}

func (r *crashRun) Commit(ctx context.Context) (model.Hash, error) {
	if r.before {
		r.Run.Rollback(ctx)
		return model.Hash{}, errCrash
	}
	if _, err := r.Run.Commit(ctx); err != nil {
		return model.Hash{}, err
	}
	return model.Hash{}, errCrash
}

// Service ingests jsonl into an embedded store in a temporary directory and
// returns a service over it; both are closed when the test ends.
func Service(t testing.TB, jsonl string) (*service.Service, *embedded.Store) {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := Ingest(t, st, jsonl, load.Options{}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.Open(context.Background(), st, service.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}
