package load_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// spillWorld is 3,000 entities, a third of them with a DUNS number another entity
// shares, and 8,000 ownership edges, each id e0..e3999 owned twice: the
// 1,000 ids from e3000 up are never defined.
func spillWorld() string {
	var b strings.Builder
	for i := range 3000 {
		if i%3 == 0 {
			fmt.Fprintf(&b, `{"kind":"entity","id":"e%d","name":"E%d","type":"company","identifiers":{"duns":"1%08d"}}`+"\n", i, i, i/6)
		} else {
			fmt.Fprintf(&b, `{"kind":"entity","id":"e%d","name":"E%d","type":"company"}`+"\n", i, i)
		}
	}
	// Each id's two references 4,000 edges apart, so that its count is split
	// between the spilled runs.
	for pass := range 2 {
		for i := range 4000 {
			fmt.Fprintf(&b, `{"kind":"ownership","owner":"e%d","owned":"e%d","percent":40}`+"\n", (i*7+pass)%3000, i)
		}
	}
	return b.String()
}

// TestSpilledBookkeepingAnswersTheSame runs the same ingest with everything
// the run remembers per id in memory and with all of it spilled to disk in
// small runs: the dangling references and the automatic links are the same,
// and are what the data says.
func TestSpilledBookkeepingAnswersTheSame(t *testing.T) {
	run := func(spilled bool) load.Summary {
		if spilled {
			defer load.SetSpill(50, 256)()
		}
		st, err := embedded.Open(t.TempDir(), embedded.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		src := native.NewReader("world.jsonl", strings.NewReader(spillWorld()), nil)
		sum, err := load.Run(context.Background(), st, []ingest.Source{src}, load.Options{AutoLink: true, TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	before := load.Spilled()
	mem := run(false)
	if n := load.Spilled() - before; n != 0 {
		t.Fatalf("the run with the default limits spilled %d runs", n)
	}
	disk := run(true)
	if n := load.Spilled() - before; n < 10 {
		t.Fatalf("the run with small limits spilled %d runs", n)
	}
	if mem.Dangling != 2000 || disk.Dangling != 2000 {
		t.Errorf("dangling references: %d in memory, %d spilled, want 2000", mem.Dangling, disk.Dangling)
	}
	if !slices.Equal(mem.DanglingIDs, disk.DanglingIDs) || len(disk.DanglingIDs) != 100 || disk.DanglingIDs[0] != "entity e3000" {
		t.Errorf("dangling ids differ or are not the first in order:\n%v\n%v", mem.DanglingIDs, disk.DanglingIDs)
	}
	// DUNS n is held by e(6n) and e(6n+3): 500 pairs.
	if mem.AutoLinked != 500 || disk.AutoLinked != 500 {
		t.Errorf("automatic links: %d in memory, %d spilled, want 500", mem.AutoLinked, disk.AutoLinked)
	}
}
