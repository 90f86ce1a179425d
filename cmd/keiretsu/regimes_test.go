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

// TestUserRegimesNameStoredRegimes: a regimes file given to ingest, serve or screen
// may name in listingsOf a regime that only an earlier run stored (contract
// section 5.3), and one that names a regime nobody stored, or closes a cycle
// through a stored one, is refused naming the regime and the field.
func TestUserRegimesNameStoredRegimes(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	base := writeFile(t, dir, "base.json", `[{"id": "ACME-LIST", "rule": "listed"}]`)
	records := `{"kind":"entity","id":"vendor","name":"Vendor"}
{"kind":"entity","id":"sub","name":"Subsidiary"}
{"kind":"ownership","owner":"vendor","owned":"sub","percent":100}
{"kind":"listing","regime":"ACME-LIST","entity":"vendor"}
`
	if r := keiretsu(t, records, "ingest", "--data", data, "--regimes", base, "-"); r.code != 0 {
		t.Fatalf("ingest with the base regime: %s", r.stderr)
	}
	// ACME-LIST is stored now; a later file builds on it without repeating it.
	later := writeFile(t, dir, "later.json", `[{"id": "ACME-AFFIL", "rule": "affiliate", "directions": ["down"], "seeds": {"listingsOf": ["ACME-LIST"]}}]`)
	if r := keiretsu(t, `{"kind":"entity","id":"x","name":"X"}`+"\n", "ingest", "--data", data, "--regimes", later, "-"); r.code != 0 {
		t.Fatalf("ingest naming a stored regime in listingsOf: %d %s", r.code, r.stderr)
	}
	if r := keiretsu(t, "", "screen", "--data", data, "--entity", "sub", "--regime", "ACME-AFFIL", "--as-of", "2024-01-01"); r.code != 5 {
		t.Errorf("screen sub under the stored ACME-AFFIL: exit %d, want 5 (%s)", r.code, r.stderr)
	}
	serveFile := writeFile(t, dir, "serve.json", `[{"id": "ACME-SERVE", "rule": "affiliate", "directions": ["down"], "seeds": {"listingsOf": ["ACME-LIST"]}}]`)
	addr, stop := serveUntil(t, "--data", data, "--regimes", serveFile)
	if out := post(t, addr, `{ screenEntity(id: "sub", asOf: "2024-01-01", regimes: ["ACME-SERVE"]) { verdict results { findings { listedEntity { id } path { kind to } } } } }`); !strings.Contains(out, `"verdict":"EXPOSED"`) ||
		!strings.Contains(out, `{"kind":"LISTING","to":"ACME-LIST"}`) {
		t.Errorf("serve --regimes naming a stored regime: %s", out)
	}
	stop()
	if r := keiretsu(t, "", "screen", "--data", data, "--entity", "sub", "--regimes", serveFile, "--regime", "ACME-SERVE", "--as-of", "2024-01-01"); r.code != 5 {
		t.Errorf("screen --regimes naming a stored regime: exit %d (%s)", r.code, r.stderr)
	}
	// Naming a regime that nobody stored is still an error, and writes nothing.
	unknown := writeFile(t, dir, "unknown.json", `[{"id": "ACME-BAD", "rule": "listed", "seeds": {"listingsOf": ["NOBODY"]}}]`)
	for _, args := range [][]string{{"ingest", "--data", data, "--regimes", unknown, "-"}, {"serve", "--data", data, "--regimes", unknown}} {
		if r := keiretsu(t, `{"kind":"entity","id":"y","name":"Y"}`+"\n", args...); r.code != 1 ||
			!strings.Contains(r.stderr, "regime ACME-BAD: field seeds.listingsOf") || !strings.Contains(r.stderr, `"NOBODY"`) {
			t.Errorf("%s naming an unknown regime: %d %q", args[0], r.code, r.stderr)
		}
	}
	// Redefining the stored ACME-LIST to name ACME-AFFIL closes a cycle through
	// what earlier runs stored.
	cycle := writeFile(t, dir, "cycle.json", `[{"id": "ACME-LIST", "rule": "listed", "seeds": {"listingsOf": ["ACME-AFFIL"]}}]`)
	if r := keiretsu(t, `{"kind":"entity","id":"y","name":"Y"}`+"\n", "ingest", "--data", data, "--regimes", cycle, "-"); r.code != 1 || !strings.Contains(r.stderr, "cycle") {
		t.Errorf("ingest closing a cycle through a stored regime: %d %q", r.code, r.stderr)
	}
	if r := keiretsu(t, "", "screen", "--data", data, "--entity", "y"); r.code != 1 {
		t.Errorf("after the refused runs, screening y: exit %d, want 1 (unknown entity) (%s)", r.code, r.stderr)
	}
	// The same through a serve that holds the store: the client knows the
	// stored regimes' ids, the serve refuses the cycle through their definitions.
	addr, stop = serveUntil(t, "--data", data)
	defer stop()
	if r := keiretsu(t, `{"kind":"entity","id":"y","name":"Y"}`+"\n", "ingest", "--data", data, "--regimes", cycle, "-"); r.code != 1 || !strings.Contains(r.stderr, "cycle") {
		t.Errorf("live ingest closing a cycle through a stored regime: %d %q", r.code, r.stderr)
	}
	liveFile := writeFile(t, dir, "live.json", `[{"id": "ACME-LIVE", "rule": "affiliate", "directions": ["down"], "seeds": {"listingsOf": ["ACME-AFFIL"]}}]`)
	if r := keiretsu(t, `{"kind":"entity","id":"z","name":"Z"}`+"\n", "ingest", "--data", data, "--regimes", liveFile, "-"); r.code != 0 {
		t.Errorf("live ingest naming a stored regime: %d %q", r.code, r.stderr)
	}
	if out := post(t, addr, `{ y: search(text: "Y", limit: 5) { id } z: entity(id: "z") { id } }`); strings.Contains(out, `"id":"y"`) || !strings.Contains(out, `{"id":"z"}`) {
		t.Errorf("after the live runs: %s", out)
	}
}
