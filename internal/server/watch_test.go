package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// TestWatchesAndEventsServed: the served API lists the store's watches and
// the events a committed run recorded, with and without an audit log.
func TestWatchesAndEventsServed(t *testing.T) {
	ctx := context.Background()
	svc, st := e2e.Service(t, `{"kind":"entity","id":"L","name":"Listed"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"L"}
{"kind":"entity","id":"s","name":"Sub"}
{"kind":"ownership","owner":"L","owned":"s","percent":60}
{"kind":"product","id":"p","name":"P"}
{"kind":"sourcing","product":"p","entity":"s"}
`)
	if _, err := watch.Add(ctx, st, []watch.Spec{{Kind: watch.KindProduct, Subject: "p", Regimes: []string{"US-OFAC-SDN"}, AsOf: watch.Today}}, watch.Options{}); err != nil {
		t.Fatal(err)
	}
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	src := native.NewReader("run.jsonl", strings.NewReader(`{"kind":"ownership","owner":"L","owned":"s","percent":30}`+"\n"), set.Has)
	sum, err := load.Recorded(ctx, st, history.Info{}, []ingest.Source{src}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	audit, err := server.OpenAuditLog(filepath.Join(t.TempDir(), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer audit.Close()
	for name, h := range map[string]http.Handler{"plain": mustHandler(t, svc), "audited": mustHandler(t, svc, server.WithAudit(audit))} {
		srv := httptest.NewServer(h)
		body := `{"query":"{ watches { id subject kind regimes asOf } events(since: 0) { seq watch kind before after run dataVersion findingsRemoved { entity listedEntity basis verdict } } }"}`
		resp, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Data   json.RawMessage
			Errors []any
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		srv.Close()
		want := `{"watches":[{"id":"w1","subject":"p","kind":"product","regimes":["US-OFAC-SDN"],"asOf":"today"}],` +
			`"events":[{"seq":1,"watch":"w1","kind":"IMPROVED","before":"EXPOSED","after":"CLEAR","run":1,"dataVersion":"` + sum.Version.String() + `",` +
			`"findingsRemoved":[{"entity":"s","listedEntity":"L","basis":"OWNERSHIP","verdict":"EXPOSED"}]}]}`
		if string(out.Data) != want || len(out.Errors) > 0 {
			t.Errorf("%s: %s %v\nwant %s", name, out.Data, out.Errors, want)
		}
	}
}
