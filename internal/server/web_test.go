package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
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
		if ext := path.Ext(p); ext == ".br" || ext == ".gz" {
			return nil // compressed forms of the files checked here (TestAssetEncodings)
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

// TestAssetEncodings: an asset with precompressed forms is sent in the one the
// request's Accept-Encoding prefers (Brotli over gzip on a tie, q-values
// honoured, identity without one), with Content-Encoding, Vary:
// Accept-Encoding and an ETag of its own form, which revalidates that form
// only; every gzip form decompresses to its original (Chromium decodes the
// Brotli ones in TestBrowser).
func TestAssetEncodings(t *testing.T) {
	srv, _, _ := newServer(t)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path, accept, ifNoneMatch string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b
	}
	read := func(name string) []byte {
		t.Helper()
		b, err := fs.ReadFile(web.Assets(), name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	decode := map[string]func(t *testing.T, b []byte) []byte{
		"": func(t *testing.T, b []byte) []byte { return b },
		"gzip": func(t *testing.T, b []byte) []byte {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			out, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			return out
		},
	}
	for _, name := range []string{"assets/index.js", "assets/graphiql.js", "assets/graphiql.css"} {
		original := read(name)
		br := read(name + ".br")
		etags := map[string]string{}
		for _, c := range []struct{ accept, want string }{
			{"", ""},
			{"identity", ""},
			{"deflate", ""},
			{"gzip", "gzip"},
			{"br", "br"},
			{"gzip, deflate, br", "br"},
			{"br;q=0, gzip", "gzip"},
			{"gzip;q=0.5, br;q=0.8", "br"},
			{"br;q=0.1, GZIP;q=0.9", "gzip"},
			{"*", "br"},
			{"gzip;q=0, br;q=0", ""},
		} {
			resp, body := get("/"+name, c.accept, "")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != c.want || resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s, Accept-Encoding %q: %d, Content-Encoding %q, Vary %q; want %q", name, c.accept, resp.StatusCode,
					resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"), c.want)
				continue
			}
			if resp.Header.Get("Cache-Control") != "no-cache" || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("%s %q: Cache-Control %q, Content-Length %q for %d bytes", name, c.accept, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Length"), len(body))
			}
			switch c.want {
			case "br":
				if !bytes.Equal(body, br) || len(br) >= len(original) {
					t.Errorf("%s %q: %d bytes, not the %d-byte Brotli form of %d", name, c.accept, len(body), len(br), len(original))
				}
			default:
				if got := decode[c.want](t, body); !bytes.Equal(got, original) || (c.want != "" && len(body) >= len(original)) {
					t.Errorf("%s %q: %d bytes decode to %d, want the original's %d", name, c.accept, len(body), len(got), len(original))
				}
			}
			if e, ok := etags[c.want]; ok && e != resp.Header.Get("ETag") {
				t.Errorf("%s: two ETags for the %q form: %s %s", name, c.want, e, resp.Header.Get("ETag"))
			}
			etags[c.want] = resp.Header.Get("ETag")
		}
		if len(etags) != 3 || etags[""] == etags["gzip"] || etags[""] == etags["br"] || etags["gzip"] == etags["br"] {
			t.Errorf("%s: ETags %v, want one per form", name, etags)
		}
		// A form's ETag revalidates that form, not another.
		if resp, _ := get("/"+name, "br", etags["br"]); resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s: br revalidation %d, want 304", name, resp.StatusCode)
		}
		if resp, _ := get("/"+name, "gzip", etags["br"]); resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: gzip with the br ETag: %d %q, want 200 gzip", name, resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
	}
	// A page too small to be worth compressing is sent as it is, to anyone.
	if resp, body := get("/", "gzip, br", ""); resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, read("index.html")) {
		t.Errorf("/: Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	// Every gzip form is its original.
	err := fs.WalkDir(web.Assets(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || path.Ext(p) != ".gz" {
			return err
		}
		if got := decode["gzip"](t, read(p)); !bytes.Equal(got, read(strings.TrimSuffix(p, ".gz"))) {
			t.Errorf("%s does not decompress to its original", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
