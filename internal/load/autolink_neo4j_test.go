package load_test

import (
	"context"
	"os"
	"testing"

	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
)

func TestMain(m *testing.M) { os.Exit(neo4jtest.Main(m)) }

// TestAutoLinkNeo4j runs the automatic-link scenarios on Neo4j too (the links are
// computed with a Scan while the run is open), plain and with runs staged in
// small batches.
func TestAutoLinkNeo4j(t *testing.T) {
	neo4jtest.Lock(t)
	for _, tc := range []struct {
		name string
		cfg  neo4j.Config
	}{
		{"plain", neo4j.Config{}},
		{"staged", neo4j.Config{SmallRun: 2, Batch: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testAutoLink(t, func(t *testing.T) store.Store {
				st := neo4jtest.Open(t, tc.cfg)
				t.Cleanup(func() { st.Close() })
				if err := st.Wipe(context.Background()); err != nil {
					t.Fatal(err)
				}
				return st
			})
		})
	}
}
