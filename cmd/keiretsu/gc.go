package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"

	"github.com/keiretsu/keiretsu/internal/load"
)

// The garbage collector's settings are process-wide, so only commands set them:
// an ingest run collects less often while it reads, a server once its data is
// loaded.

// ingestMemoryLimit is the least soft memory limit of an ingest run: the
// store holds a bounded buffer of the run (embedded.DefaultRunBuffer) whatever
// its size, so the heap need not grow with the run; what does grow with it
// (the loader's and the history's bookkeeping of the keys and ids it writes)
// raises the limit with the live heap (see adaptLimit).
const ingestMemoryLimit = 1 << 30

// collectLessOften sets the garbage collector for an ingest run: collecting
// less often (GOGC 400) makes the run faster, and a soft memory limit of
// ingestMemoryLimit or twice the live heap, whichever is more (at most half
// the memory the process may use), makes it collect more often near the limit
// instead of letting garbage grow to five times the live heap, without
// collecting all the time when the live heap nears a fixed limit. GOGC and
// GOMEMLIMIT, when set, win. It returns a function that restores the previous
// settings.
func collectLessOften() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(400)
		undo = append(undo, func() { debug.SetGCPercent(prev) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		ceiling := int64(math.MaxInt64)
		if total := load.UsableMemory(); total > 0 {
			ceiling = total / 2
		}
		undo = append(undo, adaptLimit(ingestMemoryLimit, ceiling))
	}
	return func() {
		for _, f := range undo {
			f()
		}
	}
}

// adaptLimit sets the soft memory limit to floor, and after every collection
// to twice the live heap when that is more, never past ceiling, until the
// function it returns restores the limit it found.
func adaptLimit(floor, ceiling int64) (restore func()) {
	var mu sync.Mutex
	stopped := false
	set := func(live int64) { debug.SetMemoryLimit(min(ceiling, max(floor, 2*live))) }
	prev := debug.SetMemoryLimit(min(ceiling, floor))
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	// A finalizer runs after each collection that finds its object
	// unreachable: one per collection, each arming the next.
	type sentinel struct {
		_ [16]byte
		p *int
	}
	var arm func()
	arm = func() {
		runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
			mu.Lock()
			defer mu.Unlock()
			if stopped {
				return
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				set(int64(sample[0].Value.Uint64()))
			}
			arm()
		})
	}
	arm()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		debug.SetMemoryLimit(prev)
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
