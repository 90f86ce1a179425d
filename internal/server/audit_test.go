package server_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/server"
)

func readLines(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func verify(t *testing.T, file string) (int, error) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, _, err := server.VerifyAudit(f)
	return n, err
}

// TestAuditLog: every screening answered is one line naming the token, the
// subjects, regimes, day, dataVersion and verdicts, on the fast path and the
// executor; lines chain across restarts; an edited, removed or reordered line
// breaks the chain.
func TestAuditLog(t *testing.T) {
	svc := demoService(t)
	file := filepath.Join(t.TempDir(), "audit.jsonl")
	tokens, toks := tokensFile(t)
	access, err := server.LoadAccess(tokens)
	if err != nil {
		t.Fatal(err)
	}
	start := func() (*server.AuditLog, *httptest.Server) {
		a, err := server.OpenAuditLog(file)
		if err != nil {
			t.Fatal(err)
		}
		return a, httptest.NewServer(mustHandler(t, svc, server.WithAccess(access), server.WithAudit(a)))
	}
	a, srv := start()
	queries := []string{
		`query Fast { screenProduct(id: "prod-er8000", asOf: "2024-06-01", regimes: ["US-NDAA-889"]) { verdict } }`,
		`query Exec { screenEntity(id: "huawei", asOf: "2024-06-01", regimes: ["US-NDAA-889"]) { verdict __typename } }`,
		`{ screenProducts(ids: ["prod-kiosk", "prod-er8000"], asOf: "2024-06-01", regimes: ["US-NDAA-889"]) { verdict } }`,
		`{ screenProduct(id: "no-such-product") { verdict } }`, // no answer, no line
		`{ entity(id: "huawei") { name } }`, // no screening, no line
	}
	for _, q := range queries {
		call(t, srv.URL, toks["screen"], "", q)
	}
	srv.Close()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a, srv = start()
	call(t, srv.URL, toks["admin"], "", queries[0])
	srv.Close()
	a.Close()

	lines := readLines(t, file)
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	var e server.AuditEntry
	if err := json.Unmarshal([]byte(lines[2]), &e); err != nil {
		t.Fatal(err)
	}
	want := server.AuditEntry{Token: "screen-client", Field: "screenProducts", Subjects: []string{"prod-kiosk", "prod-er8000"},
		Regimes: []string{"US-NDAA-889"}, AsOf: "2024-06-01", DataVersion: svc.View().Version(), Verdicts: []string{"UNKNOWN", "EXPOSED"}}
	e.Time, e.Prev = "", ""
	if got, _ := json.Marshal(e); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("entry %s\nwant  %s", got, must(json.Marshal(want)))
	}
	if !strings.Contains(lines[0], `"operation":"Fast"`) || !strings.Contains(lines[1], `"operation":"Exec"`) || !strings.Contains(lines[3], `"token":"admin-client"`) {
		t.Errorf("lines:\n%s", strings.Join(lines, "\n"))
	}
	if n, err := verify(t, file); n != 4 || err != nil {
		t.Fatalf("verify: %d %v", n, err)
	}
	tamper := func(name string, edit func([]string) []string) {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "audit.jsonl")
			out := edit(append([]string(nil), lines...))
			if err := os.WriteFile(bad, []byte(strings.Join(out, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := verify(t, bad); !errors.Is(err, server.ErrAuditBroken) {
				t.Errorf("not detected: %v", err)
			}
			if _, err := server.OpenAuditLog(bad); !errors.Is(err, server.ErrAuditBroken) {
				t.Errorf("a server appends to a broken log: %v", err)
			}
		})
	}
	tamper("edited verdict", func(l []string) []string {
		l[1] = strings.Replace(l[1], `"EXPOSED"`, `"CLEAR"`, 1)
		return l
	})
	tamper("removed line", func(l []string) []string { return append(l[:1], l[2:]...) })
	tamper("swapped lines", func(l []string) []string {
		l[1], l[2] = l[2], l[1]
		return l
	})
	tamper("first line removed", func(l []string) []string { return l[1:] })
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
