package neo4j_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/rs/zerolog"

	feed "github.com/keiretsu/keiretsu/ingest"
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

func TestConformance(t *testing.T) {
	neo4jtest.Lock(t)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, neo4j.Config{}) })
}

// TestConformanceStaged runs the suite with every run larger than two writes
// staged in batches of three.
func TestConformanceStaged(t *testing.T) {
	neo4jtest.Lock(t)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, neo4j.Config{SmallRun: 2, Batch: 3, NoLoad: true}) })
}

// TestConformanceLoad runs the suite with every run larger than two writes
// into an empty store loaded directly in batches of three (later runs are
// staged).
func TestConformanceLoad(t *testing.T) {
	neo4jtest.Lock(t)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, neo4j.Config{SmallRun: 2, Batch: 3}) })
}

// TestConformanceSmallPages runs the suite with scans reading pages of two
// nodes, so that every scan crosses pages, placeholders among them.
func TestConformanceSmallPages(t *testing.T) {
	neo4jtest.Lock(t)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, neo4j.Config{ScanPage: 2}) })
}

// TestScanPages scans a generated world (holdings with many subsidiaries,
// placeholder regimes, every kind of relationship) in pages of 7 nodes and
// compares it with the embedded store's scan of the same records; a scan whose
// callback fails midway returns that error, and the next scan is whole.
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
		if _, err := run.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := storetest.All(t, ref)
	if got := storetest.All(t, st); !slices.Equal(got, want) {
		t.Fatalf("paged scan: %d records, want %d", len(got), len(want))
	}
	stop := errors.New("stop")
	n := 0
	err = st.Scan(ctx, func(*model.Record) error {
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
