package graph

import (
	"bytes"
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	gql "github.com/keiretsu/keiretsu/graph/model"
	"github.com/keiretsu/keiretsu/graph/scalar"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// Screening operations are what procurement tools send in bulk, and for them
// gqlgen's executor costs more than the screening: it marshals every element of
// an object list (regime results, findings, hops) in a goroutine of its own,
// whose stack then grows and is copied several times (in a profile of the
// benchmark's screenProduct request, 70% of the handler's CPU time was the
// executor and 18% stack growth; gqlgen has no setting that turns this off).
//
// Fast answers the common screening operations without the executor: a query
// whose only root field is screenProduct, screenEntity or screenProducts and
// that selects, with plain fields only (aliases allowed; no fragments,
// directives or duplicate response names), only fields that the screening
// answer holds, the plain fields of the findings' entities and the hops'
// sources. It calls the same state methods, conversion and batched lookups as
// the resolvers, and writes each value with the marshaler gqlgen's generated code
// uses, in selection order, so the bytes are those gqlgen writes (a test
// compares them on a generated world). Any other operation, an argument that is
// not a plain value, an error and a value gqlgen would report as an error
// (a NaN float) give ok false: the caller then executes the operation with
// gqlgen, which answers it, errors included, as before.
func (r *Resolver) Fast(ctx context.Context, rc *graphql.OperationContext) (data []byte, ok bool) {
	op := rc.Operation
	if op == nil || op.Operation != ast.Query || len(op.Directives) > 0 || len(op.SelectionSet) != 1 {
		return nil, false
	}
	f, isField := op.SelectionSet[0].(*ast.Field)
	if !isField || len(f.Directives) > 0 || !plainSelection(f.SelectionSet, "Screening") {
		return nil, false
	}
	args := f.ArgumentMap(rc.Variables)
	asOf, ok := fastDate(args["asOf"])
	if !ok {
		return nil, false
	}
	regimes, ok := fastIDs(args["regimes"], true)
	if !ok {
		return nil, false
	}
	state := r.req(ctx).state
	var ss []*rules.Screening
	var err error
	switch f.Name {
	case "screenProduct", "screenEntity":
		id, isStr := args["id"].(string)
		if !isStr {
			return nil, false
		}
		var s *rules.Screening
		if f.Name == "screenProduct" {
			s, err = state.ScreenProduct(id, asOf, regimes)
		} else {
			s, err = state.ScreenEntity(id, asOf, regimes)
		}
		ss = []*rules.Screening{s}
	case "screenProducts":
		ids, okIDs := fastIDs(args["ids"], false)
		if !okIDs {
			return nil, false
		}
		ss, err = state.ScreenProducts(ids, asOf, regimes)
	default:
		return nil, false
	}
	if err != nil {
		return nil, false // gqlgen answers with the error
	}
	out, err := r.answers(ctx, wantedBy(rc, f.SelectionSet), ss...)
	if err != nil {
		return nil, false
	}
	w := &fastWriter{ctx: ctx, ok: true}
	w.buf.WriteByte('{')
	w.name(f.Alias)
	if f.Name == "screenProducts" {
		w.list(len(out), func(i int) { w.screening(f.SelectionSet, out[i]) })
	} else {
		w.screening(f.SelectionSet, out[0])
	}
	w.buf.WriteByte('}')
	if !w.ok {
		return nil, false
	}
	return w.buf.Bytes(), true
}

// fastFields is, per type, the fields Fast writes and the type of those that
// are objects ("" for a leaf).
var fastFields = map[string]map[string]string{
	"Screening":    {"subjectId": "", "asOf": "", "verdict": "", "results": "RegimeResult", "gaps": "Gap", "dataVersion": ""},
	"RegimeResult": {"regime": "Regime", "verdict": "", "findings": "Finding"},
	"Regime":       {"id": "", "name": "", "authority": "", "url": "", "rule": "", "builtin": ""},
	"Finding": {"verdict": "", "entity": "Entity", "listedEntity": "Entity", "basis": "",
		"aggregatePercent": "", "path": "Hop"},
	// The record's own fields, not those resolved from the graph.
	"Entity": {"id": "", "name": "", "type": "", "country": "", "hqCountry": "", "aliases": "", "identifiers": "Identifier",
		"source": ""},
	"Identifier": {"scheme": "", "value": ""},
	"Hop": {"kind": "", "from": "", "to": "", "percent": "", "percentMin": "", "percentMax": "",
		"validFrom": "", "validTo": "", "source": ""},
	"Gap": {"productId": "", "reason": ""},
}

// plainSelection reports whether set selects only fields of typ that Fast
// writes, each once, without arguments, directives or fragments, and the same
// below.
func plainSelection(set ast.SelectionSet, typ string) bool {
	fields := fastFields[typ]
	seen := make(map[string]bool, len(set))
	for _, sel := range set {
		f, ok := sel.(*ast.Field)
		if !ok || len(f.Directives) > 0 || len(f.Arguments) > 0 || seen[f.Alias] {
			return false
		}
		seen[f.Alias] = true
		if f.Name == "__typename" {
			continue
		}
		child, ok := fields[f.Name]
		if !ok {
			return false
		}
		if child != "" && !plainSelection(f.SelectionSet, child) {
			return false
		}
	}
	return true
}

// fastDate reads an optional Date argument given as a string (or absent).
func fastDate(v any) (*model.Date, bool) {
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

// fastIDs reads a list of IDs given as a list of strings (or absent, when
// optional).
func fastIDs(v any, optional bool) ([]string, bool) {
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

// fastWriter writes JSON as gqlgen's field sets and arrays do.
type fastWriter struct {
	ctx context.Context
	buf bytes.Buffer
	ok  bool
}

// name writes a response name and its colon.
func (w *fastWriter) name(alias string) {
	graphql.MarshalString(alias).MarshalGQL(&w.buf)
	w.buf.WriteByte(':')
}

// object writes the fields of set, value writing each field's value.
func (w *fastWriter) object(set ast.SelectionSet, typename string, value func(f *ast.Field)) {
	w.buf.WriteByte('{')
	for i, sel := range set {
		f := sel.(*ast.Field) // checked by plainSelection
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.name(f.Alias)
		if f.Name == "__typename" {
			w.str(typename)
			continue
		}
		value(f)
	}
	w.buf.WriteByte('}')
}

func (w *fastWriter) list(n int, elem func(i int)) {
	w.buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		elem(i)
	}
	w.buf.WriteByte(']')
}

func (w *fastWriter) str(s string) { graphql.MarshalString(s).MarshalGQL(&w.buf) }

func (w *fastWriter) optStr(s *string) {
	if s == nil {
		w.buf.WriteString("null")
		return
	}
	w.str(*s)
}

func (w *fastWriter) optFloat(f *float64) {
	if f == nil {
		w.buf.WriteString("null")
		return
	}
	if err := graphql.MarshalFloatContext(*f).MarshalGQLContext(w.ctx, &w.buf); err != nil {
		w.ok = false // gqlgen reports it as an error
	}
}

func (w *fastWriter) optDate(d *model.Date) {
	if d == nil {
		w.buf.WriteString("null")
		return
	}
	scalar.MarshalDate(*d).MarshalGQL(&w.buf)
}

func (w *fastWriter) screening(set ast.SelectionSet, s *gql.Screening) {
	w.object(set, "Screening", func(f *ast.Field) {
		switch f.Name {
		case "subjectId":
			w.str(s.SubjectID)
		case "asOf":
			scalar.MarshalDate(s.AsOf).MarshalGQL(&w.buf)
		case "verdict":
			s.Verdict.MarshalGQL(&w.buf)
		case "results":
			w.list(len(s.Results), func(i int) { w.regimeResult(f.SelectionSet, s.Results[i]) })
		case "gaps":
			w.list(len(s.Gaps), func(i int) {
				g := s.Gaps[i]
				w.object(f.SelectionSet, "Gap", func(f *ast.Field) {
					if f.Name == "productId" {
						w.str(g.ProductID)
					} else {
						w.str(g.Reason)
					}
				})
			})
		case "dataVersion":
			w.str(s.DataVersion)
		}
	})
}

func (w *fastWriter) regimeResult(set ast.SelectionSet, res *gql.RegimeResult) {
	w.object(set, "RegimeResult", func(f *ast.Field) {
		switch f.Name {
		case "regime":
			w.regime(f.SelectionSet, res.Regime)
		case "verdict":
			res.Verdict.MarshalGQL(&w.buf)
		case "findings":
			w.list(len(res.Findings), func(i int) { w.finding(f.SelectionSet, res.Findings[i]) })
		}
	})
}

func (w *fastWriter) regime(set ast.SelectionSet, g *rules.Regime) {
	if g == nil {
		w.ok = false // gqlgen reports a null for a non-null field
		return
	}
	w.object(set, "Regime", func(f *ast.Field) {
		switch f.Name {
		case "id":
			w.str(g.ID)
		case "name":
			w.str(g.Name)
		case "authority":
			w.optStr(g.AuthorityOrNil())
		case "url":
			w.optStr(g.URLOrNil())
		case "rule":
			w.str(g.RuleName())
		case "builtin":
			graphql.MarshalBoolean(g.Builtin).MarshalGQL(&w.buf)
		}
	})
}

func (w *fastWriter) finding(set ast.SelectionSet, fd *gql.Finding) {
	w.object(set, "Finding", func(f *ast.Field) {
		switch f.Name {
		case "verdict":
			fd.Verdict.MarshalGQL(&w.buf)
		case "entity":
			w.entity(f.SelectionSet, fd.Entity)
		case "listedEntity":
			w.entity(f.SelectionSet, fd.ListedEntity)
		case "basis":
			fd.Basis.MarshalGQL(&w.buf)
		case "aggregatePercent":
			w.optFloat(fd.AggregatePercent)
		case "path":
			w.list(len(fd.Path), func(i int) { w.hop(f.SelectionSet, fd.Path[i]) })
		}
	})
}

func (w *fastWriter) entity(set ast.SelectionSet, e *model.Record) {
	if e == nil {
		w.ok = false // gqlgen reports a null for a non-null field
		return
	}
	w.object(set, "Entity", func(f *ast.Field) {
		switch f.Name {
		case "id":
			w.str(e.ID)
		case "name":
			w.str(e.Name)
		case "type":
			w.str(e.Type)
		case "country":
			w.optStr(e.CountryOrNil())
		case "hqCountry":
			w.optStr(e.HQCountryOrNil())
		case "aliases":
			aliases := e.AliasList()
			w.list(len(aliases), func(i int) { w.str(aliases[i]) })
		case "identifiers":
			ids := e.IdentifierList()
			w.list(len(ids), func(i int) {
				w.object(f.SelectionSet, "Identifier", func(g *ast.Field) {
					if g.Name == "scheme" {
						w.str(ids[i].Scheme)
					} else {
						w.str(ids[i].Value)
					}
				})
			})
		case "source":
			w.optStr(e.SourceOrNil())
		}
	})
}

func (w *fastWriter) hop(set ast.SelectionSet, h *gql.Hop) {
	w.object(set, "Hop", func(f *ast.Field) {
		switch f.Name {
		case "kind":
			h.Kind.MarshalGQL(&w.buf)
		case "from":
			w.str(h.From)
		case "to":
			w.str(h.To)
		case "percent":
			w.optFloat(h.Percent)
		case "percentMin":
			w.optFloat(h.PercentMin)
		case "percentMax":
			w.optFloat(h.PercentMax)
		case "validFrom":
			w.optDate(h.ValidFrom)
		case "validTo":
			w.optDate(h.ValidTo)
		case "source":
			w.optStr(h.Source)
		}
	})
}
