package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
)

// pastQueries are screenings asked of every state: the fast path's selection
// (with the finding's entity records, read from the state's records) and one
// that only the executor answers (__typename).
var pastQueries = []string{
	`query($v: String) { screenProduct(id: "p", asOf: "2025-01-01", dataVersion: $v) {
		verdict dataVersion results { regime { id } verdict findings { verdict basis entity { id name } listedEntity { id name }
		aggregatePercent path { kind from to percent source } } } gaps { productId reason } } }`,
	`query($v: String) { screenEntity(id: "b", dataVersion: $v, regimes: ["US-OFAC-SDN"]) { __typename verdict dataVersion
		results { findings { entity { name } path { percent source } } } } }`,
	`query($v: String) { screenProducts(ids: ["p", "q"], asOf: "2025-01-01", dataVersion: $v) { subjectId verdict gaps { productId } dataVersion } }`,
}

// post sends a GraphQL request to h and returns the response body.
func post(t *testing.T, h http.Handler, query string, vars map[string]any) []byte {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.Bytes()
}

// testPastStates: a screening with the dataVersion of a retained run answers
// byte for byte as it was answered when that was the current state, after
// later runs changed ownership, names, listings and bills of materials; a
// pruned or unknown version is BAD_USER_INPUT; runs lists the run log.
func testPastStates(t *testing.T, st store.Store) {
	ctx := context.Background()
	runs := []string{
		`{"kind":"entity","id":"a","name":"Alpha"}
{"kind":"entity","id":"b","name":"Beta"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"a","source":"sdn-1"}
{"kind":"ownership","owner":"a","owned":"b","percent":60,"source":"reg-1"}
{"kind":"product","id":"p","name":"P"}
{"kind":"product","id":"q","name":"Q"}
{"kind":"sourcing","product":"p","entity":"b"}
`,
		`{"kind":"entity","id":"b","name":"Beta Renamed"}
{"kind":"ownership","owner":"a","owned":"b","percent":30,"source":"reg-2"}
{"kind":"product","id":"q-part","name":"Q part"}
{"kind":"component","parent":"q","child":"q-part"}
`,
		`{"op":"delete","kind":"listing","regime":"US-OFAC-SDN","entity":"a"}
{"kind":"sourcing","product":"q-part","entity":"a"}
`,
	}
	svc, err := service.Open(ctx, st, service.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.GraphQL(svc, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		version string
		bodies  [][]byte
	}
	var then []answer
	for i, jsonl := range runs {
		if _, err := load.Recorded(ctx, st, history.Info{Files: []string{"run.jsonl"}}, sources(t, jsonl), load.Options{}); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if err := svc.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		a := answer{version: svc.View().Version()}
		for _, q := range pastQueries {
			b := post(t, h, q, nil)
			if bytes.Contains(b, []byte(`"errors"`)) {
				t.Fatalf("run %d: %s", i+1, b)
			}
			a.bodies = append(a.bodies, b)
		}
		then = append(then, a)
	}
	if bytes.Equal(then[0].bodies[0], then[1].bodies[0]) || bytes.Equal(then[1].bodies[2], then[2].bodies[2]) {
		t.Fatal("the runs do not change the answers: the test proves nothing")
	}
	// Every state, current and past, in an order that makes the server build
	// and rebuild past views, answers as it did.
	for _, k := range []int{0, 1, 2, 0, 1, 0} {
		for j, q := range pastQueries {
			got := post(t, h, q, map[string]any{"v": then[k].version})
			if !bytes.Equal(got, then[k].bodies[j]) {
				t.Errorf("state after run %d, query %d:\n got %s\nwant %s", k+1, j, got, then[k].bodies[j])
			}
		}
	}
	// A later run renames the entities that the past answers name: past views
	// built before it (here by a second server, asked only for verdicts, so
	// that no record is cached yet) must read their records as they were.
	svc2, err := service.Open(ctx, st, service.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	h2, err := server.GraphQL(svc2, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 0} {
		got := post(t, h2, `query($v: String) { screenProduct(id: "p", dataVersion: $v) { verdict } }`, map[string]any{"v": then[k].version})
		if bytes.Contains(got, []byte(`"errors"`)) {
			t.Fatal(string(got))
		}
	}
	if _, err := load.Recorded(ctx, st, history.Info{}, sources(t, `{"kind":"entity","id":"a","name":"Alpha 4"}
{"kind":"entity","id":"b","name":"Beta 4"}
`), load.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 0} {
		for j, q := range pastQueries {
			if got := post(t, h2, q, map[string]any{"v": then[k].version}); !bytes.Equal(got, then[k].bodies[j]) {
				t.Errorf("state after run %d, query %d, after run 4:\n got %s\nwant %s", k+1, j, got, then[k].bodies[j])
			}
		}
	}
	// runs(last: 2): the last two, oldest first.
	got := post(t, h, `{ runs(last: 2) { run snapshot files written deleted dataVersionBefore dataVersion retained } }`, nil)
	var rs struct {
		Data struct{ Runs []history.Run }
	}
	if err := json.Unmarshal(got, &rs); err != nil || len(rs.Data.Runs) != 2 {
		t.Fatalf("runs: %s", got)
	}
	if r := rs.Data.Runs; r[0].Run != 3 || r[1].Run != 4 || *r[0].DataVersionBefore != then[1].version ||
		r[0].DataVersion != then[2].version || r[0].Deleted != 1 || r[0].Written != 1 || !r[0].Retained ||
		r[0].Files[0] != "run.jsonl" || len(r[1].Files) != 0 || r[1].Snapshot != nil {
		t.Errorf("runs: %s", got)
	}
	// After pruning to the last run, the first two states are gone.
	if _, err := history.Prune(ctx, st, 1); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{then[0].version, then[1].version, then[2].version, "0123456789abcdef0123456789abcdef", "not a version"} {
		got := post(t, h, pastQueries[0], map[string]any{"v": v})
		if !strings.Contains(string(got), `"code":"BAD_USER_INPUT"`) || strings.Contains(string(got), `"data":{`) {
			t.Errorf("dataVersion %s after pruning: %s", v, got)
		}
	}
	if got := post(t, h, pastQueries[2], map[string]any{"v": svc.View().Version()}); !bytes.Equal(got, post(t, h, pastQueries[2], nil)) {
		t.Errorf("current state by its version: %s", got)
	}
}
