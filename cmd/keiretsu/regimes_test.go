package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUserRegimes: a user's own regime (an internal blocked-vendor list caught at
// 25%) given to ingest with --regimes is stored with the data, so later commands
// know it without the file.
func TestUserRegimes(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	regimes := writeFile(t, dir, "regimes.json", `{"regimes": [{"id": "ACME-BLOCKED", "name": "Acme blocked vendors",
  "rule": "aggregate", "thresholds": [{"percent": 25, "inclusive": true}], "control": "caution"}]}`)
	records := `{"kind":"entity","id":"vendor","name":"Blocked Vendor"}
{"kind":"listing","regime":"ACME-BLOCKED","entity":"vendor"}
{"kind":"entity","id":"sub25","name":"Quarter-owned"}
{"kind":"ownership","owner":"vendor","owned":"sub25","percent":25}
{"kind":"entity","id":"sub24","name":"Less"}
{"kind":"ownership","owner":"vendor","owned":"sub24","percent":24.9}
`
	// Without the regime the listing is invalid input, and nothing is written.
	if r := keiretsu(t, records, "ingest", "--data", data, "-"); r.code == 0 || !strings.Contains(r.stderr, "unknown regime \"ACME-BLOCKED\"") {
		t.Fatalf("ingest without --regimes: %d %q", r.code, r.stderr)
	}
	if r := keiretsu(t, records, "ingest", "--data", data, "--regimes", regimes, "-"); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	for id, want := range map[string]int{"sub25": 5, "sub24": 0, "vendor": 5} {
		if r := keiretsu(t, "", "screen", "--data", data, "--entity", id, "--regime", "ACME-BLOCKED", "--as-of", "2024-01-01"); r.code != want {
			t.Errorf("%s: exit %d, want %d (%s)", id, r.code, want, r.stderr)
		}
	}
	// A later run may list under it without the file: the regime is stored.
	more := `{"kind":"entity","id":"other","name":"Other"}` + "\n" + `{"kind":"listing","regime":"ACME-BLOCKED","entity":"other"}` + "\n"
	if r := keiretsu(t, more, "ingest", "--data", data, "-"); r.code != 0 {
		t.Errorf("ingest under a stored regime: %s", r.stderr)
	}
	addr := startServe(t, "--data", data)
	if out := post(t, addr, `{ regimes { id builtin rule } }`); !strings.Contains(out, `{"id":"ACME-BLOCKED","builtin":false,"rule":"aggregate"}`) {
		t.Errorf("regimes: %s", out)
	}
	// A built-in regime cannot be redefined.
	bad := writeFile(t, dir, "bad.json", `[{"id": "US-OFAC-SDN", "name": "mine", "rule": "listed"}]`)
	if r := keiretsu(t, "", "screen", "--data", filepath.Join(dir, "other"), "--entity", "x", "--regimes", bad); r.code != 1 || !strings.Contains(r.stderr, "built in") {
		t.Errorf("redefining a built-in regime: %d %q", r.code, r.stderr)
	}
}
