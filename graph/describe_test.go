package graph_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/keiretsu/keiretsu/graph"
	"github.com/keiretsu/keiretsu/graph/generated"
)

// introspectionQuery asks for the description of every type, field,
// argument, input field and enum value of the schema.
const introspectionQuery = `{ __schema { types {
  name description specifiedByURL
  fields(includeDeprecated: true) { name description args { name description } }
  inputFields { name description }
  enumValues(includeDeprecated: true) { name description }
} } }`

type introspected struct {
	Data struct {
		Schema struct {
			Types []struct {
				Name           string  `json:"name"`
				Description    *string `json:"description"`
				SpecifiedByURL *string `json:"specifiedByURL"`
				Fields         []struct {
					Name        string  `json:"name"`
					Description *string `json:"description"`
					Args        []struct {
						Name        string  `json:"name"`
						Description *string `json:"description"`
					} `json:"args"`
				} `json:"fields"`
				InputFields []struct {
					Name        string  `json:"name"`
					Description *string `json:"description"`
				} `json:"inputFields"`
				EnumValues []struct {
					Name        string  `json:"name"`
					Description *string `json:"description"`
				} `json:"enumValues"`
			} `json:"types"`
		} `json:"__schema"`
	} `json:"data"`
}

func introspect(t *testing.T) introspected {
	t.Helper()
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{}}))
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{})
	body, _ := json.Marshal(map[string]any{"query": introspectionQuery})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var out introspected
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Data.Schema.Types) == 0 {
		t.Fatalf("introspection: %d %s", rec.Code, rec.Body)
	}
	return out
}

func blank(s *string) bool { return s == nil || strings.TrimSpace(*s) == "" }

// TestSchemaIsDescribed: every type, field, argument, input field and enum
// value the schema defines (the introspection types and the built-in scalars
// aside) has a description, so generated clients and GraphiQL document
// themselves. The failure lists every undocumented name.
func TestSchemaIsDescribed(t *testing.T) {
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	var missing []string
	for _, ty := range introspect(t).Data.Schema.Types {
		if builtin[ty.Name] || strings.HasPrefix(ty.Name, "__") {
			continue
		}
		if blank(ty.Description) {
			missing = append(missing, ty.Name)
		}
		for _, f := range ty.Fields {
			if blank(f.Description) {
				missing = append(missing, ty.Name+"."+f.Name)
			}
			for _, a := range f.Args {
				if blank(a.Description) {
					missing = append(missing, ty.Name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, f := range ty.InputFields {
			if blank(f.Description) {
				missing = append(missing, ty.Name+"."+f.Name)
			}
		}
		for _, v := range ty.EnumValues {
			if blank(v.Description) {
				missing = append(missing, ty.Name+"."+v.Name)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Errorf("%d undocumented in schema/*.graphql:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
}

// TestDateIsSpecified: the Date scalar names its specification.
func TestDateIsSpecified(t *testing.T) {
	for _, ty := range introspect(t).Data.Schema.Types {
		if ty.Name == "Date" {
			if blank(ty.SpecifiedByURL) {
				t.Error("Date has no @specifiedBy")
			}
			return
		}
	}
	t.Error("no Date scalar")
}
