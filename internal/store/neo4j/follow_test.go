package neo4j_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

func position(t *testing.T, f *neo4j.Store) uint64 {
	t.Helper()
	p, err := f.Position(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFollower: a store sees the changes another store (another driver, as
// another process) commits, small and staged, in order; and it is told to
// reload when the log no longer reaches back far enough.
func TestFollower(t *testing.T) {
	neo4jtest.Lock(t)
	ctx := context.Background()
	writer := open(t, neo4j.Config{SmallRun: 3, Batch: 2, KeepRuns: 3, LogMax: 6})
	defer writer.Close()
	follower := neo4jtest.Open(t, neo4j.Config{Log: testLog(t)})
	defer follower.Close()

	p0 := position(t, follower)
	ingest(t, writer, `{"kind":"entity","id":"a","name":"A"}
{"kind":"entity","id":"b","name":"B"}`)
	ingest(t, writer, `{"kind":"ownership","owner":"a","owned":"b","percent":60}
{"kind":"entity","id":"a","op":"delete"}
{"kind":"entity","id":"c","name":"C"}
{"kind":"entity","id":"c","name":"C2"}`) // staged: 4 writes > SmallRun 3
	ch, m2, err := follower.Changes(ctx, p0)
	if err != nil {
		t.Fatal(err)
	}
	p2, v := m2.Position, m2.Version
	// One change per key, the last. Within a staged run, node records come
	// before relationships: compare as sets.
	want := []string{"delete entity a", "put entity b", "put entity c", "put ownership a->b"}
	if diff := cmp.Diff(want, storetest.Summary(ch)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if p2 != p0+2 || p2 != position(t, writer) {
		t.Errorf("position %d, want %d", p2, p0+2)
	}
	if v != version(t, writer) {
		t.Errorf("changes version %s, store version %s", v, version(t, writer))
	}
	for _, c := range ch {
		if c.Key.Src == "c" && (c.Record == nil || c.Record.Name != "C2") {
			t.Errorf("change of c %+v, want the last put, C2", c.Record)
		}
	}
	if ch, m, err := follower.Changes(ctx, p2); err != nil || len(ch) != 0 || m != m2 {
		t.Errorf("changes at the head: %v %+v %v", ch, m, err)
	}

	// A run larger than LogMax is left out of the log: followers behind it reload.
	var big string
	for i := range 7 {
		big += `{"kind":"entity","id":"big` + string(rune('0'+i)) + `","name":"Big"}` + "\n"
	}
	ingest(t, writer, big)
	if _, _, err := follower.Changes(ctx, p2); !errors.Is(err, store.ErrResync) {
		t.Errorf("changes across a run larger than LogMax: %v, want ErrResync", err)
	}
	p3 := position(t, writer)
	// The log keeps KeepRuns runs.
	for range 4 {
		ingest(t, writer, `{"kind":"entity","id":"x","name":"X"}`)
	}
	if _, _, err := follower.Changes(ctx, p3); !errors.Is(err, store.ErrResync) {
		t.Errorf("changes older than KeepRuns: %v, want ErrResync", err)
	}
	// The last 3 runs are kept; they put the same record, reported once.
	if ch, _, err := follower.Changes(ctx, position(t, writer)-3); err != nil || !cmp.Equal(storetest.Summary(ch), []string{"put entity x"}) {
		t.Errorf("changes of the last 3 runs: %v, %v", storetest.Summary(ch), err)
	}
	// A wipe restarts the log.
	p4 := position(t, writer)
	if err := writer.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := follower.Changes(ctx, p4); !errors.Is(err, store.ErrResync) {
		t.Errorf("changes across a wipe: %v, want ErrResync", err)
	}
	if position(t, follower) <= p4 {
		t.Error("wipe did not advance the position")
	}
	if v := version(t, follower); v != (model.Hash{}) {
		t.Errorf("version after wipe %s", v)
	}
}
