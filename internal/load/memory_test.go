package load

import (
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
