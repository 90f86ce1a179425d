package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// TestAnswersUnderLoadEqualPlainAnswers serves a generated world and compares what
// 8 concurrent clients get (shared caches, batches) with what a fresh server
// answers for each question alone.
func TestAnswersUnderLoadEqualPlainAnswers(t *testing.T) {
	ctx := context.Background()
	st := generatedStore(t, gen.Config{Entities: 6000, Products: 1200, Seed: 5})
	open := func() *httptest.Server {
		svc, err := service.Open(ctx, st, service.Options{Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(mustHandler(t, svc))
		t.Cleanup(srv.Close)
		return srv
	}
	const fields = `subjectId verdict results { regime { id } verdict findings { verdict entity { id name } listedEntity { id } basis aggregatePercent path { kind from to percent source } } } gaps { productId reason } dataVersion`
	var queries []string
	for i := 1; i < 1200; i += 13 {
		for _, day := range []string{"2016-01-01", "2024-01-01", "2025-10-01"} {
			queries = append(queries, fmt.Sprintf(`{ screenProduct(id: "p%d", asOf: %q) { %s } }`, i, day, fields))
		}
	}
	for i := 1; i < 6000; i += 97 {
		queries = append(queries, fmt.Sprintf(`{ screenEntity(id: "e%d", asOf: "2024-01-01") { %s } }`, i, fields))
	}
	ask := func(url, q string) string {
		body, _ := json.Marshal(map[string]any{"query": q})
		resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			return ""
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return string(raw)
	}
	// Plain: each question alone on a fresh server (cold caches).
	want := make([]string, len(queries))
	exposed := 0
	for i, q := range queries {
		want[i] = ask(open().URL, q)
		if bytes.Contains([]byte(want[i]), []byte(`"verdict":"EXPOSED"`)) {
			exposed++
		}
	}
	if exposed < 10 {
		t.Fatalf("only %d answers are EXPOSED: the world does not exercise the rules", exposed)
	}
	// Under load: one server, 8 clients, every question several times, in
	// different orders.
	shared := open()
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for k := 0; k < len(queries)*2; k++ {
				i := (k*7 + c*13) % len(queries)
				if got := ask(shared.URL, queries[i]); got != want[i] {
					t.Errorf("client %d, question %d differs under load:\n%s\nvs\n%s", c, i, got, want[i])
					return
				}
			}
		}(c)
	}
	wg.Wait()
	// A batch answers as the single questions do.
	var ids []string
	for i := 1; i < 1200; i += 13 {
		ids = append(ids, fmt.Sprintf("p%d", i))
	}
	raw, _ := json.Marshal(ids)
	batch := ask(shared.URL, fmt.Sprintf(`{ screenProducts(ids: %s, asOf: "2024-01-01") { %s } }`, raw, fields))
	var got struct {
		Data struct {
			ScreenProducts []json.RawMessage `json:"screenProducts"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(batch), &got); err != nil || len(got.Data.ScreenProducts) != len(ids) {
		t.Fatalf("batch: %v %.300s", err, batch)
	}
	for k, one := range got.Data.ScreenProducts {
		single := want[3*k+1] // the 2024-01-01 question for the same product
		var s struct {
			Data struct {
				ScreenProduct json.RawMessage `json:"screenProduct"`
			} `json:"data"`
		}
		_ = json.Unmarshal([]byte(single), &s)
		if !bytes.Equal(one, s.Data.ScreenProduct) {
			t.Fatalf("batch answer %d differs from the single answer", k)
		}
	}
}

// generatedStore is an embedded store holding a generated world.
func generatedStore(tb testing.TB, cfg gen.Config) *embedded.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := embedded.Open(tb.TempDir(), embedded.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	run, err := st.Begin(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := gen.Records(cfg, func(op *ingest.Op) error { return run.Put(ctx, &op.Record) }); err != nil {
		tb.Fatal(err)
	}
	if _, err := run.Commit(ctx); err != nil {
		tb.Fatal(err)
	}
	return st
}
