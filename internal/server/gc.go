package server

import (
	"os"
	"runtime"
	"runtime/debug"
)

// TuneGC sets the garbage collector for serving, once the data is loaded, unless
// GOGC or GOMEMLIMIT say otherwise. Most of the heap is then the projection,
// whose arrays hold no pointers, while every request allocates short-lived
// garbage: collecting less often (GOGC 400) takes tail latency down, and a soft
// memory limit of twice the live heap (at least the live heap plus 1 GiB) keeps
// the garbage from growing past the data itself.
func TuneGC() {
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
