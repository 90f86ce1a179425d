package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
)

// TestFastScreeningsMatchExecutor: screening operations that the fast path
// answers give the same status, content type and bytes as gqlgen's executor, on
// a generated world (every product on three days, a sample of entities,
// batches, every field the fast path writes, aliases, __typename, regimes);
// operations it does not answer (other fields, fragments, directives, errors)
// are left to the executor and answered as before.
func TestFastScreeningsMatchExecutor(t *testing.T) {
	const products, entities = 600, 3000
	st := generatedStore(t, gen.Config{Entities: entities, Products: products, Seed: 7})
	svc, err := service.Open(context.Background(), st, service.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	var answered atomic.Int64
	fastOps, plainOps := &counting{}, &counting{}
	fast := mustGraphQL(t, svc, server.WithAnswered(func(string) { answered.Add(1) }), server.WithExtension(fastOps))
	plain := mustGraphQL(t, svc, server.WithoutFastPath(), server.WithExtension(plainOps))

	const all = `__typename subjectId asOf verdict dataVersion
	  gaps { __typename productId reason }
	  results { __typename verdict regime { __typename id name authority url rule builtin }
	    findings { __typename verdict basis aggregatePercent
	      entity { __typename id name type country aliases identifiers { __typename scheme value } source }
	      listedEntity { id name }
	      path { __typename kind from to percent percentMin percentMax validFrom validTo source } } }`
	const aliased = `s: subjectId v: verdict results { r: regime { id } findings { e: entity { id } p: path { k: kind f: from t: to pc: percent } } }`
	const bench = `verdict results { regime { id } verdict findings { verdict entity { id } path { kind from to } } } gaps { productId } dataVersion`
	const named = `results { findings { entity { id name } listedEntity { __typename id } } }`
	type req struct {
		query string
		vars  map[string]any
		fast  bool   // the fast path must answer it
		op    string // operationName
	}
	var reqs []req
	days := []any{"2016-01-01", "2024-01-01", nil}
	for i := 1; i <= products; i++ {
		id := fmt.Sprintf("p%d", i)
		day := days[i%len(days)]
		reqs = append(reqs,
			req{`query($id: ID!, $d: Date) { screenProduct(id: $id, asOf: $d) { ` + all + ` } }`, map[string]any{"id": id, "d": day}, true, ""},
			req{`query($id: ID!, $d: Date) { x: screenProduct(id: $id, asOf: $d) { ` + bench + ` } }`, map[string]any{"id": id, "d": "2025-06-30"}, true, ""},
			req{`query($id: ID!) { screenProduct(id: $id) { ` + named + ` } }`, map[string]any{"id": id}, true, ""})
	}
	for i := 1; i <= entities; i += 17 {
		reqs = append(reqs, req{fmt.Sprintf(`{ screenEntity(id: "e%d", asOf: "2024-01-01") { %s } }`, i, all), nil, true, ""})
	}
	var batch []any
	for i := 1; i <= products; i += 3 {
		batch = append(batch, fmt.Sprintf("p%d", i))
	}
	reqs = append(reqs,
		req{`query($ids: [ID!]!) { screenProducts(ids: $ids, asOf: "2024-01-01") { ` + all + ` } }`, map[string]any{"ids": batch}, true, ""},
		req{`query($ids: [ID!]!, $r: [ID!]) { screenProducts(ids: $ids, regimes: $r) { ` + aliased + ` } }`, map[string]any{"ids": batch, "r": []any{"US-NDAA-889", "US-OFAC-SDN"}}, true, ""},
		req{`{ screenProduct(id: "p5", regimes: ["US-NDAA-889"]) { ` + aliased + ` } }`, nil, true, ""},
		req{`query($id: ID! = "p7", $d: Date = "2016-01-01") { screenProduct(id: $id, asOf: $d) { ` + all + ` } }`, nil, true, ""},
		// The operation named B of two.
		req{`query A { screenProduct(id: "p8") { verdict } } query B { screenEntity(id: "e9") { ` + all + ` } }`, nil, true, "B"},
		// Left to the executor.
		req{`{ screenProduct(id: "p5") { results { findings { entity { id defined } } } } }`, nil, false, ""},
		req{`{ screenProduct(id: "p5") { results { findings { entity { owners { percent } } } } } }`, nil, false, ""},
		req{`{ screenProduct(id: "p5") { results { findings { entity { identifiers { scheme scheme } } } } } }`, nil, false, ""},
		req{`{ screenProduct(id: "p5") { ...F } } fragment F on Screening { verdict }`, nil, false, ""},
		req{`{ screenProduct(id: "p5") { verdict @include(if: true) } }`, nil, false, ""},
		req{`{ screenProduct(id: "p5") { verdict verdict } }`, nil, false, ""},
		req{`{ __typename screenProduct(id: "p5") { verdict } }`, nil, false, ""},
		req{`{ screenProduct(id: "no-such-product") { verdict } }`, nil, false, ""},
		req{`query($d: Date) { screenProduct(id: "p5", asOf: $d) { verdict } }`, map[string]any{"d": "yesterday"}, false, ""},
		req{`query($id: ID!) { screenProduct(id: $id) { verdict } }`, map[string]any{"id": 5}, false, ""},
		req{`{ screenProducts(ids: "p5") { verdict } }`, nil, false, ""},
		req{`{ screenProduct(id: "p5", regimes: ["NO-SUCH-REGIME"]) { verdict } }`, nil, false, ""},
	)

	want := int64(0)
	var withPercent, withFindings, withGaps, withNames, withSources int
	for _, r := range reqs {
		body, _ := json.Marshal(map[string]any{"query": r.query, "variables": r.vars, "operationName": r.op})
		do := func(h http.Handler) *httptest.ResponseRecorder {
			hr := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
			hr.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, hr)
			return rec
		}
		before := answered.Load()
		got := do(fast)
		if took := answered.Load() > before; took != r.fast {
			t.Errorf("fast path answered %v, want %v: %s", took, r.fast, body)
		}
		if r.fast {
			want++
		}
		exp := do(plain)
		if got.Code != exp.Code || got.Header().Get("Content-Type") != exp.Header().Get("Content-Type") || got.Body.String() != exp.Body.String() {
			t.Fatalf("%s\nfast:     %d %s %s\nexecutor: %d %s %s", body, got.Code, got.Header().Get("Content-Type"), got.Body,
				exp.Code, exp.Header().Get("Content-Type"), exp.Body)
		}
		out := got.Body.String()
		if percentValue.MatchString(out) {
			withPercent++
		}
		if strings.Contains(out, `"findings":[{`) {
			withFindings++
		}
		if strings.Contains(out, `"gaps":[{`) {
			withGaps++
		}
		if strings.Contains(out, `"name":"`) {
			withNames++
		}
		if strings.Contains(out, `"source":"`) {
			withSources++
		}
	}
	if answered.Load() != want {
		t.Errorf("fast path answered %d operations, want %d", answered.Load(), want)
	}
	// The server's operation and response hooks see every operation, on the
	// fast path as on the executor's: each request that parses and validates is
	// one operation with one response.
	if fastOps.ops.Load() != plainOps.ops.Load() || fastOps.responses.Load() != plainOps.responses.Load() ||
		fastOps.ops.Load() < want || fastOps.responses.Load() != fastOps.ops.Load() {
		t.Errorf("hooks saw %d operations, %d responses with the fast path; %d, %d without; %d answered by the fast path",
			fastOps.ops.Load(), fastOps.responses.Load(), plainOps.ops.Load(), plainOps.responses.Load(), want)
	}
	// The world must exercise what is compared.
	if withFindings < products/10 || withPercent == 0 || withGaps == 0 || withNames == 0 || withSources == 0 {
		t.Errorf("too little compared: %d answers with findings, %d with a percent, %d with gaps, %d with names, %d with sources",
			withFindings, withPercent, withGaps, withNames, withSources)
	}
}

// counting is a handler extension that counts the operations and responses it
// is called around.
type counting struct{ ops, responses atomic.Int64 }

func (*counting) ExtensionName() string                   { return "counting" }
func (*counting) Validate(graphql.ExecutableSchema) error { return nil }

func (c *counting) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	c.ops.Add(1)
	return next(ctx)
}

func (c *counting) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	c.responses.Add(1)
	return next(ctx)
}

func mustGraphQL(t testing.TB, svc *service.Service, opts ...server.Option) http.Handler {
	t.Helper()
	h, err := server.GraphQL(svc, zerolog.Nop(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mustHandler(t testing.TB, svc *service.Service, opts ...server.Option) http.Handler {
	t.Helper()
	h, err := server.Handler(svc, zerolog.Nop(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var percentValue = regexp.MustCompile(`"(percent|percentMin|percentMax|aggregatePercent|pc)":[0-9]`)
