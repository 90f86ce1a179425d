package main

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// tuneGC sets the garbage collector for a long-running server, unless GOGC or
// GOMEMLIMIT say otherwise: most of the heap is the projection, whose arrays hold
// no pointers, while every request allocates short-lived garbage, so collecting
// less often (GOGC 400) takes tail latency down; a soft memory limit of 70% of
// the machine's memory keeps a large projection from growing the heap past it.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if total := memTotal(); total > 0 {
			debug.SetMemoryLimit(total / 10 * 7)
		}
	}
}

// memTotal returns the machine's memory in bytes from /proc/meminfo, or 0.
func memTotal() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}
