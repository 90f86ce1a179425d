package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/demo"
	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/model"

	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
)

// nested returns entity(id) { owned { owned { owner { ... } } } } with n
// levels below entity, alternating owned and owner.
func nested(n int) string {
	var b strings.Builder
	b.WriteString(`{ entity(id: "sasac") { id `)
	for i := range n {
		if i%2 == 0 {
			b.WriteString("owned { ")
		} else {
			b.WriteString("owner { id ")
		}
	}
	if n%2 == 0 {
		b.WriteString("name") // inside owner: an Entity
	} else {
		b.WriteString("percent") // inside owned: an Ownership
	}
	for i := n - 1; i >= 0; i-- {
		b.WriteString(" }")
	}
	b.WriteString(" } }")
	return b.String()
}

// doubling returns a document whose fragments double at each of n steps.
func doubling(n int) string {
	var b strings.Builder
	b.WriteString("{ entity(id: \"huawei\") { ...F0 } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Entity { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Entity { id }\n", n)
	return b.String()
}

func repeated(field string, n int) string {
	return `{ entity(id: "huawei") { ` + strings.Repeat(field+" ", n) + `} }`
}

// aliases returns n aliases of one screenProducts over $ids.
func aliases(n int, selection string) string {
	var b strings.Builder
	b.WriteString("query($ids: [ID!]!) {")
	for i := range n {
		fmt.Fprintf(&b, " a%d: screenProducts(ids: $ids, asOf: \"2024-06-01\") { %s }", i, selection)
	}
	b.WriteString(" }")
	return b.String()
}

func sameIDs(id string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = id
	}
	return ids
}

const fullScreening = `subjectId asOf verdict dataVersion results { regime { id name } verdict findings { verdict basis aggregatePercent entity { id name } listedEntity { id } path { kind from to percent source } } } gaps { productId reason }`

// TestQueryLimits: each hostile query of issue 16 is refused before any field
// runs (the operation never starts), with a code and a message naming the
// limit; honest queries at the edge of the limits are answered.
func TestQueryLimits(t *testing.T) {
	svc := demoService(t)
	ops := &counting{}
	srv := httptest.NewServer(mustHandler(t, svc, server.WithExtension(ops)))
	defer srv.Close()
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		code, msg   string // code "" means answered
	}{
		{"depth over the limit", nested(16), nil, "COMPLEXITY_LIMIT_EXCEEDED", "nested 18 deep"},
		{"nested lists multiply", nested(8), nil, "COMPLEXITY_LIMIT_EXCEEDED", "estimated cost"},
		{"nested lists, two levels", nested(4), nil, "", ""},
		{"100 aliases of a 10,000-id batch", aliases(100, "verdict"), map[string]any{"ids": sameIDs("prod-er8000", 10_000)}, "BAD_USER_INPUT", "1000000 screenings"},
		{"2 aliases of 5,001 ids", aliases(2, "verdict"), map[string]any{"ids": sameIDs("prod-er8000", 5_001)}, "BAD_USER_INPUT", "10002 screenings"},
		{"one full 10,000-id batch", aliases(1, fullScreening), map[string]any{"ids": sameIDs("prod-er8000", 10_000)}, "", ""},
		{"fragment doubling chain", doubling(24), nil, "COMPLEXITY_LIMIT_EXCEEDED", "fragments expanded"},
		{"10,000 repeated fields", repeated("id", 10_000), nil, "COMPLEXITY_LIMIT_EXCEEDED", "fragments expanded"},
		{"too many tokens", repeated("id", 60_000), nil, "COMPLEXITY_LIMIT_EXCEEDED", "tokens"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := ops.ops.Load()
			r, status := post(t, srv.URL, c.query, c.vars)
			if c.code == "" {
				if len(r.Errors) > 0 || status != 200 {
					t.Fatalf("%d %+v", status, r.Errors)
				}
				return
			}
			if len(r.Errors) == 0 {
				t.Fatalf("answered (%d bytes of data)", len(r.Data))
			}
			if got := r.Errors[0].Extensions["code"]; got != c.code || !strings.Contains(r.Errors[0].Message, c.msg) {
				t.Errorf("%v %q, want %s %q", got, r.Errors[0].Message, c.code, c.msg)
			}
			if c.msg != "" && ops.ops.Load() != before {
				t.Errorf("the operation ran before it was refused")
			}
		})
	}
}

// TestLimitsConfigurable: a limit set lower refuses what the default allows.
func TestLimitsConfigurable(t *testing.T) {
	svc := demoService(t)
	srv := httptest.NewServer(mustHandler(t, svc, server.WithLimits(server.Limits{MaxDepth: 5, MaxScreenings: 2, MaxResponseBytes: 200})))
	defer srv.Close()
	for _, c := range []struct{ query, code string }{
		{nested(4), "COMPLEXITY_LIMIT_EXCEEDED"},
		{`{ screenProducts(ids: ["prod-er8000", "prod-er8000", "prod-kiosk"]) { verdict } }`, "BAD_USER_INPUT"},
		{`{ screenProduct(id: "prod-er8000", asOf: "2024-06-01") { ` + fullScreening + ` } }`, "RESPONSE_TOO_LARGE"},
		{`{ screenProduct(id: "prod-er8000", asOf: "2024-06-01") { verdict } }`, ""},
	} {
		r, _ := post(t, srv.URL, c.query, nil)
		got := ""
		if len(r.Errors) > 0 {
			got, _ = r.Errors[0].Extensions["code"].(string)
		}
		if got != c.code {
			t.Errorf("%.60s: code %q, want %q (%+v)", c.query, got, c.code, r.Errors)
		}
	}
}

// stall is a handler extension that holds every operation until its context
// ends (a request that takes too long), or until release is closed.
type stall struct {
	started chan struct{}
	release chan struct{}
}

func (*stall) ExtensionName() string                   { return "stall" }
func (*stall) Validate(graphql.ExecutableSchema) error { return nil }

func (s *stall) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if s.started != nil {
		s.started <- struct{}{}
	}
	select {
	case <-ctx.Done():
	case <-s.release:
	case <-time.After(5 * time.Second): // the test fails rather than hangs
	}
	return next(ctx)
}

// TestDeadline: a request that outlives the execution deadline is answered
// with code TIMEOUT, on the fast path and the executor.
func TestDeadline(t *testing.T) {
	svc := demoService(t)
	srv := httptest.NewServer(mustHandler(t, svc, server.WithLimits(server.Limits{Timeout: 50 * time.Millisecond}),
		server.WithExtension(&stall{release: make(chan struct{})})))
	defer srv.Close()
	for _, q := range []string{
		`{ screenProduct(id: "prod-er8000") { verdict } }`,
		`{ entity(id: "huawei") { owned { owned { id } } } }`,
	} {
		r, status := post(t, srv.URL, q, nil)
		if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "TIMEOUT" {
			t.Errorf("%s: %d %s %+v", q, status, r.Data, r.Errors)
		}
	}
}

// TestCancellationReachesReads: a View's screenings and record reads stop
// once the request's context is done.
func TestCancellationReachesReads(t *testing.T) {
	svc := demoService(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v := svc.View()
	if _, err := v.ScreenProducts(ctx, sameIDs("prod-er8000", 100), nil, nil); err != context.Canceled {
		t.Errorf("batch: %v", err)
	}
	if _, err := v.ScreenProduct(ctx, "prod-er8000", nil, nil); err != context.Canceled {
		t.Errorf("screen: %v", err)
	}
	if _, err := v.Nodes(ctx, model.KindEntity, []string{"huawei"}); err != context.Canceled {
		t.Errorf("records: %v", err)
	}
}

// TestInFlightBound: with every slot taken, a request is answered 503 with
// Retry-After at once; when the slot frees, requests are answered again.
func TestInFlightBound(t *testing.T) {
	svc := demoService(t)
	s := &stall{started: make(chan struct{}, 1), release: make(chan struct{})}
	srv := httptest.NewServer(mustHandler(t, svc, server.WithLimits(server.Limits{MaxInFlight: 1}), server.WithExtension(s)))
	defer srv.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		post(t, srv.URL, `{ dataVersion }`, nil)
	}()
	<-s.started
	resp, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(`{"query":"{ dataVersion }"}`))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(raw), `"code":"UNAVAILABLE"`) {
		t.Errorf("%d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), raw)
	}
	close(s.release)
	<-done
	if r, status := post(t, srv.URL, `{ dataVersion }`, nil); status != 200 || len(r.Errors) > 0 {
		t.Errorf("after the slot freed: %d %+v", status, r.Errors)
	}
}

// TestConnectionBound: a connection over the bound is told 503 and closed;
// the ones within it are served.
func TestConnectionBound(t *testing.T) {
	svc := demoService(t)
	addr := serveConfig(t, svc, server.Config{Limits: server.Limits{MaxConns: 1}})
	first, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	// Give the server time to count the first connection: the second one is
	// accepted after it, whatever the timing, since accepts are sequential.
	fmt.Fprintf(first, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(first)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("first connection: %v %v", resp, err)
	}
	resp.Body.Close()
	second, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	fmt.Fprintf(second, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err = http.ReadResponse(bufio.NewReader(second), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(raw), "UNAVAILABLE") {
		t.Errorf("second connection: %d %s", resp.StatusCode, raw)
	}
}

// serveConfig runs ServeConfig on a loopback port until the test ends and
// returns its address.
func serveConfig(t *testing.T, svc *service.Service, cfg server.Config) string {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	ctx, cancel := context.WithCancel(context.Background())
	bound := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- server.ServeConfig(ctx, svc, cfg, zerologNop, func(a string) { bound <- a }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case a := <-bound:
		return a
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	}
	return ""
}

// TestTransportErrors: requests that never reach GraphQL get a status, a
// GraphQL error with a code, and nothing of the request or of Go's types.
func TestTransportErrors(t *testing.T) {
	svc := demoService(t)
	srv := httptest.NewServer(mustHandler(t, svc, server.WithLimits(server.Limits{MaxBodyBytes: 1 << 10})))
	defer srv.Close()
	secret := "SECRET-PAYLOAD"
	for _, c := range []struct {
		name, method, ctype, body string
		status                    int
		code, msg                 string
	}{
		{"body over the limit", "POST", "application/json", `{"query":"{ dataVersion }","variables":{"pad":"` + strings.Repeat(secret, 200) + `"}}`, 413, "TOO_LARGE", "too large"},
		{"bad JSON", "POST", "application/json", `{"query": "` + secret, 400, "BAD_REQUEST", "not a JSON object"},
		{"query of the wrong type", "POST", "application/json", `{"query": 12, "variables": "` + secret + `"}`, 400, "BAD_REQUEST", "not a JSON object"},
		{"not JSON", "POST", "text/plain", `{ dataVersion }`, 415, "BAD_REQUEST", "application/json"},
		{"GET query", "GET", "", "", 405, "BAD_REQUEST", "GET"},
		{"PUT", "PUT", "application/json", `{"query":"{ dataVersion }"}`, 405, "BAD_REQUEST", "method"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+"/graphql?query=%7BdataVersion%7D", strings.NewReader(c.body))
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var r response
			if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) != 1 {
				t.Fatalf("%d %s", resp.StatusCode, raw)
			}
			if resp.StatusCode != c.status || r.Errors[0].Extensions["code"] != c.code || !strings.Contains(r.Errors[0].Message, c.msg) {
				t.Errorf("%d %s, want %d %s %q", resp.StatusCode, raw, c.status, c.code, c.msg)
			}
			for _, leak := range []string{secret, "Go ", "struct", "json:", "RawParams", "http:"} {
				if strings.Contains(string(raw), leak) {
					t.Errorf("answer contains %q: %s", leak, raw)
				}
			}
		})
	}
	if r, status := post(t, srv.URL, `{ dataVersion }`, nil); status != 200 || len(r.Errors) > 0 {
		t.Errorf("after the bad requests: %d %+v", status, r.Errors)
	}
}

var zerologNop = zerolog.Nop()

// demoService is a service over the demo dataset in an embedded store.
func demoService(t testing.TB) *service.Service {
	t.Helper()
	svc, _ := e2e.Service(t, string(demo.JSONL))
	return svc
}

// batchAnswer is the answer to a batched request: its status and one
// response per operation (nil when the body is not an array).
type batchAnswer struct {
	status int
	ctype  string
	raw    []byte
	ops    []response
}

// postBatch posts ops (queries, or objects) as one JSON array.
func postBatch(t *testing.T, url, accept string, ops []any) batchAnswer {
	t.Helper()
	body := []map[string]any{}
	for _, op := range ops {
		switch op := op.(type) {
		case string:
			body = append(body, map[string]any{"query": op})
		case map[string]any:
			body = append(body, op)
		}
	}
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url+"/graphql", strings.NewReader(string(raw)))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := batchAnswer{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type")}
	a.raw, _ = io.ReadAll(resp.Body)
	_ = json.Unmarshal(a.raw, &a.ops)
	return a
}

func times(op string, n int) []any {
	ops := make([]any, n)
	for i := range ops {
		ops[i] = op
	}
	return ops
}

// code is the code of a response's first error, "" when it has none.
func code(r response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// TestBatchLimits: a batched request (a JSON array of operations) is one
// request's budget. Operations each well within the limits, whose sum of
// screenings, cost or fields is over them, are refused together before any
// runs; within the budget each is answered as it would be alone.
func TestBatchLimits(t *testing.T) {
	svc := demoService(t)
	ops := &counting{}
	srv := httptest.NewServer(mustHandler(t, svc, server.WithExtension(ops),
		server.WithLimits(server.Limits{MaxCost: 1000, MaxScreenings: 10, MaxFields: 60})))
	defer srv.Close()
	const (
		threeIDs  = `{ screenProducts(ids: ["prod-er8000", "prod-er8000", "prod-kiosk"], asOf: "2024-06-01") { verdict } }`
		holdings  = `{ entity(id: "huawei") { owned { percent } } }` // cost 102: a list of ListSize
		fourField = `{ entity(id: "huawei") { id name type } }`
		sixIDs    = `{ screenBatch(ids: ["prod-er8000", "prod-er8000", "prod-kiosk", "prod-kiosk", "nope", "prod-er8000"], asOf: "2024-06-01") { unknown screenings { verdict } } }`
	)
	for _, q := range []string{threeIDs, holdings, fourField, sixIDs} {
		if r, status := post(t, srv.URL, q, nil); status != 200 || len(r.Errors) > 0 {
			t.Fatalf("alone, %s is refused: %d %+v", q, status, r.Errors)
		}
	}
	for _, c := range []struct {
		name      string
		ops       []any
		code, msg string
	}{
		{"screenings summed", times(threeIDs, 4), "BAD_USER_INPUT", "12 screenings"},
		{"cost summed", times(holdings, 10), "COMPLEXITY_LIMIT_EXCEEDED", "estimated cost of 1020"},
		{"fields summed, the document cached", times(fourField, 16), "COMPLEXITY_LIMIT_EXCEEDED", "more than 60 fields"},
		{"screenBatch ids summed", times(sixIDs, 2), "BAD_USER_INPUT", "12 screenings"},
		{"one over and cheap ones", append(times(fourField, 2), threeIDs, threeIDs, threeIDs, threeIDs), "BAD_USER_INPUT", "12 screenings"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, accept := range []string{"", "application/graphql-response+json"} {
				before := ops.ops.Load()
				a := postBatch(t, srv.URL, accept, c.ops)
				if len(a.ops) != len(c.ops) {
					t.Fatalf("%d answers to %d operations: %d %s", len(a.ops), len(c.ops), a.status, a.raw)
				}
				for i, r := range a.ops {
					if code(r) != c.code || !strings.Contains(r.Errors[0].Message, c.msg) {
						t.Errorf("operation %d: %s %+v, want %s %q", i, r.Data, r.Errors, c.code, c.msg)
					}
				}
				if ops.ops.Load() != before {
					t.Errorf("%d operations ran before the batch was refused", ops.ops.Load()-before)
				}
				want := 200
				if accept != "" {
					want = 400
				}
				if a.status != want {
					t.Errorf("Accept %q: status %d, want %d", accept, a.status, want)
				}
			}
		})
	}

	t.Run("screenBatch ids alone", func(t *testing.T) {
		q := `{ screenBatch(ids: ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]) { unknown } }`
		if r, _ := post(t, srv.URL, q, nil); code(r) != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "11 screenings") {
			t.Errorf("%s %+v", r.Data, r.Errors)
		}
	})

	t.Run("within the budget each answer is its own", func(t *testing.T) {
		batch := []any{threeIDs, holdings, `{ nope }`, fourField, map[string]any{"query": `query($id: ID!) { entity(id: $id) { name } }`, "variables": map[string]any{"id": "huawei"}}}
		a := postBatch(t, srv.URL, "", batch)
		if a.status != 200 || len(a.ops) != len(batch) {
			t.Fatalf("%d %s", a.status, a.raw)
		}
		for i, op := range batch {
			var alone response
			switch op := op.(type) {
			case string:
				alone, _ = post(t, srv.URL, op, nil)
			case map[string]any:
				alone, _ = post(t, srv.URL, op["query"].(string), op["variables"].(map[string]any))
			}
			if string(a.ops[i].Data) != string(alone.Data) || code(a.ops[i]) != code(alone) {
				t.Errorf("operation %d: %s %+v, alone %s %+v", i, a.ops[i].Data, a.ops[i].Errors, alone.Data, alone.Errors)
			}
		}
		if code(a.ops[2]) != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("the invalid operation: %+v", a.ops[2].Errors)
		}
	})

	t.Run("transport", func(t *testing.T) {
		for _, c := range []struct {
			name string
			ops  []any
			msg  string
		}{
			{"too many operations", times(`{ dataVersion }`, 101), "101 operations, at most 100"},
			{"empty", []any{}, "no operations"},
		} {
			a := postBatch(t, srv.URL, "", c.ops)
			var r response
			if err := json.Unmarshal(a.raw, &r); err != nil || a.status != 400 || code(r) != "BAD_REQUEST" || !strings.Contains(r.Errors[0].Message, c.msg) {
				t.Errorf("%s: %d %s", c.name, a.status, a.raw)
			}
		}
	})
}

// TestBatchResponseBound: the answers of a batch are summed against the
// response bound; the operation that crosses it and those after it are
// answered RESPONSE_TOO_LARGE, and those after it never run.
func TestBatchResponseBound(t *testing.T) {
	svc := demoService(t)
	const q = `{ screenProduct(id: "prod-er8000", asOf: "2024-06-01") { subjectId verdict results { verdict } } }`
	probe := httptest.NewServer(mustHandler(t, svc))
	one, _ := post(t, probe.URL, q, nil)
	probe.Close()
	ops := &counting{}
	srv := httptest.NewServer(mustHandler(t, svc, server.WithExtension(ops),
		server.WithLimits(server.Limits{MaxResponseBytes: 2*len(one.Data) + len(one.Data)/2})))
	defer srv.Close()
	if r, _ := post(t, srv.URL, q, nil); code(r) != "" {
		t.Fatalf("alone: %+v", r.Errors)
	}
	a := postBatch(t, srv.URL, "", times(q, 5))
	if a.status != 200 || len(a.ops) != 5 {
		t.Fatalf("%d %s", a.status, a.raw)
	}
	for i, r := range a.ops {
		want := ""
		if i >= 2 {
			want = "RESPONSE_TOO_LARGE"
		}
		if code(r) != want || (want == "" && string(r.Data) != string(one.Data)) {
			t.Errorf("operation %d: %s %+v, want code %q", i, r.Data, r.Errors, want)
		}
	}
	if ran := ops.ops.Load() - 1; ran != 3 {
		t.Errorf("%d operations ran, want 3 (the last two never start)", ran)
	}
}

// TestBatchDeadline: a batch runs under the one deadline of its request: once
// an operation outlives it, it and the ones after it are answered TIMEOUT and
// those after it never start.
func TestBatchDeadline(t *testing.T) {
	svc := demoService(t)
	s := &stall{started: make(chan struct{}, 10), release: make(chan struct{})}
	srv := httptest.NewServer(mustHandler(t, svc, server.WithLimits(server.Limits{Timeout: 50 * time.Millisecond}), server.WithExtension(s)))
	defer srv.Close()
	a := postBatch(t, srv.URL, "", []any{`{ screenProduct(id: "prod-er8000") { verdict } }`, `{ dataVersion }`, `{ entity(id: "huawei") { name } }`})
	if len(a.ops) != 3 {
		t.Fatalf("%d %s", a.status, a.raw)
	}
	for i, r := range a.ops {
		if code(r) != "TIMEOUT" {
			t.Errorf("operation %d: %s %+v", i, r.Data, r.Errors)
		}
	}
	if n := len(s.started); n != 1 {
		t.Errorf("%d operations started, want 1", n)
	}
}

// holdNamed holds the operations of one name until release is closed, and
// records the names of the operations that start (it runs inside the
// limits, after the heavy lane).
type holdNamed struct {
	name    string
	held    chan struct{}
	release chan struct{}
	mu      sync.Mutex
	started []string
}

func (*holdNamed) ExtensionName() string                   { return "holdNamed" }
func (*holdNamed) Validate(graphql.ExecutableSchema) error { return nil }

func (h *holdNamed) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	name := graphql.GetOperationContext(ctx).Operation.Name
	h.mu.Lock()
	h.started = append(h.started, name)
	h.mu.Unlock()
	if name == h.name {
		h.held <- struct{}{}
		select {
		case <-ctx.Done():
		case <-h.release:
		case <-time.After(10 * time.Second): // the test fails rather than hangs
		}
	}
	return next(ctx)
}

func (h *holdNamed) hasStarted(name string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Contains(h.started, name)
}

// TestHeavyLane: with one place for heavy requests (batches over
// HeavyScreenings, bodies over HeavyBody) and none to wait in, a heavy
// request while another runs is refused with UNAVAILABLE before it starts
// (503 for a large body, before it is read), light ones are answered
// meanwhile, and once the first is done heavy ones are answered again; with a
// queue, the second waits and starts only after the first.
func TestHeavyLane(t *testing.T) {
	svc := demoService(t)
	heavy := func(name string) string {
		return `query ` + name + `($ids: [ID!]!) { screenProducts(ids: $ids) { verdict } }`
	}
	ids := map[string]any{"ids": sameIDs("prod-er8000", 101)}
	for _, queue := range []int{-1, 4} {
		h := &holdNamed{name: "Hold", held: make(chan struct{}, 1), release: make(chan struct{})}
		srv := httptest.NewServer(mustHandler(t, svc, server.WithLimits(server.Limits{MaxHeavy: 1, HeavyScreenings: 100, HeavyBody: 4000, HeavyQueue: queue}),
			server.WithExtension(h)))
		done := make(chan response, 2)
		go func() { r, _ := post(t, srv.URL, heavy("Hold"), ids); done <- r }()
		select {
		case <-h.held:
		case r := <-done:
			t.Fatalf("queue %d: the heavy request was not held: %s %+v", queue, r.Data, r.Errors)
		}
		if r, status := post(t, srv.URL, `query Light { screenProducts(ids: ["prod-er8000"]) { verdict } }`, nil); status != 200 || len(r.Errors) > 0 {
			t.Errorf("queue %d: a light request beside a heavy one: %d %+v", queue, status, r.Errors)
		}
		if queue < 0 {
			r, _ := post(t, srv.URL, heavy("Second"), ids)
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "UNAVAILABLE" || h.hasStarted("Second") {
				t.Errorf("a heavy request while the lane is full and no queue: %s %+v (started: %v)", r.Data, r.Errors, h.hasStarted("Second"))
			}
			// A light operation in a body over HeavyBody waits for the lane
			// before its body is read: refused here.
			r, status := post(t, srv.URL, `query Big { dataVersion }`, map[string]any{"pad": strings.Repeat("x", 5000)})
			if status != 503 || len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "UNAVAILABLE" || h.hasStarted("Big") {
				t.Errorf("a large body while the lane is full and no queue: %d %s %+v", status, r.Data, r.Errors)
			}
		} else {
			go func() { r, _ := post(t, srv.URL, heavy("Second"), ids); done <- r }()
			// Another light request: by its answer the second heavy one has
			// had time to start, were it not held back.
			post(t, srv.URL, `query Light2 { dataVersion }`, nil)
			if h.hasStarted("Second") {
				t.Errorf("a second heavy operation started while the first held the lane")
			}
		}
		close(h.release)
		for range 1 + max(0, min(queue, 1)) {
			if r := <-done; len(r.Errors) > 0 {
				t.Errorf("queue %d: a heavy request once the lane was free: %+v", queue, r.Errors)
			}
		}
		srv.Close()
	}
}

// lightTraffic sends light requests to url until the returned stop is called;
// it returns once some have been answered.
func lightTraffic(t *testing.T, url string) (stop func()) {
	t.Helper()
	done := make(chan struct{})
	answered := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := []byte(`{"query":"{ screenProduct(id: \"prod-er8000\") { verdict } }"}`)
			for {
				select {
				case <-done:
					return
				default:
				}
				resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					select {
					case answered <- struct{}{}:
					default:
					}
				}
			}
		}()
	}
	for range 4 {
		<-answered
	}
	return func() { close(done); wg.Wait() }
}

// TestHeavyRequestsPace: beside light requests a heavy request (a batch over
// HeavyScreenings, in a small body or in one over HeavyBody) pauses between
// bursts of its work (package pace) and still answers in full; with
// HeavyShare off it never pauses.
func TestHeavyRequestsPace(t *testing.T) {
	svc := demoService(t)
	query := `query($ids: [ID!]!) { screenProducts(ids: $ids) { subjectId verdict results { regime { id } findings { path { kind from to } } } } }`
	for _, tc := range []struct {
		name  string
		ids   int
		body  int
		share float64
		pause bool
	}{
		{"heavy by its screenings", 2_000, 1 << 20, 0.05, true},
		{"heavy by its body", 2_000, 4_000, 0.05, true},
		{"pacing off", 2_000, 4_000, 1, false},
	} {
		var mu sync.Mutex
		var paused []time.Duration
		srv := httptest.NewServer(mustHandler(t, svc,
			server.WithLimits(server.Limits{HeavyScreenings: 100, HeavyBody: tc.body, HeavyShare: tc.share}),
			server.WithHeavyDone(func(p time.Duration) { mu.Lock(); paused = append(paused, p); mu.Unlock() })))
		stop := lightTraffic(t, srv.URL)
		r, status := post(t, srv.URL, query, map[string]any{"ids": sameIDs("prod-er8000", tc.ids)})
		stop()
		srv.Close()
		var data struct{ ScreenProducts []struct{ SubjectID string } }
		if err := json.Unmarshal(r.Data, &data); err != nil || status != 200 || len(r.Errors) > 0 || len(data.ScreenProducts) != tc.ids {
			t.Errorf("%s: %d, %d screenings, %+v (%v)", tc.name, status, len(data.ScreenProducts), r.Errors, err)
		}
		mu.Lock()
		if len(paused) != 1 || (paused[0] > 0) != tc.pause {
			t.Errorf("%s: heavy requests' pauses %v, want one that paused: %v", tc.name, paused, tc.pause)
		}
		mu.Unlock()
	}
}

// TestRefusalDelay: beside other requests an answer refused by a limit waits
// RefusalDelay (and still says why); on an idle server it does not wait.
func TestRefusalDelay(t *testing.T) {
	svc := demoService(t)
	const delay = 300 * time.Millisecond
	srv := httptest.NewServer(mustHandler(t, svc, server.WithLimits(server.Limits{RefusalDelay: delay, MaxDepth: 3})))
	defer srv.Close()
	deep := `{ entity(id: "sasac") { owned { owner { owned { owner { id } } } } } }`
	refused := func() time.Duration {
		start := time.Now()
		r, _ := post(t, srv.URL, deep, nil)
		if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Errorf("a query nested deeper than MaxDepth: %+v", r.Errors)
		}
		return time.Since(start)
	}
	time.Sleep(50 * time.Millisecond) // past pace.Recent of the service's start
	if took := refused(); took >= delay {
		t.Errorf("a refusal on an idle server took %v, the delay is %v", took, delay)
	}
	stop := lightTraffic(t, srv.URL)
	took := refused()
	stop()
	if took < delay {
		t.Errorf("a refusal beside other requests took %v, want at least %v", took, delay)
	}
}
