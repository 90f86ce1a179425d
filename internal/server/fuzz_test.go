package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/keiretsu/keiretsu/internal/server"
)

// FuzzGraphQLRequest sends arbitrary requests to the whole HTTP handler over
// the demo data, with the default limits: a query and its variables (dates,
// ids, regime lists and batches among the seeds), or, when raw is set, the
// variables bytes as the whole body. The server never answers 5xx, and every
// answer is a JSON object whose every error has an extensions.code, none of
// them INTERNAL, and no message that shows a panic. Its seeds are in
// testdata/fuzz/FuzzGraphQLRequest.
func FuzzGraphQLRequest(f *testing.F) {
	svc := demoService(f)
	lim := server.DefaultLimits
	lim.Timeout = 5 * time.Second
	lim.RefusalDelay = -1 // the fuzzer's requests come one after another: no refusal waits for the last
	h := mustHandler(f, svc, server.WithLimits(lim))
	f.Add(`query($id: ID!, $d: Date) { screenEntity(id: $id, asOf: $d, regimes: ["US-NDAA-889"]) { verdict dataVersion } }`,
		[]byte(`{"id":"huawei","d":"2024-06-01"}`), false)
	f.Add(`{ entity(id: "sasac") { owned { owned { owner { name } } } } }`, []byte(nil), false)
	f.Fuzz(func(t *testing.T, query string, variables []byte, raw bool) {
		body := variables
		if !raw {
			q, _ := json.Marshal(query)
			body = append([]byte(`{"query":`), q...)
			if len(variables) > 0 {
				body = append(append(body, `,"variables":`...), variables...)
			}
			body = append(body, '}')
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		type answer struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		// A batched request (a JSON array of operations) is answered by an
		// array of answers, one per operation.
		var answers []answer
		if out := bytes.TrimSpace(rec.Body.Bytes()); len(out) > 0 && out[0] == '[' {
			if err := json.Unmarshal(out, &answers); err != nil || len(answers) == 0 {
				t.Fatalf("status %d, not a JSON array of answers (%v): %s", rec.Code, err, rec.Body)
			}
		} else {
			var resp answer
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatalf("status %d, not a JSON answer (%v): %s", rec.Code, err, rec.Body)
			}
			answers = []answer{resp}
		}
		for _, resp := range answers {
			if resp.Data == nil && resp.Errors == nil {
				t.Fatalf("status %d, neither data nor errors: %s", rec.Code, rec.Body)
			}
			for _, e := range resp.Errors {
				code, _ := e.Extensions["code"].(string)
				if code == "" || code == server.CodeInternal || strings.Contains(e.Message, "panic") || strings.Contains(e.Message, "goroutine") {
					t.Fatalf("status %d, error %q code %q for %q", rec.Code, e.Message, code, body)
				}
			}
		}
	})
}
