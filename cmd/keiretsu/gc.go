package main

import (
	"os"
	"runtime"
	"runtime/debug"

	"github.com/keiretsu/keiretsu/internal/load"
)

// The garbage collector's settings are process-wide, so only commands set them:
// an ingest run collects less often while it holds its records, a server once
// its data is loaded.

// collectLessOften sets the garbage collector for an ingest run, which holds
// its records in memory until it commits: collecting less often (GOGC 400)
// makes the run faster, and a soft memory limit of half the memory the process
// may use makes a large run collect more often near it instead of running out
// of memory. GOGC and GOMEMLIMIT, when set, win. It returns a function that
// restores the previous settings.
func collectLessOften() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(400)
		undo = append(undo, func() { debug.SetGCPercent(prev) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if total := load.UsableMemory(); total > 0 {
			prev := debug.SetMemoryLimit(total / 2)
			undo = append(undo, func() { debug.SetMemoryLimit(prev) })
		}
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
