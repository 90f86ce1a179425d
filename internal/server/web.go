package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
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

// asset is one embedded file, with its ETag.
type asset struct {
	body []byte
	typ  string
	etag string
}

// site is the embedded web workbench and GraphiQL, read once.
type site struct {
	files map[string]*asset
}

func loadSite(fsys fs.FS) (*site, error) {
	s := &site{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		typ := mime.TypeByExtension(path.Ext(p))
		if typ == "" {
			typ = http.DetectContentType(b)
		}
		sum := sha256.Sum256(b)
		s.files[p] = &asset{body: b, typ: typ, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	return s, err
}

// serve writes one asset. File names carry no content hash, so every response
// has an ETag and browsers revalidate (a 304 costs one round trip).
func (s *site) serve(w http.ResponseWriter, r *http.Request, name string) {
	a := s.files[name]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.typ)
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasSuffix(name, ".html") {
		// The pages load nothing from elsewhere; the policy makes the browser
		// refuse if a bundled library ever tries.
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; font-src 'self' data:; worker-src 'self' blob:")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
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
