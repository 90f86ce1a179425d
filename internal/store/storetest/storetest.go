// Package storetest is the conformance suite every store implementation passes,
// with no skips: upsert keys, deletes, atomic runs, references, content versions,
// scans and the worked scenarios screened end to end from the store.
package storetest

import (
	"bytes"
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
)

// Opener returns an empty store (wiped), closed by the caller.
type Opener func(t *testing.T) store.Store

// Run runs the whole suite against stores from open.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"UpsertIsIdempotent", testUpsertIdempotent},
		{"ReplaceByKey", testReplace},
		{"EdgeKeyIncludesFrom", testEdgeKeyFrom},
		{"Delete", testDelete},
		{"RollbackWritesNothing", testRollback},
		{"FailedIngestWritesNothing", testFailedIngest},
		{"UncommittedIsInvisible", testUncommittedInvisible},
		{"Missing", testMissing},
		{"DanglingReferences", testDangling},
		{"VersionIsContentHash", testVersionIsContent},
		{"Wipe", testWipe},
		{"Scenarios", testScenarios},
		{"TimeFilteredReads", testTimeFiltered},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := open(t)
			defer st.Close()
			tc.fn(t, st)
		})
	}
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

// All returns every stored record, encoded and sorted, for comparisons.
func All(t testing.TB, st store.Store) []string {
	t.Helper()
	var out []string
	err := st.Scan(context.Background(), func(r *model.Record) error {
		out = append(out, fmt.Sprintf("%s|%x", r.Key(), r.Encode(nil)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func version(t *testing.T, st store.Store) model.Hash {
	t.Helper()
	v, err := st.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// expectedVersion computes the content hash of records independently of any store.
func expectedVersion(recs []*model.Record) model.Hash {
	var h model.Hash
	for _, r := range recs {
		h = h.Add(model.HashOf(r.Encode(nil)))
	}
	return h
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

func testRoundTrip(t *testing.T, st store.Store) {
	sum := mustIngest(t, st, everyKind)
	if sum.Written != 13 || sum.Dangling != 0 {
		t.Fatalf("summary %+v", sum)
	}
	want := parseAll(t, everyKind)
	var wantEnc []string
	for _, r := range want {
		wantEnc = append(wantEnc, fmt.Sprintf("%s|%x", r.Key(), r.Encode(nil)))
	}
	slices.Sort(wantEnc)
	if diff := cmp.Diff(wantEnc, All(t, st)); diff != "" {
		t.Errorf("scan differs (-want +got):\n%s", diff)
	}
	keys := make([]model.Key, 0, len(want)+1)
	for _, r := range want {
		keys = append(keys, r.Key())
	}
	keys = append(keys, model.Key{Kind: model.KindEntity, Src: "nobody", From: model.MinDate})
	got, err := st.Get(context.Background(), keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range want {
		if got[i] == nil || !bytes.Equal(got[i].Encode(nil), r.Encode(nil)) {
			t.Errorf("get %s: %+v, want %+v", r.Key(), got[i], r)
		}
	}
	if got[len(want)] != nil {
		t.Errorf("get of a missing key returned %+v", got[len(want)])
	}
}

func testUpsertIdempotent(t *testing.T, st store.Store) {
	mustIngest(t, st, everyKind)
	v1, before := version(t, st), All(t, st)
	mustIngest(t, st, everyKind)
	if v2 := version(t, st); v2 != v1 {
		t.Errorf("loading the same records twice changed the version: %s -> %s", v1, v2)
	}
	if diff := cmp.Diff(before, All(t, st)); diff != "" {
		t.Errorf("loading twice changed the data:\n%s", diff)
	}
}

func testReplace(t *testing.T, st store.Store) {
	mustIngest(t, st, everyKind)
	v1 := version(t, st)
	mustIngest(t, st, `{"kind":"entity","id":"e2","name":"Two renamed","type":"company"}
{"kind":"ownership","owner":"e1","owned":"e3","percent":60,"from":"2020-01-01"}`)
	if version(t, st) == v1 {
		t.Fatal("replacing records did not change the version")
	}
	got, _ := st.Get(context.Background(), []model.Key{
		{Kind: model.KindEntity, Src: "e2", From: model.MinDate},
		{Kind: model.KindOwnership, Src: "e1", Dst: "e3", From: model.MustDate("2020-01-01")},
	})
	if got[0] == nil || got[0].Name != "Two renamed" || got[0].Type != "company" {
		t.Errorf("entity not replaced: %+v", got[0])
	}
	if got[1] == nil || got[1].Share != model.Exact(60) || got[1].Valid.To != model.MaxDate || got[1].Source != "" {
		t.Errorf("ownership not replaced as a whole: %+v", got[1])
	}
	// Putting the original records back restores the original version.
	mustIngest(t, st, everyKind)
	if v := version(t, st); v != v1 {
		t.Errorf("same content, different version: %s vs %s", v, v1)
	}
}

func testEdgeKeyFrom(t *testing.T, st store.Store) {
	mustIngest(t, st, `{"kind":"ownership","owner":"a","owned":"b","percent":10,"from":"2010-01-01","to":"2015-01-01"}
{"kind":"ownership","owner":"a","owned":"b","percent":30,"from":"2015-01-01"}
{"kind":"ownership","owner":"a","owned":"b","percent":5}`)
	if n := len(All(t, st)); n != 3 {
		t.Errorf("edges with different from dates are different records: got %d, want 3", n)
	}
}

func testDelete(t *testing.T, st store.Store) {
	mustIngest(t, st, everyKind)
	sum := mustIngest(t, st, `{"kind":"entity","id":"e3","op":"delete"}
{"kind":"ownership","owner":"e1","owned":"e3","from":"2020-01-01","op":"delete"}
{"kind":"same_as","a":"e1","b":"e3","op":"delete"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"e2","from":"2019-01-01","op":"delete"}
{"kind":"product","id":"nope","op":"delete"}`)
	if sum.Deleted != 5 {
		t.Errorf("deleted %d, want 5", sum.Deleted)
	}
	all := strings.Join(All(t, st), "\n")
	for _, gone := range []string{"entity e3|", "ownership e1->e3 from 2020-01-01|", "same_as e1->e3|", "listing e2->US-OFAC-SDN"} {
		if strings.Contains(all, gone) {
			t.Errorf("%q still stored", gone)
		}
	}
	if !strings.Contains(all, "ownership e2->e3|") {
		t.Error("delete removed an edge it did not name")
	}
	// Deleting everything that is left gives the empty store's version.
	var del strings.Builder
	for _, r := range parseAll(t, everyKind) {
		src, dst, _, _ := r.Kind.Ends()
		if r.Kind.IsNode() {
			fmt.Fprintf(&del, `{"kind":%q,"id":%q,"op":"delete"}`+"\n", r.Kind, r.ID)
		} else {
			k := r.Key()
			fmt.Fprintf(&del, `{"kind":%q,%q:%q,%q:%q,"op":"delete"`, r.Kind, src, k.Src, dst, k.Dst)
			if k.From != model.MinDate {
				fmt.Fprintf(&del, `,"from":%q`, k.From)
			}
			del.WriteString("}\n")
		}
	}
	mustIngest(t, st, del.String())
	if n := len(All(t, st)); n != 0 {
		t.Errorf("%d records left after deleting all", n)
	}
	if v := version(t, st); v != (model.Hash{}) {
		t.Errorf("empty store version %s, want zero", v)
	}
}

func testRollback(t *testing.T, st store.Store) {
	mustIngest(t, st, everyKind)
	v1, before := version(t, st), All(t, st)
	ctx := context.Background()
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Put(ctx, &model.Record{Kind: model.KindEntity, ID: "new", Name: "New", Type: "company"}); err != nil {
		t.Fatal(err)
	}
	if err := run.Delete(ctx, model.Key{Kind: model.KindEntity, Src: "e1", From: model.MinDate}); err != nil {
		t.Fatal(err)
	}
	if err := run.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if version(t, st) != v1 {
		t.Error("rollback changed the version")
	}
	if diff := cmp.Diff(before, All(t, st)); diff != "" {
		t.Errorf("rollback changed the data:\n%s", diff)
	}
	// The store takes a new run after a rollback.
	mustIngest(t, st, `{"kind":"entity","id":"after","name":"After"}`)
}

func testFailedIngest(t *testing.T, st store.Store) {
	mustIngest(t, st, `{"kind":"entity","id":"base","name":"Base"}`)
	before := All(t, st)
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
		if diff := cmp.Diff(before, All(t, st)); diff != "" {
			t.Errorf("%s: a failed run wrote:\n%s", name, diff)
		}
	}
	// With SkipInvalid, the valid records are written and the bad one reported.
	sum, err := Ingest(t, st, `{"kind":"entity","id":"ok","name":"Ok"}`+"\n"+`{"kind":"entity","name":"No id"}`, load.Options{SkipInvalid: true})
	if err != nil || sum.Rejected != 1 || sum.Written != 1 || len(sum.Rejections) != 1 || sum.Rejections[0].Line != 2 {
		t.Errorf("skip-invalid: %+v, %v", sum, err)
	}
}

func testUncommittedInvisible(t *testing.T, st store.Store) {
	mustIngest(t, st, `{"kind":"entity","id":"base","name":"Base"}`)
	ctx := context.Background()
	v1 := version(t, st)
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Rollback(ctx)
	if err := run.Put(ctx, &model.Record{Kind: model.KindEntity, ID: "pending", Name: "Pending", Type: "company"}); err != nil {
		t.Fatal(err)
	}
	if n := len(All(t, st)); n != 1 {
		t.Errorf("an uncommitted record is visible: %d records", n)
	}
	got, err := st.Get(ctx, []model.Key{{Kind: model.KindEntity, Src: "pending", From: model.MinDate}})
	if err != nil || got[0] != nil {
		t.Errorf("an uncommitted record is readable: %+v %v", got[0], err)
	}
	if version(t, st) != v1 {
		t.Error("an uncommitted run changed the version")
	}
	v, err := run.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if version(t, st) != v || v == v1 {
		t.Errorf("commit returned %s, store says %s", v, version(t, st))
	}
}

func testMissing(t *testing.T, st store.Store) {
	mustIngest(t, st, `{"kind":"entity","id":"old","name":"Old"}
{"kind":"product","id":"prod","name":"Prod"}`)
	ctx := context.Background()
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Rollback(ctx)
	if err := run.Put(ctx, &model.Record{Kind: model.KindEntity, ID: "new", Name: "New", Type: "company"}); err != nil {
		t.Fatal(err)
	}
	got, err := run.Missing(ctx, model.KindEntity, []string{"old", "new", "ghost", "prod"})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if diff := cmp.Diff([]string{"ghost", "prod"}, got); diff != "" {
		t.Errorf("missing entities (-want +got):\n%s", diff)
	}
	got, err = run.Missing(ctx, model.KindProduct, []string{"prod", "old"})
	if err != nil || !slices.Equal(got, []string{"old"}) {
		t.Errorf("missing products: %v %v", got, err)
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
	before := All(t, st)
	_, err := Ingest(t, st, `{"kind":"control","controller":"a","controlled":"zz"}`, load.Options{Strict: true})
	if !errors.Is(err, load.ErrDangling) {
		t.Errorf("strict run with a dangling reference: %v", err)
	}
	if diff := cmp.Diff(before, All(t, st)); diff != "" {
		t.Errorf("a failed strict run wrote:\n%s", diff)
	}
}

func testVersionIsContent(t *testing.T, st store.Store) {
	if v := version(t, st); v != (model.Hash{}) {
		t.Errorf("empty store version %s", v)
	}
	mustIngest(t, st, everyKind)
	if want, got := expectedVersion(parseAll(t, everyKind)), version(t, st); want != got {
		t.Errorf("version %s, want the content hash %s", got, want)
	}
}

func testWipe(t *testing.T, st store.Store) {
	mustIngest(t, st, everyKind)
	if err := st.Wipe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(All(t, st)); n != 0 {
		t.Errorf("%d records after wipe", n)
	}
	if v := version(t, st); v != (model.Hash{}) {
		t.Errorf("version after wipe %s", v)
	}
	mustIngest(t, st, everyKind)
	if len(All(t, st)) != 13 {
		t.Error("store unusable after wipe")
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
	snap, err := projection.Build(v, func(fn func(*model.Record) error) error { return st.Scan(ctx, fn) })
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
