package neo4j_test

import (
	"context"
	"os"
	"testing"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/store"
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
