package server_test

import (
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/web"
)

// TestWorkbenchRoutes gets every page of the workbench (ids URL-escaped, with
// slashes and colons): each is the workbench's index.html; /graphiql is
// GraphiQL's page; assets are served with their types and ETags, and a
// matching If-None-Match gets 304.
func TestWorkbenchRoutes(t *testing.T) {
	srv, _, _ := newServer(t)
	index, err := fs.ReadFile(web.Assets(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	for _, path := range []string{
		"/", "/search?q=huawei", "/entity/hisilicon", "/entity/purl%3Apkg%3Anpm%2Fleft-pad%401.3.0",
		"/product/prod-er8000?asOf=2024-06-01", "/product/a%2Fb%20c", "/batch", "/document",
		"/impact/huawei", "/report/entity/huawei", "/report/product/prod-er8000",
	} {
		resp, body := get(path)
		if resp.StatusCode != 200 || body != string(index) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %s, index.html %v", path, resp.StatusCode, resp.Header.Get("Content-Type"), body == string(index))
		}
	}
	resp, body := get("/graphiql")
	if resp.StatusCode != 200 || !strings.Contains(body, `id="graphiql"`) {
		t.Errorf("GET /graphiql: %d", resp.StatusCode)
	}
	for _, path := range []string{"/nowhere", "/entity/", "/assets/missing.js"} {
		if resp, _ := get(path); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	resp, _ = get("/assets/index.js")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || resp.Header.Get("ETag") == "" {
		t.Fatalf("GET /assets/index.js: %d %q etag %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("ETag"))
	}
	if again, _ := get("/assets/index.js", "If-None-Match", resp.Header.Get("ETag")); again.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", again.StatusCode)
	}
}

// external matches what makes a browser load from another origin: an absolute
// or protocol-relative URL in an HTML src, href or action, a CSS url() or
// @import, or a JavaScript import, fetch, worker or socket. URLs that are only
// text (licence comments, XML namespaces, error-page links) load nothing.
var external = regexp.MustCompile(`(?i)(?:\b(?:src|href|action|srcset)\s*=\s*["']?|url\(\s*["']?|@import\s+["']|\bimport\s*\(?\s*["']|\bfrom\s*["']|\bfetch\(\s*["']|new\s+(?:Worker|SharedWorker|WebSocket|EventSource)\(\s*["']|importScripts\(\s*["'])(?:https?:|wss?:)?//`)

// TestNoExternalOrigin fails when any served page or asset would load from
// another origin: the workbench must work on a network with no internet.
func TestNoExternalOrigin(t *testing.T) {
	n := 0
	err := fs.WalkDir(web.Assets(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.Assets(), p)
		if err != nil {
			return err
		}
		n++
		for _, m := range external.FindAllIndex(b, -1) {
			lo, hi := max(m[0]-60, 0), min(m[1]+60, len(b))
			t.Errorf("%s references another origin: %q", p, b[lo:hi])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Fatalf("only %d embedded files: web/dist is not built", n)
	}
}

// TestExternalPattern checks the pattern on what it must and must not catch.
func TestExternalPattern(t *testing.T) {
	for s, want := range map[string]bool{
		`<script src="https://unpkg.com/graphiql"></script>`:    true,
		`<link rel="stylesheet" href="//cdn.example/x.css">`:    true,
		`@font-face{src:url(https://fonts.gstatic.com/a.woff)}`: true,
		`@import "https://fonts.googleapis.com/css";`:           true,
		`import x from "https://esm.sh/react"`:                  true,
		`fetch("https://api.example/graphql")`:                  true,
		`new WebSocket("wss://example/graphql")`:                true,
		`<script src="/assets/index.js"></script>`:              false,
		`createElementNS("http://www.w3.org/2000/svg","g")`:     false,
		`// see https://reactjs.org/docs/error-decoder.html`:    false,
		`fetch("/graphql")`:                                     false,
	} {
		if got := external.MatchString(s); got != want {
			t.Errorf("%s: matched %v, want %v", s, got, want)
		}
	}
}
