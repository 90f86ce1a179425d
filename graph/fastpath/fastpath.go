package fastpath

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/keiretsu/keiretsu/graph/generated"
	"github.com/keiretsu/keiretsu/graph/gql"
	"github.com/keiretsu/keiretsu/graph/scalar"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/pace"
)

// Options configure a Path.
type Options struct {
	// Answered, when set, is called with the root field of every operation the
	// fast path answers (tests and metrics).
	Answered func(field string)
}

// Path is an executable schema that answers the common screening operations
// itself and every other operation with the schema it wraps.
type Path struct {
	graphql.ExecutableSchema
	query generated.QueryResolver
	table table
	opt   Options
}

// roots are the root fields the fast path answers: their result type.
var roots = map[string]string{"screenProduct": "Screening", "screenEntity": "Screening", "screenProducts": "Screening"}

// Wrap returns es with the fast path in front of its Exec. root must be the
// resolvers es was made with. It fails when the fields the fast path writes do
// not agree with es's schema (see the package doc).
func Wrap(es graphql.ExecutableSchema, root generated.ResolverRoot, opt Options) (*Path, error) {
	t, err := checkTable(es.Schema(), resolverFields(root), writers)
	if err != nil {
		return nil, err
	}
	return &Path{ExecutableSchema: es, query: root.Query(), table: t, opt: opt}, nil
}

// Exec answers the operation in ctx: with the fast path when it can, else
// with the wrapped schema.
func (p *Path) Exec(ctx context.Context) graphql.ResponseHandler {
	if graphql.HasOperationContext(ctx) {
		if data, ok := p.answer(ctx, graphql.GetOperationContext(ctx)); ok {
			return graphql.OneShot(&graphql.Response{Data: data})
		}
	}
	return p.ExecutableSchema.Exec(ctx)
}

// answer writes the data of the operation when the fast path answers it.
func (p *Path) answer(ctx context.Context, rc *graphql.OperationContext) (data json.RawMessage, ok bool) {
	op := rc.Operation
	if op == nil || op.Operation != ast.Query || len(op.Directives) > 0 || len(op.SelectionSet) != 1 {
		return nil, false
	}
	f, isField := op.SelectionSet[0].(*ast.Field)
	if !isField || len(f.Directives) > 0 || roots[f.Name] == "" || !p.table.plain(f.SelectionSet, roots[f.Name]) {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			data, ok = nil, false // the executor answers, and reports the panic when it recurs
		}
	}()
	args := f.ArgumentMap(rc.Variables)
	ss, ok := p.resolve(ctx, f, args)
	if !ok {
		return nil, false
	}
	w := &writer{ctx: ctx, t: &p.table, ok: true, m: pace.From(ctx)}
	w.buf.WriteByte('{')
	w.name(f.Alias)
	if f.Name == "screenProducts" {
		w.list(len(ss), func(i int) { w.object(f.SelectionSet, "Screening", ss[i]) })
	} else {
		w.object(f.SelectionSet, "Screening", ss[0])
	}
	w.buf.WriteByte('}')
	if !w.ok {
		return nil, false
	}
	if p.opt.Answered != nil {
		p.opt.Answered(f.Name)
	}
	return w.buf.Bytes(ctx, w.m), true
}

// resolve calls the root field's resolver, as the executor does, with the
// arguments when they are plain values.
func (p *Path) resolve(ctx context.Context, f *ast.Field, args map[string]any) ([]*gql.Screening, bool) {
	asOf, ok := date(args["asOf"])
	if !ok {
		return nil, false
	}
	regimes, ok := ids(args["regimes"], true)
	if !ok {
		return nil, false
	}
	var version *string
	if v, given := args["dataVersion"]; given && v != nil {
		s, isStr := v.(string)
		if !isStr {
			return nil, false
		}
		version = &s
	}
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query", Args: args, IsMethod: true, IsResolver: true,
		Field: graphql.CollectedField{Field: f, Selections: f.SelectionSet}})
	var err error
	var s *gql.Screening
	switch f.Name {
	case "screenProduct", "screenEntity":
		id, isStr := args["id"].(string)
		if !isStr {
			return nil, false
		}
		if f.Name == "screenProduct" {
			s, err = p.query.ScreenProduct(ctx, id, asOf, regimes, version)
		} else {
			s, err = p.query.ScreenEntity(ctx, id, asOf, regimes, version)
		}
		return []*gql.Screening{s}, err == nil && s != nil
	default:
		list, okIDs := ids(args["ids"], false)
		if !okIDs {
			return nil, false
		}
		ss, err := p.query.ScreenProducts(ctx, list, asOf, regimes, version)
		return ss, err == nil
	}
}

// date reads an optional Date argument given as a string (or absent).
func date(v any) (*domain.Date, bool) {
	if v == nil {
		return nil, true
	}
	if _, ok := v.(string); !ok {
		return nil, false
	}
	d, err := scalar.UnmarshalDate(v)
	if err != nil {
		return nil, false
	}
	return &d, true
}

// ids reads a list of IDs given as a list of strings (or absent, when
// optional).
func ids(v any, optional bool) ([]string, bool) {
	if v == nil {
		return nil, optional
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

// Selection is a selection of Screening parsed for WriteScreening.
type Selection struct {
	// Op is the operation the selection was parsed in, for graph.WantedBy.
	Op  *graphql.OperationContext
	Set ast.SelectionSet
}

// ParseSelection parses and validates fields, a selection of Screening, as
// the selection of screenProduct, and checks that the fast path writes it.
func (p *Path) ParseSelection(fields string) (*Selection, error) {
	doc, errs := gqlparser.LoadQuery(p.Schema(), `{ screenProduct(id: "") { `+fields+` } }`)
	if len(errs) > 0 {
		return nil, fmt.Errorf("selection of Screening: %w", errs)
	}
	op := doc.Operations[0]
	set := op.SelectionSet[0].(*ast.Field).SelectionSet
	if !p.table.plain(set, "Screening") {
		return nil, fmt.Errorf("selection of Screening: not one the fast path writes: %s", fields)
	}
	return &Selection{Op: &graphql.OperationContext{Doc: doc, Operation: op, Variables: map[string]any{}}, Set: set}, nil
}

// WriteScreening writes s, filled for sel (graph.Answers), as the API writes
// the value of a screening field with that selection.
func (p *Path) WriteScreening(ctx context.Context, sel *Selection, s *gql.Screening) ([]byte, error) {
	w := &writer{ctx: ctx, t: &p.table, ok: true}
	w.object(sel.Set, "Screening", s)
	if !w.ok {
		return nil, fmt.Errorf("screening %s: a value the API reports as an error", s.SubjectID)
	}
	return w.buf.Bytes(ctx, nil), nil
}
