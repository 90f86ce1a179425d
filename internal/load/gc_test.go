package load

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	const meminfo = "MemTotal:       24684132 kB\nMemFree:        19000000 kB\n"
	cases := []struct {
		meminfo, cgroup string
		want            int64
	}{
		{meminfo, "", 24684132 << 10},
		{meminfo, "max\n", 24684132 << 10},
		{meminfo, "4294967296\n", 4 << 30},
		{meminfo, "99999999999999\n", 24684132 << 10},
		{"", "4294967296", 4 << 30},
		{"", "", 0},
		{"MemTotal: lots\n", "max", 0},
	}
	for _, c := range cases {
		if got := memoryLimit(c.meminfo, c.cgroup); got != c.want {
			t.Errorf("memoryLimit(%q, %q) = %d, want %d", c.meminfo, c.cgroup, got, c.want)
		}
	}
}

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
		restore := CollectLessOften()
		pct, lim := gcSettings()
		if pct != 400 {
			t.Errorf("GOGC %d during the run, want 400", pct)
		}
		if total := UsableMemory(); total > 0 && lim != total/2 {
			t.Errorf("memory limit %d during the run, want half of %d", lim, total)
		}
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
		restore := CollectLessOften()
		if pct, lim := gcSettings(); pct != 150 || lim != 1<<30 {
			t.Errorf("GOGC %d, limit %d; want the environment's 150 and 1 GiB", pct, lim)
		}
		restore()
	})
}
