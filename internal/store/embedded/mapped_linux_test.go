package embedded_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// mappedKB is the resident size of this process's map of the file at path
// (its Rss in /proc/self/smaps), in KiB.
func mappedKB(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	total, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = len(fields) >= 6 && fields[len(fields)-1] == path
			continue
		}
		if in && len(fields) == 3 && fields[0] == "Rss:" {
			kb, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatal(err)
			}
			total += kb
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

// TestMappedPagesAreGivenBack checks that neither a staged run nor a scan
// leaves the database file resident in the process: bbolt reads through a
// memory map, and without dropMapped every page read stays in the resident
// set, so a scan of a file larger than the memory would end with all of it.
func TestMappedPagesAreGivenBack(t *testing.T) {
	const buffer = 1 << 20
	const runBytes = 64 << 20
	const bound = 16 << 10 // KiB: a quarter of the run
	defer embedded.SetDropEvery(embedded.SetDropEvery(4 << 20))
	dir := t.TempDir()
	st, err := embedded.Open(dir, embedded.Options{RunBuffer: buffer})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path, _ := filepath.EvalSymlinks(filepath.Join(dir, embedded.FileName))
	ctx := context.Background()
	peak := 0
	embedded.SetHook(st, func(string, int) { peak = max(peak, mappedKB(t, path)) })
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, run, "d", runBytes)
	if _, err := run.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if st.LastRun().Spills == 0 {
		t.Fatal("the run was not staged")
	}
	t.Logf("staged run: at most %d KiB of the file resident", peak)
	if peak > bound {
		t.Errorf("a staged run of %d MiB left %d KiB of the file resident, bound %d", runBytes>>20, peak, bound)
	}
	peak, n := 0, 0
	if _, err := st.Scan(ctx, func(*model.Record) error {
		if n++; n%5000 == 0 {
			peak = max(peak, mappedKB(t, path))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("scan of %d records: at most %d KiB of the file resident", n, peak)
	if peak > bound {
		t.Errorf("a scan of %d MiB left %d KiB of the file resident, bound %d", runBytes>>20, peak, bound)
	}
}
