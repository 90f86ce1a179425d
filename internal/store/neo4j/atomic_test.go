package neo4j_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

const base = `{"kind":"entity","id":"base","name":"Base"}
{"kind":"entity","id":"c0","name":"Before"}
{"kind":"ownership","owner":"base","owned":"c0","percent":10}
`

func ingest(t *testing.T, st store.Store, jsonl string) {
	t.Helper()
	if _, err := e2e.Ingest(t, st, jsonl, load.Options{}); err != nil {
		t.Fatal(err)
	}
}

func version(t *testing.T, st store.Store) model.Hash {
	t.Helper()
	v, err := st.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// count returns the number of nodes with label in the database.
func count(t *testing.T, st *neo4j.Store, label string) int64 {
	t.Helper()
	res, err := driver.ExecuteQuery(context.Background(), st.Driver(), "MATCH (n) WHERE $label IN labels(n) RETURN count(n) AS n",
		map[string]any{"label": label}, driver.EagerResultTransformer, driver.ExecuteQueryWithDatabase(neo4jtest.Database()))
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := driver.GetRecordValue[int64](res.Records[0], "n")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// expected is the content hash and sorted dump of records.
func expected(recs []*model.Record) model.Hash {
	var h model.Hash
	for _, r := range recs {
		r.Normalize()
		h = h.Add(model.HashOf(r.Encode(nil)))
	}
	return h
}

// TestStagedRunIsAtomic forces a run through staging and checks that, at the
// commit point, other stores still see the previous state, that a scan started
// then waits and sees the whole run, and that the result is exact.
func TestStagedRunIsAtomic(t *testing.T) {
	neo4jtest.Lock(t)
	ctx := context.Background()
	st := open(t, neo4j.Config{SmallRun: 10, Batch: 25})
	defer st.Close()
	other := neo4jtest.Open(t, neo4j.Config{Log: testLog(t)})
	defer other.Close()
	ingest(t, st, base)
	v0, before := version(t, st), storetest.All(t, st)

	staged := 0
	var atCommit struct {
		version model.Hash
		stages  int64
		scan    chan []string
	}
	// The hook runs with the marker set: a scan there would wait for ever, so
	// it starts one in a goroutine.
	neo4j.SetHooks(st, func(n int) { staged = n }, func() {
		atCommit.version = version(t, other)
		atCommit.stages = count(t, other, "KeiretsuStage")
		atCommit.scan = make(chan []string, 1)
		go func() { atCommit.scan <- storetest.All(t, other) }()
		time.Sleep(200 * time.Millisecond) // let the scan start and wait
	})
	recs := childRecords(300)
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
	if staged < 20 {
		t.Fatalf("run staged %d batches, want it staged", staged)
	}
	if atCommit.version != v0 {
		t.Errorf("at the commit point another store saw version %s, want the previous %s", atCommit.version, v0)
	}
	if atCommit.stages != int64(staged) {
		t.Errorf("%d staging nodes at the commit point, want %d", atCommit.stages, staged)
	}
	scanned := <-atCommit.scan
	after := storetest.All(t, st)
	if diff := cmp.Diff(after, scanned); diff != "" {
		t.Errorf("a scan started at the commit point saw a partial run:\n%s", diff)
	}
	if len(after) != len(before)+len(recs)-1 { // c0 is replaced
		t.Errorf("%d records after the run, want %d", len(after), len(before)+len(recs)-1)
	}
	// The version is the content hash, the same as the embedded store's.
	var all []*model.Record
	if _, err := st.Scan(ctx, func(r *model.Record) error { c := *r; all = append(all, &c); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := expected(all); v1 != want || version(t, other) != want {
		t.Errorf("version %s (other store %s), want the content hash %s", v1, version(t, other), want)
	}
	if n := count(t, st, "KeiretsuStage"); n != 0 {
		t.Errorf("%d staging nodes left after commit", n)
	}
}

// TestKilledWhileStaging kills a process in the middle of staging a large run:
// the data and version stay as they were, and the next run cleans up.
func TestKilledWhileStaging(t *testing.T) {
	neo4jtest.Lock(t)
	st := open(t, neo4j.Config{})
	defer st.Close()
	ingest(t, st, base)
	v0, before := version(t, st), storetest.All(t, st)

	killChild(t, childStaging, "staged")

	if n := count(t, st, "KeiretsuStage"); n != 3 {
		t.Errorf("%d staging nodes after the kill, want the 3 staged", n)
	}
	if v := version(t, st); v != v0 {
		t.Errorf("version changed by a killed run: %s -> %s", v0, v)
	}
	if diff := cmp.Diff(before, storetest.All(t, st)); diff != "" {
		t.Errorf("a killed run changed the data:\n%s", diff)
	}
	// The next run waits for the dead writer's lease to expire, then drops its
	// staged batches.
	start := time.Now()
	ingest(t, st, `{"kind":"entity","id":"next","name":"Next"}`)
	if d := time.Since(start); d > time.Minute {
		t.Errorf("next run waited %s", d)
	}
	if n := count(t, st, "KeiretsuStage"); n != 0 {
		t.Errorf("%d staging nodes left after the next run", n)
	}
	if n := len(storetest.All(t, st)); n != len(before)+1 {
		t.Errorf("%d records, want %d", n, len(before)+1)
	}
}

// TestKilledAfterCommitPoint kills a process right after its commit point:
// readers keep the previous version until another process rolls the run
// forward, which a waiting reader does once the dead writer's lease expires.
func TestKilledAfterCommitPoint(t *testing.T) {
	neo4jtest.Lock(t)
	st := open(t, neo4j.Config{})
	defer st.Close()
	ingest(t, st, base)
	v0, before := version(t, st), storetest.All(t, st)

	killChild(t, childCommit, "committed")

	if v := version(t, st); v != v0 {
		t.Errorf("version before roll-forward %s, want the previous %s", v, v0)
	}
	// A scan waits for the marker, takes over the expired lease and finishes.
	got := storetest.All(t, st)
	recs := childRecords(200)
	if len(got) != len(before)+len(recs)-1 {
		t.Errorf("%d records after roll-forward, want %d", len(got), len(before)+len(recs)-1)
	}
	var all []*model.Record
	if _, err := st.Scan(context.Background(), func(r *model.Record) error { c := *r; all = append(all, &c); return nil }); err != nil {
		t.Fatal(err)
	}
	if v, want := version(t, st), expected(all); v != want {
		t.Errorf("version after roll-forward %s, want %s", v, want)
	}
	if n := count(t, st, "KeiretsuStage"); n != 0 {
		t.Errorf("%d staging nodes left after roll-forward", n)
	}
}

// TestConcurrentBegin: runs of two stores (two drivers, as two processes would
// have) serialise; a store that waits too long fails with store.ErrLocked.
func TestConcurrentBegin(t *testing.T) {
	neo4jtest.Lock(t)
	ctx := context.Background()
	a := open(t, neo4j.Config{})
	defer a.Close()
	b := neo4jtest.Open(t, neo4j.Config{Log: testLog(t)})
	defer b.Close()
	impatient := neo4jtest.Open(t, neo4j.Config{Log: testLog(t), LockWait: 300 * time.Millisecond})
	defer impatient.Close()

	ra, err := a.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := impatient.Begin(ctx); !errors.Is(err, store.ErrLocked) {
		t.Errorf("begin while another store runs: %v, want ErrLocked", err)
	}
	began := make(chan store.Run, 1)
	go func() {
		rb, err := b.Begin(ctx)
		if err != nil {
			t.Error(err)
		}
		began <- rb
	}()
	select {
	case <-began:
		t.Fatal("a second store began a run while the first was running")
	case <-time.After(500 * time.Millisecond):
	}
	if err := ra.Put(ctx, &model.Record{Kind: model.KindEntity, ID: "a", Name: "A", Type: "company"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ra.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var rb store.Run
	select {
	case rb = <-began:
	case <-time.After(10 * time.Second):
		t.Fatal("the second store did not begin after the first committed")
	}
	if rb == nil {
		return
	}
	missing, err := rb.Missing(ctx, model.KindEntity, []string{"a", "b"})
	if err != nil || !slices.Equal(missing, []string{"b"}) {
		t.Errorf("second run sees missing %v (%v), want [b]", missing, err)
	}
	if err := rb.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestCommitWaitsForScans: a commit waits until running scans end, so a scan
// sees exactly one state.
func TestCommitWaitsForScans(t *testing.T) {
	neo4jtest.Lock(t)
	ctx := context.Background()
	st := open(t, neo4j.Config{})
	defer st.Close()
	reader := neo4jtest.Open(t, neo4j.Config{Log: testLog(t)})
	defer reader.Close()
	ingest(t, st, base)
	before := storetest.All(t, st)

	inScan, release := make(chan struct{}), make(chan struct{})
	scanned := make(chan []string, 1)
	go func() {
		var got []string
		first := true
		_, err := reader.Scan(ctx, func(r *model.Record) error {
			if first {
				close(inScan)
				<-release
				first = false
			}
			got = append(got, r.Key().String()+"|"+string(r.Encode(nil)))
			return nil
		})
		if err != nil {
			t.Error(err)
		}
		scanned <- got
	}()
	<-inScan
	committed := make(chan error, 1)
	go func() {
		_, err := e2e.Ingest(t, st, `{"kind":"entity","id":"c0","op":"delete"}
{"kind":"entity","id":"new","name":"New"}`, load.Options{})
		committed <- err
	}()
	select {
	case err := <-committed:
		t.Fatalf("a commit went through during a scan (%v)", err)
	case <-time.After(500 * time.Millisecond):
	}
	close(release)
	got := <-scanned
	if len(got) != len(before) {
		t.Errorf("scan saw %d records, want the %d before the commit", len(got), len(before))
	}
	if err := <-committed; err != nil {
		t.Fatal(err)
	}
}

// TestFreshRunRepeatsKeys: a staged run into an empty store that puts the same
// relationship in several batches (and deletes one) writes one relationship
// per key, with the last values and the right version.
func TestFreshRunRepeatsKeys(t *testing.T) {
	neo4jtest.Lock(t)
	st := open(t, neo4j.Config{SmallRun: 2, Batch: 2})
	defer st.Close()
	ingest(t, st, `{"kind":"ownership","owner":"a","owned":"b","percent":10}
{"kind":"entity","id":"a","name":"A"}
{"kind":"ownership","owner":"a","owned":"b","percent":20}
{"kind":"control","controller":"a","controlled":"b"}
{"kind":"entity","id":"b","name":"B"}
{"kind":"ownership","owner":"a","owned":"b","percent":30}
{"kind":"control","controller":"a","controlled":"b","op":"delete"}
{"kind":"ownership","owner":"a","owned":"c","percent":40}`)
	got := cypher(t, st, `MATCH (a:Entity)-[r]->(b:Entity) RETURN a.id AS a, type(r) AS type, b.id AS b, r.percent AS p ORDER BY b`)
	want := []map[string]any{{"a": "a", "type": "OWNS", "b": "b", "p": 30.0}, {"a": "a", "type": "OWNS", "b": "c", "p": 40.0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("relationships (-want +got):\n%s", diff)
	}
	var all []*model.Record
	if _, err := st.Scan(context.Background(), func(r *model.Record) error { c := *r; all = append(all, &c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 {
		t.Errorf("%d records, want 4", len(all))
	}
	if v, want := version(t, st), expected(all); v != want {
		t.Errorf("version %s, want %s", v, want)
	}
}
