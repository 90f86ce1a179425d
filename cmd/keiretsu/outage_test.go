package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// privateNeo4j starts a Neo4j of the test's own in dir (tools/neo4j/start),
// on port when given, and returns its URI.
func privateNeo4j(t *testing.T, dir, port string) string {
	t.Helper()
	args := []string{dir}
	if port != "" {
		args = []string{"--port", port, dir}
	}
	out, err := exec.Command("../../tools/neo4j/start", args...).Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("tools/neo4j/start: %v", err)
		}
		t.Skipf("no private neo4j (tools/neo4j/start: %v)", err)
	}
	return strings.TrimSpace(string(out))
}

func stopNeo4j(dir string) { _ = exec.Command("../../tools/neo4j/stop", dir).Run() }

func readyz(addr string) (int, string) {
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestNeo4jOutage stops the serve's Neo4j and starts it again on the same
// directory: meanwhile /readyz is degraded with the reason, screening goes
// on from the projection, reads of records fail at once with UNAVAILABLE
// (not at the request deadline), and once Neo4j is back the serve is ready
// again and catches up with a run another process committed.
func TestNeo4jOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own Neo4j twice")
	}
	dir := filepath.Join(t.TempDir(), "neo4j")
	uri := privateNeo4j(t, dir, "")
	t.Cleanup(func() { stopNeo4j(dir) })
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	if r := keiretsu(t, verdictData, "ingest", "--neo4j", uri, "-"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	addr := startServe(t, "--neo4j", uri, "--follow", "300ms", "--timeout", "30s")
	if code, body := readyz(addr); code != 200 || !strings.Contains(body, `"ready"`) {
		t.Fatalf("readyz before: %d %s", code, body)
	}
	screen := `{ screenEntity(id: "sub", asOf: "2024-01-01", regimes: ["US-OFAC-SDN"]) { verdict dataVersion } }`
	if out := post(t, addr, screen); !strings.Contains(out, `"EXPOSED"`) {
		t.Fatalf("before: %s", out)
	}

	stopNeo4j(dir)
	deadline := time.Now().Add(30 * time.Second)
	code, body := readyz(addr)
	for code != 503 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		code, body = readyz(addr)
	}
	var ready struct{ Status, Reason string }
	if err := json.Unmarshal([]byte(body), &ready); code != 503 || err != nil || ready.Status != "degraded" || ready.Reason == "" {
		t.Fatalf("readyz with Neo4j down: %d %s", code, body)
	}
	if out := post(t, addr, screen); !strings.Contains(out, `"EXPOSED"`) || strings.Contains(out, "errors") {
		t.Errorf("screening with Neo4j down: %s", out)
	}
	if out := post(t, addr, `{ entity(id: "clean") { name } }`); !strings.Contains(out, `"UNAVAILABLE"`) || !strings.Contains(out, "unreachable") {
		t.Errorf("a record read with Neo4j down: %s", out)
	}

	privateNeo4j(t, dir, u.Port())
	more := `{"kind":"ownership","owner":"listed","owned":"clean","percent":51}` + "\n"
	if r := keiretsu(t, more, "ingest", "--neo4j", uri, "-"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		code, body = readyz(addr)
		out := post(t, addr, `{ screenEntity(id: "clean", asOf: "2024-01-01", regimes: ["US-OFAC-SDN"]) { verdict } entity(id: "clean") { name } }`)
		if code == 200 && strings.Contains(out, `"EXPOSED"`) && strings.Contains(out, `"Clean Co"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not caught up after Neo4j came back: readyz %d %s; %s", code, body, out)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
