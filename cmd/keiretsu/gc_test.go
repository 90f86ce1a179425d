package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/keiretsu/keiretsu/internal/load"
)

// gcSettings reads the collector's percent and memory limit without changing
// them.
func gcSettings() (int, int64) {
	pct := debug.SetGCPercent(100)
	debug.SetGCPercent(pct)
	return pct, debug.SetMemoryLimit(-1)
}

func TestCollectLessOften(t *testing.T) {
	pct0, lim0 := gcSettings()
	defer debug.SetGCPercent(pct0)
	defer debug.SetMemoryLimit(lim0)

	t.Run("defaults", func(t *testing.T) {
		t.Setenv("GOGC", "")
		t.Setenv("GOMEMLIMIT", "")
		debug.SetGCPercent(150)
		debug.SetMemoryLimit(math.MaxInt64)
		restore := collectLessOften()
		pct, lim := gcSettings()
		if pct != 400 {
			t.Errorf("GOGC %d during the run, want 400", pct)
		}
		want := int64(ingestMemoryLimit)
		if total := load.UsableMemory(); total > 0 {
			want = min(want, total/2)
		}
		if lim != want {
			t.Errorf("memory limit %d during the run, want %d", lim, want)
		}
		// A live heap of more than half the limit raises it to twice the
		// live heap after a collection.
		live := make([]byte, ingestMemoryLimit*3/4)
		want = 2 * int64(len(live))
		if total := load.UsableMemory(); total > 0 {
			want = min(want, total/2)
		}
		// The limit follows in a finalizer, run after a collection ends.
		for i := 0; i < 20 && lim < want; i++ {
			runtime.GC()
			runtime.Gosched()
			_, lim = gcSettings()
		}
		if total := load.UsableMemory(); lim < want || total > 0 && lim > total/2 {
			t.Errorf("memory limit %d with a live heap of %d, want at least %d (at most half of %d)", lim, len(live), want, total)
		}
		runtime.KeepAlive(live)
		restore()
		if pct, lim := gcSettings(); pct != 150 || lim != math.MaxInt64 {
			t.Errorf("after the run: GOGC %d, limit %d; want 150 and no limit", pct, lim)
		}
	})
	t.Run("environment wins", func(t *testing.T) {
		t.Setenv("GOGC", "150")
		t.Setenv("GOMEMLIMIT", "1GiB")
		debug.SetGCPercent(150)
		debug.SetMemoryLimit(1 << 30)
		restore := collectLessOften()
		if pct, lim := gcSettings(); pct != 150 || lim != 1<<30 {
			t.Errorf("GOGC %d, limit %d; want the environment's 150 and 1 GiB", pct, lim)
		}
		restore()
	})
}
