package neo4j_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

// TestLoadIsAtomic: a large run into an empty store is written directly, but
// while it is written other stores still see the empty store at version zero,
// a scan started then waits and sees the whole run, and the result is exact.
func TestLoadIsAtomic(t *testing.T) {
	neo4jtest.Lock(t)
	ctx := context.Background()
	st := open(t, neo4j.Config{SmallRun: 10, Batch: 25})
	defer st.Close()
	other := neo4jtest.Open(t, neo4j.Config{Log: testLog(t)})
	defer other.Close()
	v0 := version(t, st)
	if v0 != (model.Hash{}) {
		t.Fatalf("wiped store at version %s", v0)
	}

	recs := childRecords(300)
	var during struct {
		version model.Hash
		nodes   int64
		scan    chan []string
	}
	neo4j.SetLoadHook(st, func(n int) {
		if n != 3 {
			return
		}
		during.version = version(t, other)
		during.nodes = count(t, other, "Entity")
		// The loading store's own reads see the committed state: empty.
		if got := storetest.All(t, st); len(got) != 0 {
			t.Errorf("the loading store scanned %d records, want none", len(got))
		}
		if got, err := st.Get(ctx, []model.Key{recs[0].Key()}); err != nil || got[0] != nil {
			t.Errorf("the loading store got %v, %v; want nothing", got, err)
		}
		during.scan = make(chan []string, 1)
		go func() { during.scan <- storetest.All(t, other) }()
		time.Sleep(200 * time.Millisecond) // let the scan start and wait
	})
	neo4j.SetHooks(st, func(int) { t.Error("a run into an empty store was staged") }, nil)
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := run.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	v1, err := run.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if during.scan == nil {
		t.Fatal("the load wrote fewer than three batches")
	}
	if during.version != v0 {
		t.Errorf("during the load another store saw version %s, want %s", during.version, v0)
	}
	if during.nodes == 0 {
		t.Errorf("no node written after three batches: the run was not loaded directly")
	}
	scanned := <-during.scan
	after := storetest.All(t, st)
	if diff := cmp.Diff(after, scanned); diff != "" {
		t.Errorf("a scan started during the load saw a partial run:\n%s", diff)
	}
	if len(after) != len(recs) {
		t.Errorf("%d records after the load, want %d", len(after), len(recs))
	}
	var all []*model.Record
	if _, err := st.Scan(ctx, func(r *model.Record) error { c := *r; all = append(all, &c); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := expected(all); v1 != want || version(t, other) != want {
		t.Errorf("version %s (other store %s), want the content hash %s", v1, version(t, other), want)
	}
	if n := count(t, st, "KeiretsuStage"); n != 0 {
		t.Errorf("%d fences left after the load", n)
	}
	// The next large run is staged (the store is not empty any more).
	staged := 0
	neo4j.SetHooks(st, func(n int) { staged = n }, nil)
	neo4j.SetLoadHook(st, nil)
	run, err = st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range childRecords(50) {
		r.Name += " renamed"
		if err := run.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := run.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if staged == 0 {
		t.Error("a large run into a loaded store was not staged")
	}
}

// TestLoadRollback: rolling a load back leaves the empty store it started
// from, and the store takes runs again.
func TestLoadRollback(t *testing.T) {
	neo4jtest.Lock(t)
	ctx := context.Background()
	st := open(t, neo4j.Config{SmallRun: 10, Batch: 25})
	defer st.Close()
	loaded := 0
	neo4j.SetLoadHook(st, func(n int) { loaded = n })
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range childRecords(300) {
		if err := run.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if loaded == 0 {
		t.Fatal("nothing was loaded before the rollback")
	}
	for _, label := range []string{"Entity", "KeiretsuStage"} {
		if n := count(t, st, label); n != 0 {
			t.Errorf("%d %s nodes after rollback, want 0", n, label)
		}
	}
	if v := version(t, st); v != (model.Hash{}) {
		t.Errorf("version %s after rollback, want zero", v)
	}
	ingest(t, st, `{"kind":"entity","id":"next","name":"Next"}`)
	if got := storetest.All(t, st); len(got) != 1 {
		t.Errorf("after rollback and a run: %v", got)
	}
}

// TestKilledWhileLoading kills a process in the middle of a load: readers keep
// seeing the empty store, and once the dead writer's lease expires the next
// writer undoes what it wrote.
func TestKilledWhileLoading(t *testing.T) {
	neo4jtest.Lock(t)
	st := open(t, neo4j.Config{})
	defer st.Close()
	v0 := version(t, st)

	killChild(t, childLoad, "loading")

	if n := count(t, st, "Entity"); n == 0 {
		t.Fatal("the killed child had written no node: it did not load directly")
	}
	if v := version(t, st); v != v0 {
		t.Errorf("version changed by a killed load: %s -> %s", v0, v)
	}
	start := time.Now()
	ingest(t, st, `{"kind":"entity","id":"next","name":"Next"}`)
	if d := time.Since(start); d > time.Minute {
		t.Errorf("next run waited %s", d)
	}
	got := storetest.All(t, st)
	if len(got) != 1 {
		t.Errorf("%d records after the next run, want only its 1", len(got))
	}
	for _, label := range []string{"Entity", "KeiretsuStage"} {
		want := int64(0)
		if label == "Entity" {
			want = 1
		}
		if n := count(t, st, label); n != want {
			t.Errorf("%d %s nodes after the next run, want %d", n, label, want)
		}
	}
}

// TestLoadWithAutoLinks: a load with automatic identifier links, which scan
// the committed store during the run (empty for a load), completes and links.
func TestLoadWithAutoLinks(t *testing.T) {
	neo4jtest.Lock(t)
	st := open(t, neo4j.Config{SmallRun: 10, Batch: 25})
	defer st.Close()
	loaded := 0
	neo4j.SetLoadHook(st, func(n int) { loaded = n })
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, `{"kind":"entity","id":"x%d","name":"X %d","identifiers":{"lei":"%s"}}`+"\n", i, i, testLEI(i%50))
	}
	sum, err := e2e.Ingest(t, st, b.String(), load.Options{AutoLink: true})
	if err != nil {
		t.Fatal(err)
	}
	if loaded == 0 {
		t.Fatal("the run was not loaded directly")
	}
	var links int
	for _, r := range storetest.All(t, st) {
		if strings.HasPrefix(r, "same_as ") {
			links++
		}
	}
	if links != 50 || sum.AutoLinked != 50 {
		t.Errorf("%d same_as records (summary says %d), want 50", links, sum.AutoLinked)
	}
}

// testLEI returns a valid LEI (ISO 17442: 18 characters, then two ISO 7064
// mod 97-10 check digits) numbered i.
func testLEI(i int) string {
	base := fmt.Sprintf("5493%014d", i)
	r := 0
	for _, c := range base + "00" {
		r = (r*10 + int(c-'0')) % 97
	}
	return fmt.Sprintf("%s%02d", base, 98-r)
}
