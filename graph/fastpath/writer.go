package fastpath

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/keiretsu/keiretsu/graph/gql"
	"github.com/keiretsu/keiretsu/graph/scalar"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/pace"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// fieldWriter writes one field's value of an object of its type; child names
// the type of an object (or list of objects) field, "" for a leaf.
type fieldWriter struct {
	child string
	write func(w *writer, f *ast.Field, obj any)
}

// leaf and obj make field writers for objects of type T.
func leaf[T any](fn func(w *writer, v T)) fieldWriter {
	return fieldWriter{write: func(w *writer, _ *ast.Field, obj any) { fn(w, obj.(T)) }}
}

func obj[T any](child string, fn func(w *writer, f *ast.Field, v T)) fieldWriter {
	return fieldWriter{child: child, write: func(w *writer, f *ast.Field, o any) { fn(w, f, o.(T)) }}
}

// writers are the fields the fast path writes: the screening answer's, the
// findings' entities' own record fields (not those resolved from the graph)
// and the hops'.
var writers = map[string]map[string]fieldWriter{
	"Screening": {
		"subjectId":   leaf(func(w *writer, s *gql.Screening) { w.str(s.SubjectID) }),
		"asOf":        leaf(func(w *writer, s *gql.Screening) { scalar.MarshalDate(s.AsOf).MarshalGQL(&w.buf) }),
		"verdict":     leaf(func(w *writer, s *gql.Screening) { s.Verdict.MarshalGQL(&w.buf) }),
		"dataVersion": leaf(func(w *writer, s *gql.Screening) { w.str(s.DataVersion) }),
		"results": obj("RegimeResult", func(w *writer, f *ast.Field, s *gql.Screening) {
			w.list(len(s.Results), func(i int) { w.object(f.SelectionSet, "RegimeResult", s.Results[i]) })
		}),
		"gaps": obj("Gap", func(w *writer, f *ast.Field, s *gql.Screening) {
			w.list(len(s.Gaps), func(i int) { w.object(f.SelectionSet, "Gap", s.Gaps[i]) })
		}),
	},
	"Gap": {
		"productId": leaf(func(w *writer, g *gql.Gap) { w.str(g.ProductID) }),
		"reason":    leaf(func(w *writer, g *gql.Gap) { w.str(g.Reason) }),
	},
	"RegimeResult": {
		"regime": obj("Regime", func(w *writer, f *ast.Field, r *gql.RegimeResult) {
			if r.Regime == nil {
				w.ok = false // the executor reports a null for a non-null field
				return
			}
			w.object(f.SelectionSet, "Regime", r.Regime)
		}),
		"verdict": leaf(func(w *writer, r *gql.RegimeResult) { r.Verdict.MarshalGQL(&w.buf) }),
		"findings": obj("Finding", func(w *writer, f *ast.Field, r *gql.RegimeResult) {
			w.list(len(r.Findings), func(i int) { w.object(f.SelectionSet, "Finding", r.Findings[i]) })
		}),
	},
	"Regime": {
		"id":        leaf(func(w *writer, g *rules.Regime) { w.str(g.ID) }),
		"name":      leaf(func(w *writer, g *rules.Regime) { w.str(g.Name) }),
		"authority": leaf(func(w *writer, g *rules.Regime) { w.optStr(g.AuthorityOrNil()) }),
		"url":       leaf(func(w *writer, g *rules.Regime) { w.optStr(g.URLOrNil()) }),
		"rule":      leaf(func(w *writer, g *rules.Regime) { w.str(g.RuleName()) }),
		"builtin":   leaf(func(w *writer, g *rules.Regime) { graphql.MarshalBoolean(g.Builtin).MarshalGQL(&w.buf) }),
		"default":   leaf(func(w *writer, g *rules.Regime) { graphql.MarshalBoolean(g.Default).MarshalGQL(&w.buf) }),
		"spec":      leaf(func(w *writer, g *rules.Regime) { w.str(g.SpecJSON()) }),
	},
	"Finding": {
		"verdict":          leaf(func(w *writer, fd *gql.Finding) { fd.Verdict.MarshalGQL(&w.buf) }),
		"basis":            leaf(func(w *writer, fd *gql.Finding) { fd.Basis.MarshalGQL(&w.buf) }),
		"seed":             leaf(func(w *writer, fd *gql.Finding) { fd.Seed.MarshalGQL(&w.buf) }),
		"aggregatePercent": leaf(func(w *writer, fd *gql.Finding) { w.optFloat(fd.AggregatePercent) }),
		"entity":           obj("Entity", func(w *writer, f *ast.Field, fd *gql.Finding) { w.entity(f.SelectionSet, fd.Entity) }),
		"listedEntity":     obj("Entity", func(w *writer, f *ast.Field, fd *gql.Finding) { w.entity(f.SelectionSet, fd.ListedEntity) }),
		"path": obj("Hop", func(w *writer, f *ast.Field, fd *gql.Finding) {
			w.list(len(fd.Path), func(i int) { w.object(f.SelectionSet, "Hop", fd.Path[i]) })
		}),
	},
	"Entity": {
		"id":        leaf(func(w *writer, e *domain.Record) { w.str(e.ID) }),
		"name":      leaf(func(w *writer, e *domain.Record) { w.str(e.Name) }),
		"type":      leaf(func(w *writer, e *domain.Record) { w.str(e.Type) }),
		"country":   leaf(func(w *writer, e *domain.Record) { w.optStr(e.CountryOrNil()) }),
		"hqCountry": leaf(func(w *writer, e *domain.Record) { w.optStr(e.HQCountryOrNil()) }),
		"source":    leaf(func(w *writer, e *domain.Record) { w.optStr(e.SourceOrNil()) }),
		"aliases": leaf(func(w *writer, e *domain.Record) {
			aliases := e.AliasList()
			w.list(len(aliases), func(i int) { w.str(aliases[i]) })
		}),
		"identifiers": obj("Identifier", func(w *writer, f *ast.Field, e *domain.Record) {
			ids := e.IdentifierList()
			w.list(len(ids), func(i int) { w.object(f.SelectionSet, "Identifier", ids[i]) })
		}),
	},
	"Identifier": {
		"scheme": leaf(func(w *writer, id *domain.Identifier) { w.str(id.Scheme) }),
		"value":  leaf(func(w *writer, id *domain.Identifier) { w.str(id.Value) }),
	},
	"Hop": {
		"kind":       leaf(func(w *writer, h *gql.Hop) { h.Kind.MarshalGQL(&w.buf) }),
		"from":       leaf(func(w *writer, h *gql.Hop) { w.str(h.From) }),
		"to":         leaf(func(w *writer, h *gql.Hop) { w.str(h.To) }),
		"percent":    leaf(func(w *writer, h *gql.Hop) { w.optFloat(h.Percent) }),
		"percentMin": leaf(func(w *writer, h *gql.Hop) { w.optFloat(h.PercentMin) }),
		"percentMax": leaf(func(w *writer, h *gql.Hop) { w.optFloat(h.PercentMax) }),
		"validFrom":  leaf(func(w *writer, h *gql.Hop) { w.optDate(h.ValidFrom) }),
		"validTo":    leaf(func(w *writer, h *gql.Hop) { w.optDate(h.ValidTo) }),
		"source":     leaf(func(w *writer, h *gql.Hop) { w.optStr(h.Source) }),
		"site":       leaf(func(w *writer, h *gql.Hop) { w.optStr(h.Site) }),
	},
}

// writer writes JSON as gqlgen's field sets and arrays do. ok turns false for
// a value the executor would report as an error.
type writer struct {
	ctx context.Context
	t   *table
	buf blocks
	ok  bool
	// m paces a heavy request's writing (nil for a light one).
	m *pace.Meter
}

// name writes a response name and its colon. A GraphQL name is letters,
// digits and underscores: nothing in it is escaped.
func (w *writer) name(alias string) {
	w.buf.WriteByte('"')
	w.buf.WriteString(alias)
	w.buf.WriteString(`":`)
}

// object writes the selected fields of v, an object of type typ.
func (w *writer) object(set ast.SelectionSet, typ string, v any) {
	fields := (*w.t)[typ]
	w.buf.WriteByte('{')
	for i, sel := range set {
		f := sel.(*ast.Field) // checked by plain
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.name(f.Alias)
		if f.Name == "__typename" {
			w.str(typ)
			continue
		}
		fields[f.Name].write(w, f, v)
	}
	w.buf.WriteByte('}')
}

func (w *writer) entity(set ast.SelectionSet, e *domain.Record) {
	if e == nil {
		w.ok = false // the executor reports a null for a non-null field
		return
	}
	w.object(set, "Entity", e)
}

func (w *writer) list(n int, elem func(i int)) {
	w.buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		elem(i)
		if w.m.Point(w.ctx) != nil {
			w.ok = false // the request is over: the executor answers (or not) as it does
			return
		}
	}
	w.buf.WriteByte(']')
}

// str writes s quoted as gqlgen's MarshalString does: control characters,
// the backslash and the quote escaped, every other byte as it is (those are
// all ASCII, so a byte never inside a UTF-8 sequence).
func (w *writer) str(s string) {
	const hex = "0123456789ABCDEF" // gqlgen's digits
	w.buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		w.buf.WriteString(s[start:i])
		switch c {
		case '\t':
			w.buf.WriteString(`\t`)
		case '\r':
			w.buf.WriteString(`\r`)
		case '\n':
			w.buf.WriteString(`\n`)
		case '\\':
			w.buf.WriteString(`\\`)
		case '"':
			w.buf.WriteString(`\"`)
		default:
			w.buf.WriteString(`\u00`)
			w.buf.WriteByte(hex[c>>4])
			w.buf.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	w.buf.WriteString(s[start:])
	w.buf.WriteByte('"')
}

func (w *writer) optStr(s *string) {
	if s == nil {
		w.buf.WriteString("null")
		return
	}
	w.str(*s)
}

func (w *writer) optFloat(f *float64) {
	if f == nil {
		w.buf.WriteString("null")
		return
	}
	if err := graphql.MarshalFloatContext(*f).MarshalGQLContext(w.ctx, &w.buf); err != nil {
		w.ok = false // the executor reports it as an error
	}
}

func (w *writer) optDate(d *domain.Date) {
	if d == nil {
		w.buf.WriteString("null")
		return
	}
	scalar.MarshalDate(*d).MarshalGQL(&w.buf)
}
