package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/demo"
	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// newServer serves the demo dataset from an embedded store.
func newServer(t *testing.T) (*httptest.Server, *service.Service, *embedded.Store) {
	t.Helper()
	svc, st := e2e.Service(t, string(demo.JSONL))
	srv := httptest.NewServer(mustHandler(t, svc))
	t.Cleanup(srv.Close)
	return srv, svc, st
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func post(t *testing.T, url, query string, vars map[string]any) (response, int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return r, resp.StatusCode
}

func TestErrorCodes(t *testing.T) {
	srv, _, _ := newServer(t)
	const qe = `query($id: ID!, $asOf: Date, $regimes: [ID!]) { screenEntity(id: $id, asOf: $asOf, regimes: $regimes) { verdict } }`
	many := make([]string, 10_001)
	for i := range many {
		many[i] = "prod-er8000"
	}
	for _, c := range []struct {
		name  string
		query string
		vars  map[string]any
		code  string
	}{
		{"unknown entity", qe, map[string]any{"id": "nobody"}, "NOT_FOUND"},
		{"unknown product", `{ screenProduct(id: "nope") { verdict } }`, nil, "NOT_FOUND"},
		{"unknown product in a batch", `{ screenProducts(ids: ["prod-er8000", "nope"]) { verdict } }`, nil, "NOT_FOUND"},
		{"bad date variable", qe, map[string]any{"id": "huawei", "asOf": "2024-13-45"}, "BAD_USER_INPUT"},
		{"bad date literal", `{ screenEntity(id: "huawei", asOf: "2024-02-30") { verdict } }`, nil, "BAD_USER_INPUT"},
		{"date of the wrong type", qe, map[string]any{"id": "huawei", "asOf": 20240101}, "BAD_USER_INPUT"},
		{"unknown regime", qe, map[string]any{"id": "huawei", "regimes": []string{"NO-SUCH-REGIME"}}, "BAD_USER_INPUT"},
		{"too many ids", `query($ids: [ID!]!) { screenProducts(ids: $ids) { verdict } }`, map[string]any{"ids": many}, "BAD_USER_INPUT"},
		{"search limit", `{ search(text: "huawei", limit: 100000) { id } }`, nil, "BAD_USER_INPUT"},
		{"validation", `{ nope }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"parse", `{ screenEntity(id: "x" { verdict } }`, nil, "GRAPHQL_PARSE_FAILED"},
		{"complexity", complexQuery(), nil, "COMPLEXITY_LIMIT_EXCEEDED"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := post(t, srv.URL, c.query, c.vars)
			if len(r.Errors) == 0 {
				t.Fatalf("no error; data %s", r.Data)
			}
			if got := r.Errors[0].Extensions["code"]; got != c.code {
				t.Errorf("code %v, want %s (%s)", got, c.code, r.Errors[0].Message)
			}
		})
	}
}

// complexQuery selects far more fields than the complexity limit allows.
func complexQuery() string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < server.ComplexityLimit/5+10; i++ {
		fmt.Fprintf(&b, ` e%d: entity(id: "huawei") { id name type country aliases }`, i)
	}
	b.WriteString("}")
	return b.String()
}

// TestInternalErrorsHideInternals closes the store under a running service: the
// API answers INTERNAL without the cause, and keeps serving.
func TestInternalErrorsHideInternals(t *testing.T) {
	srv, _, st := newServer(t)
	st.Close()
	r, _ := post(t, srv.URL, `{ entity(id: "huawei") { name } }`, nil)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "INTERNAL" {
		t.Fatalf("errors %+v", r.Errors)
	}
	if msg := r.Errors[0].Message; msg != "internal error" {
		t.Errorf("message %q leaks internals", msg)
	}
	// Screening needs only the projection: the server still answers.
	r, _ = post(t, srv.URL, `{ screenProduct(id: "prod-er8000", asOf: "2024-06-01", regimes: ["US-NDAA-889"]) { verdict } }`, nil)
	if len(r.Errors) != 0 || !strings.Contains(string(r.Data), "EXPOSED") {
		t.Errorf("after an internal error: %s %+v", r.Data, r.Errors)
	}
}

func TestQueries(t *testing.T) {
	srv, svc, _ := newServer(t)
	version := svc.View().Version()
	for _, c := range []struct {
		name, query string
		want        []string // substrings of the data
	}{
		{"screen product", `{ screenProduct(id: "prod-er8000", asOf: "2024-06-01", regimes: ["US-NDAA-889"]) { subjectId asOf verdict dataVersion results { regime { id name } findings { entity { id } listedEntity { id } basis path { kind from to source } } } } }`,
			[]string{`"verdict":"EXPOSED"`, `"asOf":"2024-06-01"`, `"dataVersion":"` + version + `"`, `"entity":{"id":"hisilicon"}`, `"listedEntity":{"id":"huawei"}`, `"basis":"AFFILIATE"`, `"source":"demo: fictional sourcing record"`}},
		{"default asOf and regimes", `{ screenEntity(id: "huawei") { asOf results { regime { id } } } }`,
			[]string{`"US-OFAC-SDN"`, `"US-FCC-COVERED"`, `"asOf":"20`}},
		{"batch keeps order", `{ screenProducts(ids: ["prod-kiosk", "prod-er8000"], asOf: "2024-06-01", regimes: ["US-NDAA-889"]) { subjectId verdict } }`,
			[]string{`[{"subjectId":"prod-kiosk","verdict":"UNKNOWN"},{"subjectId":"prod-er8000","verdict":"EXPOSED"}]`}},
		{"regimes", `{ regimes { id name rule builtin } }`, []string{`{"id":"US-OFAC-SDN","name":`, `"rule":"affiliate","builtin":true`}},
		{"owners", `{ entity(id: "hisilicon") { owners { owner { id } percent percentMin percentMax from to } } }`,
			[]string{`"owner":{"id":"huawei"},"percent":100,"percentMin":100,"percentMax":100,"from":null,"to":null`}},
		{"owners as of a day", `{ entity(id: "honor") { before: owners(asOf: "2020-01-01") { owner { id } } after: owners(asOf: "2021-01-01") { owner { id } } } }`,
			[]string{`"before":[{"owner":{"id":"huawei-holding"}}]`}},
		{"listings", `{ entity(id: "huawei") { listings(asOf: "2024-06-01") { regime { id } categories from } } }`, []string{`{"regime":{"id":"US-NDAA-889"}`}},
		{"components and sources", `{ product(id: "prod-er8000") { components { child { id } essential } sources { entity { id } role } usedIn { parent { id } } } }`,
			[]string{`"child":{"id":"prod-er8000-board"}`, `"usedIn":[]`}},
		{"unknown entity is null", `{ entity(id: "nobody") { id } }`, []string{`{"entity":null}`}},
		{"search is case and punctuation insensitive", `{ search(text: "HUAWEI-TECHNOLOGIES co., ltd", limit: 1) { id kind score } }`, []string{`[{"id":"huawei","kind":"entity"`}},
		{"search finds products", `{ search(text: "ER-8000", limit: 1) { id kind } }`, []string{`"kind":"product"`}},
		{"dataVersion", `{ dataVersion }`, []string{version}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := post(t, srv.URL, c.query, nil)
			if len(r.Errors) != 0 {
				t.Fatalf("errors %+v", r.Errors)
			}
			for _, w := range c.want {
				if !strings.Contains(string(r.Data), w) {
					t.Errorf("data %s\ndoes not contain %s", r.Data, w)
				}
			}
		})
	}
}

func TestHealthAndGraphiQL(t *testing.T) {
	srv, svc, _ := newServer(t)
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if h["status"] != "ok" || h["dataVersion"] != svc.View().Version() {
		t.Errorf("healthz %v", h)
	}
	resp, err = http.Get(srv.URL + "/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "graphiql") {
		t.Errorf("GraphiQL page: %d", resp.StatusCode)
	}
}

// TestBodyLimit sends a body over the limit: it is refused 413 "too large",
// and the server lives.
func TestBodyLimit(t *testing.T) {
	srv, _, _ := newServer(t)
	big := `{"query":"{ dataVersion }","variables":{"pad":"` + strings.Repeat("x", server.MaxBodyBytes) + `"}}`
	resp, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(raw), "too large") || len(raw) > 500 {
		t.Errorf("an oversized body: %d %.200s", resp.StatusCode, raw)
	}
	r, _ := post(t, srv.URL, `{ dataVersion }`, nil)
	if len(r.Errors) != 0 {
		t.Errorf("server unwell after an oversized request: %+v", r.Errors)
	}
}
