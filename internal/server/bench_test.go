package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
)

// BenchmarkScreenProductGraphQL measures one screenProduct request through the
// whole HTTP handler (no network), warm caches: answered by the fast path, and
// by gqlgen's executor.
func BenchmarkScreenProductGraphQL(b *testing.B) {
	ctx := context.Background()
	st := generatedStore(b, gen.Config{Entities: 20000, Products: 4000, Seed: 1})
	svc, err := service.Open(ctx, st, service.Options{Log: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	// The bench's query, and a reviewer's: entities' names and hops' sources.
	queries := map[string]string{
		"ids":   `query($id: ID!) { screenProduct(id: $id, asOf: "2024-01-01") { verdict results { regime { id } verdict findings { verdict entity { id } path { kind from to } } } gaps { productId } dataVersion } }`,
		"names": `query($id: ID!) { screenProduct(id: $id, asOf: "2024-01-01") { verdict results { regime { id } verdict findings { verdict entity { id name country } listedEntity { id name } path { kind from to source } } } } }`,
	}
	for _, c := range []struct {
		name, query string
		h           http.Handler
	}{
		{"fast", "ids", mustHandler(b, svc)},
		{"executor", "ids", mustHandler(b, svc, server.WithoutFastPath())},
		{"fast/names", "names", mustHandler(b, svc)},
		{"executor/names", "names", mustHandler(b, svc, server.WithoutFastPath())},
	} {
		var bodies [][]byte
		for i := 1; i < 4000; i += 4 {
			body, _ := json.Marshal(map[string]any{"query": queries[c.query], "variables": map[string]any{"id": "p" + itoa(i)}})
			bodies = append(bodies, body)
		}
		b.Run(c.name, func(b *testing.B) {
			do := func(body []byte) {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				c.h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Body.String())
				}
			}
			for _, body := range bodies {
				do(body)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				do(bodies[i%len(bodies)])
			}
		})
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
