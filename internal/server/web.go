package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/keiretsu/keiretsu/graph"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/web"
)

// WorkbenchRoutes are the pages of the web workbench (contract section 1,
// v1.1): each serves index.html, whose script draws the page the path names.
// Ids in paths are URL-escaped; the {id...} wildcards take ids with slashes.
var WorkbenchRoutes = []string{
	"GET /{$}",
	"GET /search",
	"GET /entity/{id...}",
	"GET /product/{id...}",
	"GET /batch",
	"GET /document",
	"GET /impact/{id...}",
	"GET /report/entity/{id...}",
	"GET /report/product/{id...}",
}

// asset is one embedded file, with its ETag, and its precompressed forms
// (web/compress.mjs writes NAME.br and NAME.gz beside the text assets worth
// compressing).
type asset struct {
	body []byte
	typ  string
	etag string
	// encoded are the precompressed bodies by content coding, best first.
	encoded []encoded
}

// encoded is one precompressed body of an asset.
type encoded struct {
	coding string // "br" or "gzip"
	ext    string // its file's extension
	body   []byte
}

// codings are the precompressed forms the site looks for, best first.
var codings = []encoded{{coding: "br", ext: ".br"}, {coding: "gzip", ext: ".gz"}}

// site is the embedded web workbench and GraphiQL, read once.
type site struct {
	files map[string]*asset
}

func loadSite(fsys fs.FS) (*site, error) {
	s := &site{files: map[string]*asset{}}
	packed := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if ext := path.Ext(p); ext == ".br" || ext == ".gz" {
			packed[p] = b
			return nil
		}
		typ := mime.TypeByExtension(path.Ext(p))
		if typ == "" {
			typ = http.DetectContentType(b)
		}
		sum := sha256.Sum256(b)
		s.files[p] = &asset{body: b, typ: typ, etag: hex.EncodeToString(sum[:8])}
		return nil
	})
	for p, a := range s.files {
		for _, c := range codings {
			if b, ok := packed[p+c.ext]; ok {
				c.body = b
				a.encoded = append(a.encoded, c)
			}
		}
	}
	return s, err
}

// serve writes one asset, precompressed when the request accepts a coding the
// asset has (Content-Encoding, with Vary: Accept-Encoding so caches keep the
// forms apart). File names carry no content hash, so every response has an
// ETag, one per form (a strong ETag names one representation), and browsers
// revalidate (a 304 costs one round trip).
func (s *site) serve(w http.ResponseWriter, r *http.Request, name string) {
	a := s.files[name]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.typ)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasSuffix(name, ".html") {
		// The pages load nothing from elsewhere; the policy makes the browser
		// refuse if a bundled library ever tries.
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; font-src 'self' data:; worker-src 'self' blob:")
	}
	body, etag := a.body, a.etag
	if len(a.encoded) > 0 {
		h.Set("Vary", "Accept-Encoding")
		if e := pick(r.Header.Get("Accept-Encoding"), a.encoded); e != nil {
			body, etag = e.body, a.etag+"."+e.coding
			h.Set("Content-Encoding", e.coding)
			// ServeContent leaves Content-Length to the caller once
			// Content-Encoding is set (and sets it for ranges itself).
			h.Set("Content-Length", strconv.Itoa(len(body)))
		}
	}
	h.Set("ETag", `"`+etag+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// pick chooses the form an Accept-Encoding header prefers among forms (best
// first): the one with the highest q-value above 0 (a coding not named takes
// the q of "*", else 0), the earlier on a tie; nil for the identity.
func pick(accept string, forms []encoded) *encoded {
	if accept == "" {
		return nil
	}
	q := map[string]float64{}
	for part := range strings.SplitSeq(accept, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		v := 1.0
		if k, val, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil {
				continue
			}
			v = f
		}
		q[strings.ToLower(strings.TrimSpace(coding))] = v
	}
	var best *encoded
	bestQ := 0.0
	for i := range forms {
		v, ok := q[forms[i].coding]
		if !ok {
			v = q["*"]
		}
		if v > bestQ {
			best, bestQ = &forms[i], v
		}
	}
	return best
}

// routeWeb adds the workbench, GraphiQL (/graphiql) and the assets to mux.
func routeWeb(mux *http.ServeMux) error {
	s, err := loadSite(web.Assets())
	if err != nil {
		return err
	}
	page := func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Pattern, "{id...}") && r.PathValue("id") == "" {
			http.NotFound(w, r) // a subject page needs an id
			return
		}
		s.serve(w, r, "index.html")
	}
	for _, route := range WorkbenchRoutes {
		mux.HandleFunc(route, page)
	}
	mux.HandleFunc("GET /graphiql", func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, "graphiql.html") })
	mux.HandleFunc("GET /assets/{name...}", func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, "assets/"+r.PathValue("name"))
	})
	return nil
}

// The service's View has every optional capability the workbench's fields read.
var _ interface {
	graph.BatchScreener
	graph.DependentsFinder
	graph.DocumentScreener
	graph.EdgePager
} = (*service.View)(nil)
