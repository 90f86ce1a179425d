// Package storetest is the store contract: the conformance suite every store
// implementation passes, with no skips. It speaks to a store only through the
// store interfaces, with records in and records out: upsert keys, deletes,
// atomic runs, node lookups, content versions, scans and their marks, and,
// for stores that implement it, the change feed of store.Follower.
//
// Ingest formats, the loader and the answers built on a store are tested end
// to end by package e2e, on every store too.
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

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// Opener returns an empty store (wiped), closed by the caller.
type Opener func(t *testing.T) store.Store

// Case is one test of a suite, run on a fresh store.
type Case struct {
	Name string
	Fn   func(t *testing.T, st store.Store)
}

// RunCases runs each case as a subtest on a store from open, closed after it.
func RunCases(t *testing.T, open Opener, cases []Case) {
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			st := open(t)
			defer st.Close()
			tc.Fn(t, st)
		})
	}
}

// Run runs the store contract against stores from open.
func Run(t *testing.T, open Opener) {
	RunCases(t, open, []Case{
		{"RoundTrip", testRoundTrip},
		{"UpsertIsIdempotent", testUpsertIdempotent},
		{"ReplaceByKey", testReplace},
		{"EdgeKeyIncludesFrom", testEdgeKeyFrom},
		{"Delete", testDelete},
		{"RollbackWritesNothing", testRollback},
		{"UncommittedIsInvisible", testUncommittedInvisible},
		{"Missing", testMissing},
		{"VersionIsContentHash", testVersionIsContent},
		{"ScanMarksItsState", testScanMark},
		{"Wipe", testWipe},
		{"Bookkeeping", testMeta},
		{"PositionCountsCommits", testPosition},
	})
}

// RunFollower runs the change-feed contract against stores from open, which
// must implement store.Follower.
func RunFollower(t *testing.T, open Opener) {
	t.Run("Changes", func(t *testing.T) {
		st := open(t)
		defer st.Close()
		f, ok := st.(store.Follower)
		if !ok {
			t.Fatalf("%T does not implement store.Follower", st)
		}
		testChanges(t, st, f)
	})
}

// All returns every stored record, encoded and sorted, for comparisons.
func All(t testing.TB, st store.Store) []string {
	t.Helper()
	var out []string
	_, err := st.Scan(context.Background(), func(r *model.Record) error {
		out = append(out, encoded(r))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func encoded(r *model.Record) string { return fmt.Sprintf("%s|%x", r.Key(), r.Encode(nil)) }

// Commit writes recs and deletes keys in one run.
func Commit(t testing.TB, st store.Store, recs []*model.Record, deletes ...model.Key) model.Hash {
	t.Helper()
	ctx := context.Background()
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Rollback(ctx)
	for _, r := range recs {
		if err := run.Put(ctx, r); err != nil {
			t.Fatalf("put %s: %v", r.Key(), err)
		}
	}
	for _, k := range deletes {
		if err := run.Delete(ctx, k); err != nil {
			t.Fatalf("delete %s: %v", k, err)
		}
	}
	v, err := run.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return v
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

func normalized(recs ...*model.Record) []*model.Record {
	for _, r := range recs {
		r.Normalize()
		if err := r.Validate(func(string) bool { return true }); err != nil {
			panic(fmt.Sprintf("storetest: invalid record %s: %v", r.Key(), err))
		}
	}
	return recs
}

func node(kind model.Kind, id, name string) *model.Record {
	return &model.Record{Kind: kind, ID: id, Name: name}
}

func entityKey(id string) model.Key {
	return model.Key{Kind: model.KindEntity, Src: id, From: model.MinDate}
}

func period(from, to string) model.Period {
	p := model.Always
	if from != "" {
		p.From = model.MustDate(from)
	}
	if to != "" {
		p.To = model.MustDate(to)
	}
	return p
}

// everyKind is one record of every kind with every field set somewhere.
func everyKind() []*model.Record {
	two := 2.0
	return normalized(
		&model.Record{Kind: model.KindEntity, ID: "e1", Name: "Example One Co., Ltd.", Type: "company", Country: "cn", HQCountry: "hk",
			Aliases: []string{"EXAMPLE ONE", "例一"}, Source: "test",
			Identifiers: []model.Identifier{{Scheme: "uscc", Value: "91440300"}, {Scheme: "lei", Value: "5493001KJTIIGC8Y1R12"}}},
		&model.Record{Kind: model.KindEntity, ID: "e2", Name: "Two", Type: "state_body"},
		&model.Record{Kind: model.KindEntity, ID: "e3", Name: "Three", Type: "person"},
		&model.Record{Kind: model.KindOwnership, Src: "e1", Dst: "e3", Share: model.Exact(12.5), Valid: period("2020-01-01", "2021-01-01"), Source: "s-own"},
		&model.Record{Kind: model.KindOwnership, Src: "e2", Dst: "e3", Valid: model.Always,
			Share: model.Share{Min: model.ShareFromPercent(25), Max: model.ShareFromPercent(50), Mode: model.ShareRange}},
		&model.Record{Kind: model.KindOwnership, Src: "e3", Dst: "e1", Valid: model.Always, Share: model.UnknownShare},
		&model.Record{Kind: model.KindControl, Src: "e2", Dst: "e1", Valid: model.Always, Basis: "board"},
		&model.Record{Kind: model.KindProduct, ID: "p1", Name: "Router", Category: "telecom",
			Identifiers: []model.Identifier{{Scheme: "purl", Value: "pkg:generic/router@1"}}},
		node(model.KindProduct, "p2", "Chip"),
		&model.Record{Kind: model.KindComponent, Src: "p1", Dst: "p2", Valid: model.Always, Quantity: &two, Essential: false},
		&model.Record{Kind: model.KindSourcing, Src: "p2", Dst: "e1", Valid: model.Always, Role: "supplier", Site: "cn-xj"},
		&model.Record{Kind: model.KindListing, Src: "e2", Dst: "US-OFAC-SDN", Valid: period("2019-01-01", ""), Reference: "FR 1", Categories: []string{"telecom"}},
		&model.Record{Kind: model.KindSameAs, Src: "e3", Dst: "e1", Valid: model.Always, Reason: "checked by hand"},
		&model.Record{Kind: model.KindRegime, ID: "ACME", Name: "Acme list", Spec: []byte(`{"id":"ACME","name":"Acme list","rule":"listed"}`)},
	)
}

func encodedAll(recs []*model.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, encoded(r))
	}
	slices.Sort(out)
	return out
}

func testRoundTrip(t *testing.T, st store.Store) {
	want := everyKind()
	Commit(t, st, want)
	if diff := cmp.Diff(encodedAll(want), All(t, st)); diff != "" {
		t.Errorf("scan differs (-want +got):\n%s", diff)
	}
	keys := make([]model.Key, 0, len(want)+1)
	for _, r := range want {
		keys = append(keys, r.Key())
	}
	keys = append(keys, entityKey("nobody"))
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
	Commit(t, st, everyKind())
	v1, before := version(t, st), All(t, st)
	if v2 := Commit(t, st, everyKind()); v2 != v1 || version(t, st) != v1 {
		t.Errorf("writing the same records twice changed the version: %s -> %s", v1, v2)
	}
	if diff := cmp.Diff(before, All(t, st)); diff != "" {
		t.Errorf("writing twice changed the data:\n%s", diff)
	}
}

func testReplace(t *testing.T, st store.Store) {
	Commit(t, st, everyKind())
	v1 := version(t, st)
	Commit(t, st, normalized(
		&model.Record{Kind: model.KindEntity, ID: "e2", Name: "Two renamed", Type: "company"},
		&model.Record{Kind: model.KindOwnership, Src: "e1", Dst: "e3", Share: model.Exact(60), Valid: period("2020-01-01", "")},
	))
	if version(t, st) == v1 {
		t.Fatal("replacing records did not change the version")
	}
	got, err := st.Get(context.Background(), []model.Key{
		entityKey("e2"),
		{Kind: model.KindOwnership, Src: "e1", Dst: "e3", From: model.MustDate("2020-01-01")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] == nil || got[0].Name != "Two renamed" || got[0].Type != "company" {
		t.Errorf("entity not replaced: %+v", got[0])
	}
	if got[1] == nil || got[1].Share != model.Exact(60) || got[1].Valid.To != model.MaxDate || got[1].Source != "" {
		t.Errorf("ownership not replaced as a whole: %+v", got[1])
	}
	// Putting the original records back restores the original version.
	if v := Commit(t, st, everyKind()); v != v1 {
		t.Errorf("same content, different version: %s vs %s", v, v1)
	}
}

func testEdgeKeyFrom(t *testing.T, st store.Store) {
	Commit(t, st, normalized(
		&model.Record{Kind: model.KindOwnership, Src: "a", Dst: "b", Share: model.Exact(10), Valid: period("2010-01-01", "2015-01-01")},
		&model.Record{Kind: model.KindOwnership, Src: "a", Dst: "b", Share: model.Exact(30), Valid: period("2015-01-01", "")},
		&model.Record{Kind: model.KindOwnership, Src: "a", Dst: "b", Share: model.Exact(5), Valid: model.Always},
	))
	if n := len(All(t, st)); n != 3 {
		t.Errorf("edges with different from dates are different records: got %d, want 3", n)
	}
}

func testDelete(t *testing.T, st store.Store) {
	Commit(t, st, everyKind())
	Commit(t, st, nil,
		entityKey("e3"),
		model.Key{Kind: model.KindOwnership, Src: "e1", Dst: "e3", From: model.MustDate("2020-01-01")},
		model.Key{Kind: model.KindSameAs, Src: "e1", Dst: "e3", From: model.MinDate},
		model.Key{Kind: model.KindListing, Src: "e2", Dst: "US-OFAC-SDN", From: model.MustDate("2019-01-01")},
		model.Key{Kind: model.KindProduct, Src: "nope", From: model.MinDate},
	)
	all := strings.Join(All(t, st), "\n")
	for _, gone := range []string{"entity e3|", "ownership e1->e3 from 2020-01-01|", "same_as e1->e3|", "listing e2->US-OFAC-SDN"} {
		if strings.Contains(all, gone) {
			t.Errorf("%q still stored", gone)
		}
	}
	// Deleting a node leaves the edges that name it (contract section 2).
	for _, kept := range []string{"ownership e2->e3|", "ownership e3->e1|"} {
		if !strings.Contains(all, kept) {
			t.Errorf("delete removed %q, which it did not name", kept)
		}
	}
	// Deleting everything that is left gives the empty store's version.
	var keys []model.Key
	for _, r := range everyKind() {
		keys = append(keys, r.Key())
	}
	if v := Commit(t, st, nil, keys...); v != (model.Hash{}) {
		t.Errorf("empty store version %s, want zero", v)
	}
	if n := len(All(t, st)); n != 0 {
		t.Errorf("%d records left after deleting all", n)
	}
}

func testRollback(t *testing.T, st store.Store) {
	Commit(t, st, everyKind())
	v1, before := version(t, st), All(t, st)
	ctx := context.Background()
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Put(ctx, normalized(node(model.KindEntity, "new", "New"))[0]); err != nil {
		t.Fatal(err)
	}
	if err := run.Delete(ctx, entityKey("e1")); err != nil {
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
	if _, err := run.Commit(ctx); err == nil {
		t.Error("a rolled back run committed")
	}
	// The store takes a new run after a rollback.
	Commit(t, st, normalized(node(model.KindEntity, "after", "After")))
}

func testUncommittedInvisible(t *testing.T, st store.Store) {
	Commit(t, st, normalized(node(model.KindEntity, "base", "Base")))
	ctx := context.Background()
	v1 := version(t, st)
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Rollback(ctx)
	if err := run.Put(ctx, normalized(node(model.KindEntity, "pending", "Pending"))[0]); err != nil {
		t.Fatal(err)
	}
	if n := len(All(t, st)); n != 1 {
		t.Errorf("an uncommitted record is visible: %d records", n)
	}
	got, err := st.Get(ctx, []model.Key{entityKey("pending")})
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
	Commit(t, st, normalized(node(model.KindEntity, "old", "Old"), node(model.KindProduct, "prod", "Prod")))
	ctx := context.Background()
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Rollback(ctx)
	if err := run.Put(ctx, normalized(node(model.KindEntity, "new", "New"))[0]); err != nil {
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

func testVersionIsContent(t *testing.T, st store.Store) {
	if v := version(t, st); v != (model.Hash{}) {
		t.Errorf("empty store version %s", v)
	}
	if want, got := expectedVersion(everyKind()), Commit(t, st, everyKind()); want != got {
		t.Errorf("commit version %s, want the content hash %s", got, want)
	}
	if want, got := expectedVersion(everyKind()), version(t, st); want != got {
		t.Errorf("version %s, want the content hash %s", got, want)
	}
}

func testScanMark(t *testing.T, st store.Store) {
	ctx := context.Background()
	count := func(r *model.Record) error { return nil }
	m0, err := st.Scan(ctx, count)
	if err != nil || m0.Version != (model.Hash{}) {
		t.Fatalf("scan of the empty store: mark %+v, %v", m0, err)
	}
	v := Commit(t, st, everyKind())
	m1, err := st.Scan(ctx, count)
	if err != nil || m1.Version != v {
		t.Errorf("scan mark %+v, %v; want version %s", m1, err, v)
	}
	// A scan stops at fn's first error and returns it.
	stop := errors.New("stop")
	n := 0
	if _, err := st.Scan(ctx, func(*model.Record) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("scan after fn failed: %v after %d calls", err, n)
	}
}

func testWipe(t *testing.T, st store.Store) {
	Commit(t, st, everyKind())
	if err := st.Wipe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(All(t, st)); n != 0 {
		t.Errorf("%d records after wipe", n)
	}
	if v := version(t, st); v != (model.Hash{}) {
		t.Errorf("version after wipe %s", v)
	}
	Commit(t, st, everyKind())
	if len(All(t, st)) != len(everyKind()) {
		t.Error("store unusable after wipe")
	}
}

// Summary renders changes as "put KEY" / "delete KEY" lines, sorted.
func Summary(ch []store.Change) []string {
	var out []string
	for _, c := range ch {
		switch {
		case c.Delete:
			out = append(out, "delete "+c.Key.String())
		case c.Record == nil || c.Record.Key() != c.Key:
			out = append(out, "bad put "+c.Key.String())
		default:
			out = append(out, "put "+c.Key.String())
		}
	}
	slices.Sort(out)
	return out
}

func testChanges(t *testing.T, st store.Store, f store.Follower) {
	ctx := context.Background()
	Commit(t, st, normalized(node(model.KindEntity, "a", "A"), node(model.KindEntity, "b", "B")))
	m0, err := st.Scan(ctx, func(*model.Record) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	// Changes from a scan's mark are the runs after it, one per key, the last.
	Commit(t, st, normalized(
		&model.Record{Kind: model.KindOwnership, Src: "a", Dst: "b", Share: model.Exact(60), Valid: model.Always},
		node(model.KindEntity, "c", "C"),
	), entityKey("a"))
	v2 := Commit(t, st, normalized(node(model.KindEntity, "c", "C2")))
	ch, m2, err := f.Changes(ctx, m0.Position)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"delete entity a", "put entity c", "put ownership a->b"}
	if diff := cmp.Diff(want, Summary(ch)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	for _, c := range ch {
		if c.Key.Src == "c" && (c.Record == nil || c.Record.Name != "C2") {
			t.Errorf("change of c %+v, want the last put, C2", c.Record)
		}
	}
	if m2.Version != v2 || m2.Position <= m0.Position {
		t.Errorf("changes mark %+v after %+v, want version %s", m2, m0, v2)
	}
	if ch, m, err := f.Changes(ctx, m2.Position); err != nil || len(ch) != 0 || m != m2 {
		t.Errorf("changes at the head: %v %+v %v, want none at %+v", Summary(ch), m, err, m2)
	}
	// A wipe cannot be told as changes: the follower scans again.
	if err := st.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Changes(ctx, m2.Position); !errors.Is(err, store.ErrResync) {
		t.Errorf("changes across a wipe: %v, want ErrResync", err)
	}
}

func testMeta(t *testing.T, st store.Store) {
	ctx := context.Background()
	scan := func(bucket, from string) []string {
		t.Helper()
		var out []string
		err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
			return tx.Scan(bucket, from, func(k string, v []byte) bool {
				out = append(out, k+"="+string(v))
				return len(out) < 3
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := scan("b", ""); len(got) != 0 {
		t.Errorf("empty bookkeeping: %v", got)
	}
	err := st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		for _, k := range []string{"k3", "k1", "k2", "k4"} {
			if err := tx.Put("b", k, []byte("v"+k)); err != nil {
				return err
			}
		}
		if err := tx.Put("other", "k0", []byte{}); err != nil {
			return err
		}
		// A transaction reads its own writes.
		if v, err := tx.Get("b", "k3"); err != nil || string(v) != "vk3" {
			return fmt.Errorf("read own write: %q %v", v, err)
		}
		return tx.Delete("b", "k4")
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"k1=vk1", "k2=vk2", "k3=vk3"}, scan("b", "")); diff != "" {
		t.Errorf("scan (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"k2=vk2", "k3=vk3"}, scan("b", "k15")); diff != "" {
		t.Errorf("scan from k15 (-want +got):\n%s", diff)
	}
	// Keys are bytes, not text: record keys hold binary dates (history's
	// before-images and snapshot tags), and they sort as their bytes do.
	binKeys := []string{"x/\x00\x01a", "x/\x7f", "x/\x80\x00", "x/\xc3\xa9", "x/\xff\xfe"}
	err = st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		for i := len(binKeys) - 1; i >= 0; i-- {
			if err := tx.Put("bin", binKeys[i], []byte{byte(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var gotKeys []string
	err = st.ViewMeta(ctx, func(tx store.MetaTx) error {
		for i, k := range binKeys {
			if v, err := tx.Get("bin", k); err != nil || len(v) != 1 || v[0] != byte(i) {
				return fmt.Errorf("get %q: %v %v", k, v, err)
			}
		}
		return tx.Scan("bin", "x/\x7f", func(k string, _ []byte) bool {
			gotKeys = append(gotKeys, k)
			return true
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(binKeys[1:], gotKeys); diff != "" {
		t.Errorf("binary keys scanned from x/\\x7f (-want +got):\n%s", diff)
	}
	// A failing transaction writes nothing.
	boom := errors.New("boom")
	err = st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		if err := tx.Put("b", "k0", []byte("x")); err != nil {
			return err
		}
		if err := tx.Delete("b", "k1"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("failed transaction: %v", err)
	}
	if diff := cmp.Diff([]string{"k1=vk1", "k2=vk2", "k3=vk3"}, scan("b", "")); diff != "" {
		t.Errorf("a failed transaction wrote (-want +got):\n%s", diff)
	}
	// Bookkeeping is not data: no record, no change of version.
	if n := len(All(t, st)); n != 0 || version(t, st) != (model.Hash{}) {
		t.Errorf("bookkeeping shows as %d records, version %s", n, version(t, st))
	}
	if err := st.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if got := scan("b", ""); len(got) != 0 {
		t.Errorf("bookkeeping after wipe: %v", got)
	}
}

func testPosition(t *testing.T, st store.Store) {
	ctx := context.Background()
	pos := func() uint64 {
		t.Helper()
		p, err := st.Position(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p0 := pos()
	Commit(t, st, everyKind())
	Commit(t, st, everyKind()) // a run that changes nothing still counts
	if p := pos(); p != p0+2 {
		t.Errorf("position %d after two runs from %d", p, p0)
	}
	m, err := st.Scan(ctx, func(*model.Record) error { return nil })
	if err != nil || m.Position != p0+2 {
		t.Errorf("scan mark %+v, %v; want position %d", m, err, p0+2)
	}
	if err := st.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if p := pos(); p <= p0+2 {
		t.Errorf("position %d after a wipe, want more than %d", p, p0+2)
	}
}
