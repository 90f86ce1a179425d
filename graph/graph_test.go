package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/graph"
	"github.com/keiretsu/keiretsu/graph/generated"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/search"
)

// fakeView is a View over a few records held in maps, with canned screenings.
type fakeView struct {
	version   string
	regimes   []*rules.Regime
	nodes     map[string]*domain.Record // by "kind id"
	edges     []*domain.Record
	screening *rules.Screening
	err       error

	calls []string // what the resolvers asked for, in order
}

func (f *fakeView) Version() string          { return f.version }
func (f *fakeView) Regimes() []*rules.Regime { return f.regimes }
func (f *fakeView) Regime(id string) *rules.Regime {
	for _, r := range f.regimes {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func (f *fakeView) screen(call string) (*rules.Screening, error) {
	f.calls = append(f.calls, call)
	if f.err != nil {
		return nil, f.err
	}
	return f.screening, nil
}

func (f *fakeView) ScreenProduct(_ context.Context, id string, asOf *domain.Date, regimes []string) (*rules.Screening, error) {
	return f.screen("product " + id + " " + day(asOf) + " " + strings.Join(regimes, ","))
}

func (f *fakeView) ScreenEntity(_ context.Context, id string, asOf *domain.Date, regimes []string) (*rules.Screening, error) {
	return f.screen("entity " + id + " " + day(asOf) + " " + strings.Join(regimes, ","))
}

func (f *fakeView) ScreenProducts(_ context.Context, ids []string, asOf *domain.Date, regimes []string) ([]*rules.Screening, error) {
	s, err := f.screen("products " + strings.Join(ids, ",") + " " + day(asOf))
	if err != nil {
		return nil, err
	}
	out := make([]*rules.Screening, len(ids))
	for i := range ids {
		out[i] = s
	}
	return out, nil
}

func (f *fakeView) Nodes(_ context.Context, kind domain.Kind, ids []string) ([]*domain.Record, error) {
	f.calls = append(f.calls, "nodes "+kind.String()+" "+strings.Join(ids, ","))
	out := make([]*domain.Record, len(ids))
	for i, id := range ids {
		out[i] = f.nodes[kind.String()+" "+id]
	}
	return out, nil
}

func (f *fakeView) Edges(_ context.Context, kind domain.Kind, id string, dir domain.Direction, asOf *domain.Date) ([]*domain.Record, error) {
	var out []*domain.Record
	for _, e := range f.edges {
		end := e.Src
		if dir == domain.In {
			end = e.Dst
		}
		if e.Kind == kind && end == id && (asOf == nil || e.Valid.Holds(*asOf)) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeView) Records(_ context.Context, keys []domain.Key) ([]*domain.Record, error) {
	out := make([]*domain.Record, len(keys))
	for i, k := range keys {
		for _, e := range f.edges {
			if e.Key() == k {
				out[i] = e
			}
		}
	}
	return out, nil
}

func (f *fakeView) Defined(kind domain.Kind, id string) bool {
	return f.nodes[kind.String()+" "+id] != nil
}

func (f *fakeView) Search(text string, limit int) []search.Hit { return nil }

func day(d *domain.Date) string {
	if d == nil {
		return "today"
	}
	return d.String()
}

// countingViews hands out views in turn, counting the calls.
type countingViews struct {
	views []graph.View
	n     atomic.Int64
}

func (c *countingViews) Current() graph.View {
	i := c.n.Add(1) - 1
	return c.views[int(i)%len(c.views)]
}

func newHandler(views graph.Views) http.Handler {
	res := &graph.Resolver{Views: views}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: res}))
	srv.AddTransport(transport.POST{})
	srv.Use(graph.PerOperation{Views: views})
	return srv
}

type response struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message string `json:"message"`
		Path    []any  `json:"path"`
	} `json:"errors"`
}

func post(t *testing.T, h http.Handler, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out response
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	return out
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

func world() *fakeView {
	sdn := &rules.Regime{ID: "US-OFAC-SDN", Name: "OFAC SDN"}
	listedFrom := domain.MustDate("2020-01-01")
	own := &domain.Record{Kind: domain.KindOwnership, Src: "parent", Dst: "sub", Share: domain.Exact(60), Valid: domain.Always, Source: "registry"}
	listing := &domain.Record{Kind: domain.KindListing, Src: "parent", Dst: "US-OFAC-SDN", Valid: domain.Period{From: listedFrom, To: domain.MaxDate}, Source: "sdn.csv"}
	pct := 60.0
	return &fakeView{
		version: "v1",
		regimes: []*rules.Regime{sdn},
		nodes: map[string]*domain.Record{
			"entity parent": {Kind: domain.KindEntity, ID: "parent", Name: "Parent Co", Type: "company", Country: "CN", HQCountry: "HK"},
			"entity sub":    {Kind: domain.KindEntity, ID: "sub", Name: "Sub Ltd", Type: "company"},
		},
		edges: []*domain.Record{own, listing},
		screening: &rules.Screening{Subject: "sub", AsOf: domain.MustDate("2024-01-01"), Verdict: domain.Exposed,
			Results: []rules.Result{{Regime: sdn, Verdict: domain.Exposed, Findings: []rules.Finding{{
				Verdict: domain.Exposed, Entity: "sub", Listed: "parent", Basis: rules.BasisOwnership, AggregatePercent: &pct,
				Path: rules.PathOf(
					rules.Hop{Kind: domain.KindOwnership, From: "parent", To: "sub", Valid: domain.Always, Share: domain.Exact(60)},
					rules.Hop{Kind: domain.KindListing, From: "parent", To: "US-OFAC-SDN", Valid: listing.Valid},
				)}}}}},
	}
}

// TestScreeningReadsTheView: a screening field calls the View with its
// arguments and renders its answer, entities and hop sources looked up in the
// same View.
func TestScreeningReadsTheView(t *testing.T) {
	v := world()
	h := newHandler(graph.ViewFunc(func() graph.View { return v }))
	got := post(t, h, `query($id: ID!) { screenEntity(id: $id, asOf: "2024-01-01", regimes: ["US-OFAC-SDN"]) {
	  subjectId verdict results { regime { id name } verdict findings { verdict basis aggregatePercent
	    entity { id name } listedEntity { id name country hqCountry } path { kind from to percent source } } } } }`,
		map[string]any{"id": "sub"})
	if len(got.Errors) > 0 {
		t.Fatal(got.Errors)
	}
	want := `{"screenEntity":{"results":[{"findings":[{"aggregatePercent":60,"basis":"OWNERSHIP",` +
		`"entity":{"id":"sub","name":"Sub Ltd"},"listedEntity":{"country":"CN","hqCountry":"HK","id":"parent","name":"Parent Co"},` +
		`"path":[{"from":"parent","kind":"OWNERSHIP","percent":60,"source":"registry","to":"sub"},` +
		`{"from":"parent","kind":"LISTING","percent":null,"source":"sdn.csv","to":"US-OFAC-SDN"}],"verdict":"EXPOSED"}],` +
		`"regime":{"id":"US-OFAC-SDN","name":"OFAC SDN"},"verdict":"EXPOSED"}],"subjectId":"sub","verdict":"EXPOSED"}}`
	if diff := cmp.Diff(want, jsonOf(got.Data)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if v.calls[0] != "entity sub 2024-01-01 US-OFAC-SDN" {
		t.Errorf("the view was asked %q", v.calls)
	}
}

// TestViewErrorsAreFieldErrors: an error of the View is the field's error,
// with its path.
func TestViewErrorsAreFieldErrors(t *testing.T) {
	v := world()
	v.err = domain.ErrNotFound
	got := post(t, newHandler(graph.ViewFunc(func() graph.View { return v })), `{ screenProduct(id: "nope") { verdict } }`, nil)
	if len(got.Errors) != 1 || jsonOf(got.Errors[0].Path) != `["screenProduct"]` || got.Data != nil {
		t.Errorf("errors %+v, data %v", got.Errors, got.Data)
	}
}

// TestOneViewPerOperation: every field of one operation reads the View the
// operation started with, however many views come after.
func TestOneViewPerOperation(t *testing.T) {
	v1, v2 := world(), world()
	v2.version = "v2"
	delete(v2.nodes, "entity parent")
	views := &countingViews{views: []graph.View{v1, v2}}
	h := newHandler(views)
	const q = `{ a: dataVersion entity(id: "sub") { owners { owner { id name defined } } } b: dataVersion }`
	first, second := post(t, h, q, nil), post(t, h, q, nil)
	if s := jsonOf(first.Data); s != `{"a":"v1","b":"v1","entity":{"owners":[{"owner":{"defined":true,"id":"parent","name":"Parent Co"}}]}}` {
		t.Errorf("first operation: %s", s)
	}
	// In v2 the owner is only named by an edge: a placeholder, not defined.
	if s := jsonOf(second.Data); s != `{"a":"v2","b":"v2","entity":{"owners":[{"owner":{"defined":false,"id":"parent","name":"parent"}}]}}` {
		t.Errorf("second operation: %s", s)
	}
	if n := views.n.Load(); n != 2 {
		t.Errorf("%d views taken for 2 operations", n)
	}
}

// TestRegimesAndUnknownNodes: regimes are the View's; unknown ids are null.
func TestRegimesAndUnknownNodes(t *testing.T) {
	v := world()
	got := post(t, newHandler(graph.ViewFunc(func() graph.View { return v })), `{ regimes { id } entity(id: "ghost") { id } product(id: "ghost") { id } }`, nil)
	if s := jsonOf(got.Data); s != `{"entity":null,"product":null,"regimes":[{"id":"US-OFAC-SDN"}]}` || len(got.Errors) > 0 {
		t.Errorf("%s %v", s, got.Errors)
	}
}
