package fastpath

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/keiretsu/keiretsu/graph/generated"
)

// table is, per GraphQL type, the fields the fast path writes, checked against
// the schema by checkTable.
type table map[string]map[string]fieldWriter

// checkTable checks the writers against the schema: every type is an object
// type of the schema, every field exists on it with no arguments and no
// resolver, and its named type is the one the writer writes (the writer's
// child type for an object field, a scalar or enum for a leaf). It returns the
// table the fast path uses.
func checkTable(s *ast.Schema, resolved map[string]map[string]bool, ws map[string]map[string]fieldWriter) (table, error) {
	for typ, fields := range ws {
		def := s.Types[typ]
		if def == nil || def.Kind != ast.Object {
			return nil, fmt.Errorf("fast path: %s is not an object type of the schema", typ)
		}
		for name, fw := range fields {
			fd := def.Fields.ForName(name)
			switch {
			case fd == nil:
				return nil, fmt.Errorf("fast path: %s.%s is not in the schema", typ, name)
			case len(fd.Arguments) > 0:
				return nil, fmt.Errorf("fast path: %s.%s takes arguments", typ, name)
			case resolved[typ][strings.ToLower(name)]:
				return nil, fmt.Errorf("fast path: %s.%s has a resolver; only the executor may resolve it", typ, name)
			}
			named := s.Types[fd.Type.Name()]
			if fw.child != "" && fd.Type.Name() != fw.child {
				return nil, fmt.Errorf("fast path: %s.%s is a %s, the writer writes a %s", typ, name, fd.Type.Name(), fw.child)
			}
			if fw.child == "" && (named == nil || named.Kind != ast.Scalar && named.Kind != ast.Enum) {
				return nil, fmt.Errorf("fast path: %s.%s is not a scalar or enum", typ, name)
			}
			if fw.child != "" && ws[fw.child] == nil {
				return nil, fmt.Errorf("fast path: %s.%s: no writer for %s", typ, name, fw.child)
			}
		}
	}
	return table(ws), nil
}

// resolverFields lists, per type, the fields gqlgen resolves with a resolver
// (lower case): the methods of the type's resolver interface in ResolverRoot.
func resolverFields(root generated.ResolverRoot) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	rt := reflect.TypeOf((*generated.ResolverRoot)(nil)).Elem()
	for i := range rt.NumMethod() {
		m := rt.Method(i)
		if m.Type.NumIn() != 0 || m.Type.NumOut() != 1 || m.Type.Out(0).Kind() != reflect.Interface {
			continue
		}
		fields := map[string]bool{}
		for j := range m.Type.Out(0).NumMethod() {
			fields[strings.ToLower(m.Type.Out(0).Method(j).Name)] = true
		}
		out[m.Name] = fields
	}
	return out
}

// plain reports whether set selects only fields of typ that the fast path
// writes, each once by response name, without arguments, directives or
// fragments, and the same below.
func (t table) plain(set ast.SelectionSet, typ string) bool {
	fields := t[typ]
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
		fw, ok := fields[f.Name]
		if !ok {
			return false
		}
		if fw.child != "" && !t.plain(f.SelectionSet, fw.child) {
			return false
		}
	}
	return true
}
