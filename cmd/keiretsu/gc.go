package main

import (
	"os"
	"runtime"
	"runtime/debug"

	"github.com/keiretsu/keiretsu/internal/load"
)

// The garbage collector's settings are process-wide, so only commands set them:
// an ingest run collects less often while it reads, a server once its data is
// loaded.

// ingestMemoryLimit is the soft memory limit of an ingest run: the store
// holds a bounded buffer of the run (embedded.DefaultRunBuffer) whatever its
// size, so the heap need not grow with the run; what does grow with it (the
// loader's and the history's bookkeeping of the keys and ids it writes) makes
// the collector run more often past the limit, not fail.
const ingestMemoryLimit = 1 << 30

// collectLessOften sets the garbage collector for an ingest run: collecting
// less often (GOGC 400) makes the run faster, and a soft memory limit of
// ingestMemoryLimit (or half the memory the process may use, when less) makes
// it collect more often near the limit instead of letting garbage grow to five
// times the live heap. GOGC and GOMEMLIMIT, when set, win. It returns a
// function that restores the previous settings.
func collectLessOften() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(400)
		undo = append(undo, func() { debug.SetGCPercent(prev) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit := int64(ingestMemoryLimit)
		if total := load.UsableMemory(); total > 0 {
			limit = min(limit, total/2)
		}
		prev := debug.SetMemoryLimit(limit)
		undo = append(undo, func() { debug.SetMemoryLimit(prev) })
	}
	return func() {
		for _, f := range undo {
			f()
		}
	}
}

// tuneGC sets the garbage collector for serving, once the data is loaded, unless
// GOGC or GOMEMLIMIT say otherwise. Most of the heap is then the projection,
// whose arrays hold no pointers, while every request allocates short-lived
// garbage: collecting less often (GOGC 400) takes tail latency down, and a soft
// memory limit of twice the live heap (at least the live heap plus 1 GiB) keeps
// the garbage from growing past the data itself.
func tuneGC() {
	if os.Getenv("GOMEMLIMIT") == "" {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		live := int64(ms.HeapAlloc)
		debug.SetMemoryLimit(max(2*live, live+1<<30))
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
