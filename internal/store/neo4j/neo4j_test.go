package neo4j_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/rs/zerolog"

	feed "github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

func TestMain(m *testing.M) {
	if child() {
		return
	}
	os.Exit(neo4jtest.Main(m))
}

// testLog is the store logger in tests: warnings and errors, to the test output.
func testLog(t testing.TB) zerolog.Logger {
	return zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
}

// open opens a wiped store; the test must hold neo4jtest.Lock.
func open(t testing.TB, cfg neo4j.Config) *neo4j.Store {
	t.Helper()
	cfg.Log = testLog(t)
	st := neo4jtest.Open(t, cfg)
	if err := st.Wipe(context.Background()); err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st
}

// conform runs the store contract, the change feed's and the end-to-end
// suite against stores opened with cfg.
func conform(t *testing.T, cfg neo4j.Config) {
	open := func(t *testing.T) store.Store { return open(t, cfg) }
	storetest.Run(t, open)
	storetest.RunFollower(t, open)
	e2e.Run(t, open)
}

func TestConformance(t *testing.T) {
	neo4jtest.Lock(t)
	conform(t, neo4j.Config{})
}

// TestConformanceStaged runs the suite with every run larger than two writes
// staged in batches of three.
func TestConformanceStaged(t *testing.T) {
	neo4jtest.Lock(t)
	conform(t, neo4j.Config{SmallRun: 2, Batch: 3, NoLoad: true})
}

// TestConformanceLoad runs the suite with every run larger than two writes
// into an empty store loaded directly in batches of three (later runs are
// staged).
func TestConformanceLoad(t *testing.T) {
	neo4jtest.Lock(t)
	conform(t, neo4j.Config{SmallRun: 2, Batch: 3})
}

// TestConformanceSmallPages runs the suite with scans reading pages of two
// nodes, so that every scan crosses pages, placeholders among them.
func TestConformanceSmallPages(t *testing.T) {
	neo4jtest.Lock(t)
	conform(t, neo4j.Config{ScanPage: 2})
}

// TestScanPages scans a generated world (holdings with many subsidiaries,
// placeholder regimes, every kind of relationship) and a hub owning 500 of its
// entities in pages of up to 7 nodes, and compares it with the embedded store's
// scan of the same records. Pages shrink after the hub's and grow back. A scan
// whose callback fails midway returns that error, and the next scan is whole.
func TestScanPages(t *testing.T) {
	neo4jtest.Lock(t)
	ctx := context.Background()
	st := open(t, neo4j.Config{ScanPage: 7})
	defer st.Close()
	ref, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	cfg := gen.ForEdges(3000)
	for _, s := range []store.Store{st, ref} {
		run, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := gen.Records(cfg, func(op *feed.Op) error { return run.Put(ctx, &op.Record) }); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 500; i++ {
			r := &model.Record{Kind: model.KindOwnership, Src: "a-hub", Dst: fmt.Sprintf("e%d", i), Valid: model.Always, Share: model.Exact(0.1)}
			r.Normalize()
			if err := run.Put(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := run.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := storetest.All(t, ref)
	var asked []int
	neo4j.SetScanHook(st, func(n, nodes, rels int) {
		asked = append(asked, n)
		if nodes > n {
			t.Errorf("a page of %d nodes, asked for %d", nodes, n)
		}
	})
	if got := storetest.All(t, st); !slices.Equal(got, want) {
		t.Fatalf("paged scan: %d records, want %d", len(got), len(want))
	}
	neo4j.SetScanHook(st, nil)
	shrunk := slices.IndexFunc(asked, func(n int) bool { return n < 7 })
	if shrunk < 0 || !slices.Contains(asked[shrunk:min(shrunk+5, len(asked))], 7) {
		t.Errorf("pages asked for %v nodes: want them to shrink after the hub's and grow back", asked)
	}
	stop := errors.New("stop")
	n := 0
	_, err = st.Scan(ctx, func(*model.Record) error {
		if n++; n == 100 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 100 {
		t.Fatalf("scan with a failing callback: %v after %d records", err, n)
	}
	if got := storetest.All(t, st); !slices.Equal(got, want) {
		t.Fatalf("scan after a failed one: %d records, want %d", len(got), len(want))
	}
}
