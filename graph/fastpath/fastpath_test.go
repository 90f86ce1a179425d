package fastpath

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/keiretsu/keiretsu/graph"
	"github.com/keiretsu/keiretsu/graph/generated"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

func schema() (graphql.ExecutableSchema, *graph.Resolver) {
	res := &graph.Resolver{Views: graph.ViewFunc(func() graph.View { return panicking{} })}
	return generated.NewExecutableSchema(generated.Config{Resolvers: res}), res
}

// TestTableAgreesWithTheSchema: the writers as built pass the start-up check.
func TestTableAgreesWithTheSchema(t *testing.T) {
	es, res := schema()
	if _, err := Wrap(es, res, Options{}); err != nil {
		t.Fatal(err)
	}
}

// TestTableRefusesWhatOnlyTheExecutorWrites: a writer for a field that has a
// resolver, is not in the schema, takes arguments or has another type than the
// writer writes makes Wrap fail.
func TestTableRefusesWhatOnlyTheExecutorWrites(t *testing.T) {
	es, res := schema()
	str := leaf(func(w *writer, e *domain.Record) { w.str(e.ID) })
	for _, c := range []struct {
		typ, field string
		fw         fieldWriter
		want       string
	}{
		{"Entity", "defined", leaf(func(w *writer, e *domain.Record) { w.buf.WriteString("true") }), "has a resolver"},
		{"Entity", "owners", obj("Ownership", func(*writer, *ast.Field, *domain.Record) {}), "takes arguments"},
		{"Entity", "nickname", str, "not in the schema"},
		{"Screening", "gaps", obj("Hop", func(*writer, *ast.Field, *domain.Record) {}), "the writer writes a Hop"},
		{"Screening", "results", str, "not a scalar or enum"},
		{"Nope", "id", str, "not an object type"},
	} {
		ws := map[string]map[string]fieldWriter{}
		for typ, fields := range writers {
			ws[typ] = maps.Clone(fields)
		}
		if ws[c.typ] == nil {
			ws[c.typ] = map[string]fieldWriter{}
		}
		ws[c.typ][c.field] = c.fw
		_, err := checkTable(es.Schema(), resolverFields(res), ws)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s.%s: %v, want an error saying %q", c.typ, c.field, err, c.want)
		}
	}
}

// panicking is a View whose screenings panic (any other read would too).
type panicking struct{ graph.View }

func (panicking) Version() string { return "v" }

func (panicking) ScreenProduct(context.Context, string, *domain.Date, []string) (*rules.Screening, error) {
	panic("screening failed")
}

func (panicking) ScreenEntity(context.Context, string, *domain.Date, []string) (*rules.Screening, error) {
	return nil, errors.New("entity failed")
}

// TestFailuresAreTheExecutors: an operation whose resolver panics or fails is
// answered by the executor, with its recover func and errors, as without the
// fast path.
func TestFailuresAreTheExecutors(t *testing.T) {
	es, res := schema()
	answered := 0
	fast, err := Wrap(es, res, Options{Answered: func(string) { answered++ }})
	if err != nil {
		t.Fatal(err)
	}
	serve := func(es graphql.ExecutableSchema) http.Handler {
		srv := handler.New(es)
		srv.AddTransport(transport.POST{})
		srv.SetRecoverFunc(func(ctx context.Context, p any) error { return errors.New("recovered") })
		srv.Use(graph.PerOperation{Views: res.Views})
		return srv
	}
	for _, q := range []string{
		`{"query":"{ screenProduct(id: \"p\") { verdict } }"}`,
		`{"query":"{ screenEntity(id: \"e\") { verdict } }"}`,
	} {
		do := func(h http.Handler) string {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(q))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Body.String()
		}
		got, want := do(serve(fast)), do(serve(es))
		if got != want || !strings.Contains(got, `"errors"`) {
			t.Errorf("%s: with the fast path %s, without %s", q, got, want)
		}
	}
	if answered != 0 {
		t.Errorf("the fast path answered %d failing operations", answered)
	}
}
