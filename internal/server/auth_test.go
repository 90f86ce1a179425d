package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/server"
)

// tokensFile writes a tokens file with one token per role and returns it with
// the tokens by role name.
func tokensFile(t *testing.T) (string, map[string]string) {
	t.Helper()
	toks := map[string]string{}
	var b strings.Builder
	b.WriteString("# name role hash\n\n")
	for _, role := range []string{"read", "screen", "admin"} {
		toks[role] = server.NewToken()
		b.WriteString(role + "-client " + role + " " + server.HashToken(toks[role]) + "\n")
	}
	file := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, toks
}

func call(t *testing.T, url, token, origin, query string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest("POST", url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// TestAccess: with tokens, /graphql needs a bearer token whose role covers
// the operation (401 without, 403 below it); /healthz stays open; a reload
// takes new tokens and drops old ones.
func TestAccess(t *testing.T) {
	svc := demoService(t)
	file, toks := tokensFile(t)
	access, err := server.LoadAccess(file)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mustHandler(t, svc, server.WithAccess(access)))
	defer srv.Close()
	const screen = `{ screenProduct(id: "prod-er8000") { verdict } }`
	const read = `{ entity(id: "huawei") { name } }`
	for _, c := range []struct {
		name, token, query string
		status             int
		code               string
	}{
		{"no token", "", read, 401, "UNAUTHENTICATED"},
		{"unknown token", "krt_nope", read, 401, "UNAUTHENTICATED"},
		{"read reads", toks["read"], read, 200, ""},
		{"read may not screen", toks["read"], screen, 403, "FORBIDDEN"},
		{"read may not screen through a fragment", toks["read"], `{ ...F } fragment F on Query { screenProduct(id: "prod-er8000") { verdict } }`, 403, "FORBIDDEN"},
		{"screen screens", toks["screen"], screen, 200, ""},
		{"admin screens", toks["admin"], screen, 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := call(t, srv.URL, c.token, "", c.query)
			if status != c.status || (c.code != "" && !strings.Contains(body, `"code":"`+c.code+`"`)) || (c.code == "" && strings.Contains(body, "errors")) {
				t.Errorf("%d %s, want %d %s", status, body, c.status, c.code)
			}
		})
	}
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz without a token: %v %v", resp, err)
	}
	// Reload: a new admin token only.
	fresh := server.NewToken()
	if err := os.WriteFile(file, []byte("ops admin "+server.HashToken(fresh)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := access.Reload(); err != nil {
		t.Fatal(err)
	}
	if status, _ := call(t, srv.URL, fresh, "", screen); status != 200 {
		t.Errorf("new token after reload: %d", status)
	}
	if status, _ := call(t, srv.URL, toks["screen"], "", screen); status != 401 {
		t.Errorf("dropped token after reload: %d", status)
	}
	// A broken file keeps the tokens in use.
	if err := os.WriteFile(file, []byte("ops superuser sha256:00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := access.Reload(); err == nil || !strings.Contains(err.Error(), file+":1") {
		t.Errorf("broken tokens file: %v", err)
	}
	if status, _ := call(t, srv.URL, fresh, "", screen); status != 200 {
		t.Errorf("after a failed reload: %d", status)
	}
}

// TestCrossOrigin: browsers from other origins are refused unless allowed;
// the server's own origin is always allowed (GraphiQL).
func TestCrossOrigin(t *testing.T) {
	svc := demoService(t)
	const q = `{ dataVersion }`
	closed := httptest.NewServer(mustHandler(t, svc))
	defer closed.Close()
	if status, body := call(t, closed.URL, "", "https://evil.example", q); status != 403 || !strings.Contains(body, "FORBIDDEN") {
		t.Errorf("other origin: %d %s", status, body)
	}
	if status, body := call(t, closed.URL, "", closed.URL, q); status != 200 {
		t.Errorf("own origin: %d %s", status, body)
	}
	open := httptest.NewServer(mustHandler(t, svc, server.WithAccess(&server.Access{Origins: []string{"https://app.example"}})))
	defer open.Close()
	if status, body := call(t, open.URL, "", "https://app.example", q); status != 200 {
		t.Errorf("allowed origin: %d %s", status, body)
	}
	if status, _ := call(t, open.URL, "", "https://evil.example", q); status != 403 {
		t.Errorf("other origin with one allowed: %d", status)
	}
}

// TestLoopbackOnlyWithoutTokens: a server without tokens refuses to listen
// beyond loopback unless told it may.
func TestLoopbackOnlyWithoutTokens(t *testing.T) {
	svc := demoService(t)
	done, cancel := context.WithCancel(t.Context())
	cancel() // a server that starts returns at once, without the error
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0"} {
		err := server.ServeConfig(done, svc, server.Config{Addr: addr}, zerologNop, nil)
		if !errors.Is(err, server.ErrInsecureBind) {
			t.Errorf("%s: %v", addr, err)
		}
	}
	serveConfig(t, svc, server.Config{Addr: "0.0.0.0:0", Insecure: true})
	file, _ := tokensFile(t)
	access, err := server.LoadAccess(file)
	if err != nil {
		t.Fatal(err)
	}
	serveConfig(t, svc, server.Config{Addr: "0.0.0.0:0", Access: access})
}
