package load

import (
	"os"
	"strconv"
	"strings"
)

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
