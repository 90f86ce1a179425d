package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/bench"
)

// TestBenchLoad runs a short `keiretsu bench --load`: every phase runs, the
// honest clients see no error and no two answers of one dataVersion differ,
// the ingest phases commit runs that change the dataVersion, and every
// hostile query that the limits refuse is refused with its code.
func TestBenchLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a serve for several seconds")
	}
	r := keiretsu(t, "", "bench", "--load", "--json", "--load-seconds", "2", "--load-clients", "4", "--load-hostile", "2",
		"--load-rps", "200", "--load-ingest-every", "100ms", "--load-hostile-only", "refused")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var res bench.LoadResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.Phases {
		names = append(names, p.Name)
		if p.HonestRequests == 0 || p.HonestErrors != 0 || p.Inconsistent != 0 {
			t.Errorf("%s: %+v", p.Name, p)
		}
		if strings.Contains(p.Name, "ingesting") && (p.Ingests == 0 || p.DataVersions < 2) {
			t.Errorf("%s: %d ingests, %d dataVersions", p.Name, p.Ingests, p.DataVersions)
		}
		for _, h := range p.Hostile {
			want := map[string]string{"cost": "200 COMPLEXITY_LIMIT_EXCEEDED", "depth": "200 COMPLEXITY_LIMIT_EXCEEDED",
				"screenings": "200 BAD_USER_INPUT", "fields": "200 COMPLEXITY_LIMIT_EXCEEDED", "tokens": "200 COMPLEXITY_LIMIT_EXCEEDED",
				"413": "413 TOO_LARGE"}
			for k, outcome := range want {
				if strings.Contains(h.Query, "refused: "+k) {
					for got, n := range h.Outcomes {
						if got != outcome {
							t.Errorf("%s: %s ended %q %d times, want %q", p.Name, h.Query, got, n, outcome)
						}
					}
				}
			}
		}
	}
	if strings.Join(names, " ") != "quiet ingesting hostile hostile_ingesting" || res.ServerPeakRSSMB <= 0 {
		t.Errorf("phases %v, peak RSS %v", names, res.ServerPeakRSSMB)
	}
}
