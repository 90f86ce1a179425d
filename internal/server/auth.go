package server

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Role is what a token may do, each role including the ones before it: read
// records and regimes, screen, administer (mutations and settings).
type Role int

// Roles, weakest first.
const (
	RoleRead Role = iota + 1
	RoleScreen
	RoleAdmin
)

var roleNames = map[string]Role{"read": RoleRead, "screen": RoleScreen, "admin": RoleAdmin}

func (r Role) String() string {
	for n, v := range roleNames {
		if v == r {
			return n
		}
	}
	return "none"
}

// Principal is who makes a request: a token's name and role.
type Principal struct {
	Name string
	Role Role
}

type principalKey struct{}

// PrincipalOf returns the principal of a request, or false when the server
// checks no tokens.
func PrincipalOf(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Access is who may call /graphql and how: bearer tokens (none: no
// authentication, for a loopback server), the origins allowed to call
// cross-origin, whether GET queries are allowed. A nil *Access allows no
// token, no other origin and no GET. Reload may run while requests are
// served.
type Access struct {
	file     string
	tokens   atomic.Pointer[map[string]Principal] // by hex SHA-256 of the token
	Origins  []string
	AllowGET bool
}

// HashToken returns the hash a tokens file stores for a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// NewToken returns a new random token.
func NewToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "krt_" + hex.EncodeToString(b)
}

// LoadAccess reads a tokens file (empty file name: no tokens). Each line is
// `NAME ROLE sha256:HEX` (HashToken of the token); blank lines and lines
// starting with # are ignored.
func LoadAccess(file string) (*Access, error) {
	a := &Access{file: file}
	if file == "" {
		return a, nil
	}
	return a, a.Reload()
}

// File is the tokens file Reload reads ("" when there is none).
func (a *Access) File() string {
	if a == nil {
		return ""
	}
	return a.file
}

// Authenticates reports whether requests need a token.
func (a *Access) Authenticates() bool { return a != nil && a.tokens.Load() != nil }

// Reload reads the tokens file again; on error the tokens in use stay.
func (a *Access) Reload() error {
	if a.file == "" {
		return nil
	}
	f, err := os.Open(a.file)
	if err != nil {
		return fmt.Errorf("auth tokens: %w", err)
	}
	defer f.Close()
	tokens := map[string]Principal{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Fields(line)
		if len(parts) != 3 {
			return fmt.Errorf("%s:%d: want NAME ROLE sha256:HEX", a.file, n)
		}
		role, ok := roleNames[parts[1]]
		if !ok {
			return fmt.Errorf("%s:%d: role %q is not read, screen or admin", a.file, n, parts[1])
		}
		h, ok := strings.CutPrefix(parts[2], "sha256:")
		if b, err := hex.DecodeString(h); !ok || err != nil || len(b) != sha256.Size {
			return fmt.Errorf("%s:%d: token hash is not sha256: and 64 hex digits", a.file, n)
		}
		tokens[strings.ToLower(h)] = Principal{Name: parts[0], Role: role}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("auth tokens: %w", err)
	}
	if len(tokens) == 0 {
		return fmt.Errorf("%s: no tokens", a.file)
	}
	a.tokens.Store(&tokens)
	return nil
}

// authenticate finds the principal of a bearer token.
func (a *Access) authenticate(r *http.Request) (Principal, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return Principal{}, false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	h := hex.EncodeToString(sum[:])
	for k, p := range *a.tokens.Load() {
		if subtle.ConstantTimeCompare([]byte(k), []byte(h)) == 1 {
			return p, true
		}
	}
	return Principal{}, false
}

// originAllowed reports whether a request may come from its Origin: none
// (not a browser), the server's own, or one allowed.
func (a *Access) originAllowed(r *http.Request) (origin string, ok bool) {
	origin = r.Header.Get("Origin")
	if origin == "" {
		return "", true
	}
	if u, err := url.Parse(origin); err == nil && u.Host == r.Host {
		return origin, true
	}
	return origin, a != nil && (slices.Contains(a.Origins, origin) || slices.Contains(a.Origins, "*"))
}

// guard is the /graphql middleware of access: origin, method, content type
// and token, each refused with a coded error before GraphQL reads the body.
func (a *Access) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin, ok := a.originAllowed(r)
		if !ok {
			writeError(w, http.StatusForbidden, CodeForbidden, "cross-origin request refused (the server allows it with --allow-origin)")
			return
		}
		if origin != "" {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
		}
		allowGET := a != nil && a.AllowGET
		switch r.Method {
		case http.MethodOptions:
			methods := "POST"
			if allowGET {
				methods = "GET, POST"
			}
			w.Header().Set("Access-Control-Allow-Methods", methods)
			w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			w.WriteHeader(http.StatusNoContent)
			return
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				writeError(w, http.StatusUnsupportedMediaType, CodeBadRequest, "POST /graphql takes Content-Type: application/json")
				return
			}
		case http.MethodGet:
			if !allowGET {
				w.Header().Set("Allow", "POST")
				writeError(w, http.StatusMethodNotAllowed, CodeBadRequest, "GET queries are not allowed here: POST a JSON body")
				return
			}
		default:
			w.Header().Set("Allow", "POST")
			writeError(w, http.StatusMethodNotAllowed, CodeBadRequest, "method not allowed: POST a JSON body")
			return
		}
		if a.Authenticates() {
			p, ok := a.authenticate(r)
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="keiretsu"`)
				writeError(w, http.StatusUnauthorized, CodeUnauthenticated, "a valid bearer token is required (Authorization: Bearer TOKEN)")
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		}
		next.ServeHTTP(w, r)
	})
}

// roleGuard refuses, before anything runs, an operation the request's role
// may not make: mutations need admin, screenings screen, anything else read.
type roleGuard struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = roleGuard{}

func (roleGuard) ExtensionName() string                   { return "KeiretsuRoles" }
func (roleGuard) Validate(graphql.ExecutableSchema) error { return nil }

func (roleGuard) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	p, ok := PrincipalOf(ctx)
	if !ok {
		return nil // no tokens checked (loopback server)
	}
	need := RoleRead
	switch {
	case rc.Operation.Operation != ast.Query:
		need = RoleAdmin
	case screens(rc.Operation.SelectionSet, map[string]bool{}):
		need = RoleScreen
	}
	if p.Role < need {
		return limitError(CodeForbidden, "token %q has role %s; this operation needs %s", p.Name, p.Role, need)
	}
	return nil
}

// screens reports whether a root selection set asks for a screening.
func screens(ss ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range ss {
		switch sel := sel.(type) {
		case *ast.Field:
			if screeningFields[sel.Name] {
				return true
			}
		case *ast.InlineFragment:
			if screens(sel.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if !seen[sel.Name] && sel.Definition != nil {
				seen[sel.Name] = true
				if screens(sel.Definition.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}

// hasCode reports whether any of errs carries the code.
func hasCode(errs gqlerror.List, code string) bool {
	for _, e := range errs {
		if c, _ := e.Extensions["code"].(string); c == code {
			return true
		}
	}
	return false
}

// ErrInsecureBind is returned when a server without tokens would listen
// beyond loopback and --insecure was not given.
var ErrInsecureBind = errors.New("without --auth-tokens the server listens on loopback only (give --insecure to serve anyone who can reach it)")

// loopback reports whether addr (HOST:PORT) listens on loopback only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
