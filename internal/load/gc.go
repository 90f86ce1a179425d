package load

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// CollectLessOften sets the garbage collector for an ingest run, which holds
// its records in memory until it commits: collecting less often (GOGC 400)
// makes the run faster, and a soft memory limit of half the memory the process
// may use makes a large run collect more often near it instead of running out
// of memory. GOGC and GOMEMLIMIT, when set, win. It returns a function that
// restores the previous settings.
func CollectLessOften() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(400)
		undo = append(undo, func() { debug.SetGCPercent(prev) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if total := UsableMemory(); total > 0 {
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

// UsableMemory is the memory this process may use in bytes: the machine's, or
// its cgroup's limit when lower; 0 when unknown.
func UsableMemory() int64 {
	meminfo, _ := os.ReadFile("/proc/meminfo")
	cgroupMax, _ := os.ReadFile("/sys/fs/cgroup/memory.max")
	return memoryLimit(string(meminfo), string(cgroupMax))
}

// memoryLimit reads MemTotal from /proc/meminfo's text and lowers it to a
// cgroup v2 memory.max ("max" or a number of bytes) when that is lower.
func memoryLimit(meminfo, cgroupMax string) int64 {
	var total int64
	for line := range strings.Lines(meminfo) {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil && kb > 0 {
				total = kb << 10
			}
		}
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(cgroupMax), 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
		total = n
	}
	return total
}
