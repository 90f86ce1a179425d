package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gadget is a supplier's CycloneDX HBOM: a HiSilicon chip (resolved to the
// demo's hisilicon by its name) and a power supply from a supplier the demo
// does not know.
const gadget = `{
  "bomFormat": "CycloneDX", "specVersion": "1.5",
  "metadata": {"component": {"bom-ref": "gw", "type": "device", "name": "Acme Gateway", "version": "1"}},
  "components": [
    {"bom-ref": "soc", "type": "device", "name": "Acme SoC", "supplier": {"name": "HiSilicon Technologies Co., Ltd."}},
    {"bom-ref": "psu", "type": "device", "name": "Acme PSU", "supplier": {"name": "Obscure Power Widgets Ltd"}}
  ],
  "dependencies": [{"ref": "gw", "dependsOn": ["soc", "psu"]}]
}`

func TestScreenDocument(t *testing.T) {
	srv, svc, _ := newServer(t)
	before := svc.View().Version()
	const q = `query($c: String!, $f: String!) { screenDocument(format: $f, content: $c, asOf: "2024-06-01", regimes: ["US-BIS-ENTITY"]) {
		format records roots dataVersion
		screenings { subjectId verdict results { findings { entity { id name } basis path { kind from to source } } } gaps { productId } }
		suppliers { documentId name by entity { id } }
		unresolved { name } } }`
	for _, format := range []string{"cyclonedx", "auto"} {
		r, status := post(t, srv.URL, q, map[string]any{"c": gadget, "f": format})
		if status != 200 || len(r.Errors) > 0 {
			t.Fatalf("%s: %d %+v", format, status, r.Errors)
		}
		var d struct {
			ScreenDocument struct {
				Format     string
				Records    int
				Roots      []string
				Screenings []struct {
					SubjectID string
					Verdict   string
					Results   []struct {
						Findings []struct {
							Entity struct{ ID, Name string }
							Basis  string
							Path   []struct{ Kind, From, To, Source string }
						}
					}
				}
				Suppliers []struct {
					DocumentID, Name, By string
					Entity               *struct{ ID string }
				}
				Unresolved  []struct{ Name string }
				DataVersion string
			}
		}
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		got := d.ScreenDocument
		if got.Format != "cyclonedx" || len(got.Roots) != 1 || len(got.Screenings) != 1 || got.DataVersion != before {
			t.Fatalf("%s: %+v", format, got)
		}
		s := got.Screenings[0]
		if s.Verdict != "EXPOSED" || len(s.Results[0].Findings) != 1 || s.Results[0].Findings[0].Entity.ID != "hisilicon" {
			t.Errorf("screening %+v", s)
		}
		path := s.Results[0].Findings[0].Path
		if len(path) < 3 || path[0].Kind != "COMPONENT" || path[0].From != got.Roots[0] || !strings.HasPrefix(path[0].Source, "document#") || path[len(path)-1].Kind != "LISTING" {
			t.Errorf("path %+v", path)
		}
		if diff := cmp.Diff([]struct{ Name string }{{"Obscure Power Widgets Ltd"}}, got.Unresolved); diff != "" {
			t.Errorf("unresolved (-want +got):\n%s", diff)
		}
		var resolved []string
		for _, sp := range got.Suppliers {
			if sp.Entity != nil {
				resolved = append(resolved, sp.Entity.ID+" by "+sp.By)
			}
		}
		if diff := cmp.Diff([]string{"hisilicon by name"}, resolved); diff != "" {
			t.Errorf("resolved (-want +got):\n%s", diff)
		}
	}
	// Nothing was stored.
	if v := svc.View().Version(); v != before {
		t.Errorf("dataVersion %s after screening a document, was %s", v, before)
	}
	r, _ := post(t, srv.URL, `{ search(text: "Acme Gateway") { id } }`, nil)
	if string(r.Data) != `{"search":[]}` {
		t.Errorf("the document's product is searchable: %s", r.Data)
	}
	// Bad input fails as ingest fails: BAD_USER_INPUT naming the document's line.
	for _, c := range []struct{ format, content, want string }{
		{"cyclonedx", "{\n  \"bomFormat\": \"CycloneDX\",\n  \"components\": [\n", "document:"},
		{"auto", `{"hello": 1}`, "not a CycloneDX or SPDX document"},
		{"native", gadget, "unknown document format"},
	} {
		r, _ := post(t, srv.URL, q, map[string]any{"c": c.content, "f": c.format})
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, c.want) {
			t.Errorf("%s %.30q: %+v, want BAD_USER_INPUT with %q", c.format, c.content, r.Errors, c.want)
		}
	}
}

func TestScreenBatch(t *testing.T) {
	srv, _, _ := newServer(t)
	r, _ := post(t, srv.URL, `{
		p: screenBatch(ids: ["prod-er8000", "nope", "prod-sw48", "prod-er8000", "huawei"], asOf: "2024-06-01", regimes: ["US-NDAA-889"]) { screenings { subjectId verdict } unknown }
		e: screenBatch(ids: ["huawei", "prod-er8000"], asOf: "2024-06-01", regimes: ["US-NDAA-889"], subjects: ENTITY) { screenings { subjectId verdict results { findings { entity { name } } } } unknown }
	}`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	want := `{"p":{"screenings":[{"subjectId":"prod-er8000","verdict":"EXPOSED"},{"subjectId":"prod-sw48","verdict":"CLEAR"}],"unknown":["nope","huawei"]},` +
		`"e":{"screenings":[{"subjectId":"huawei","verdict":"EXPOSED","results":[{"findings":[{"entity":{"name":"Huawei Technologies Co., Ltd."}}]}]}],"unknown":["prod-er8000"]}}`
	if diff := cmp.Diff(want, string(r.Data)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	r, _ = post(t, srv.URL, `{ screenBatch(ids: ["prod-er8000"], regimes: ["NOPE"]) { unknown } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("unknown regime: %+v", r.Errors)
	}
}

func TestDependentsAndPaging(t *testing.T) {
	srv, _, _ := newServer(t)
	const q = `query($r: ID, $after: String, $first: Int) { entity(id: "huawei") { dependents(asOf: "2024-06-01", regime: $r, first: $first, after: $after) {
		totalCount counts { verdict count } edges { cursor via verdict node { id } } pageInfo { hasNextPage endCursor } } } }`
	type page struct {
		Entity struct {
			Dependents struct {
				TotalCount int
				Counts     []struct {
					Verdict string
					Count   int
				}
				Edges []struct {
					Cursor, Via, Verdict string
					Node                 struct{ ID string }
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
	}
	get := func(vars map[string]any) page {
		t.Helper()
		r, _ := post(t, srv.URL, q, vars)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		var p page
		if err := json.Unmarshal(r.Data, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Directly, Huawei supplies nothing in the demo; through its 889 listing,
	// the router's HiSilicon chip makes the router depend on it.
	if p := get(map[string]any{}); p.Entity.Dependents.TotalCount != 0 {
		t.Errorf("direct dependents: %+v", p)
	}
	all := get(map[string]any{"r": "US-NDAA-889", "first": 1000}).Entity.Dependents
	var ids []string
	for _, e := range all.Edges {
		ids = append(ids, e.Node.ID)
		if e.Node.ID == "prod-er8000" && (e.Via != "hisilicon" || e.Verdict != "EXPOSED") {
			t.Errorf("prod-er8000: %+v", e)
		}
	}
	if !strings.Contains(strings.Join(ids, " "), "prod-er8000") || all.TotalCount != len(all.Edges) || all.PageInfo.HasNextPage {
		t.Fatalf("dependents under 889: %+v", all)
	}
	n := 0
	for _, c := range all.Counts {
		n += c.Count
	}
	if n != all.TotalCount {
		t.Errorf("counts %+v add up to %d, not %d", all.Counts, n, all.TotalCount)
	}
	// Paging one at a time gives the same list.
	var paged []string
	after := ""
	for i := 0; i < 100; i++ {
		vars := map[string]any{"r": "US-NDAA-889", "first": 1}
		if after != "" {
			vars["after"] = after
		}
		p := get(vars).Entity.Dependents
		for _, e := range p.Edges {
			paged = append(paged, e.Node.ID)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		after = p.PageInfo.EndCursor
	}
	if diff := cmp.Diff(ids, paged); diff != "" {
		t.Errorf("paged (-all +paged):\n%s", diff)
	}
	// Connections beside the list fields page the same edges.
	r, _ := post(t, srv.URL, `{ entity(id: "huawei-holding") { owned { owned { id } } ownedConnection(first: 1) { totalCount edges { node { owned { id } } } pageInfo { hasNextPage endCursor } } } }`, nil)
	var c struct {
		Entity struct {
			Owned           []struct{ Owned struct{ ID string } }
			OwnedConnection struct {
				TotalCount int
				Edges      []struct {
					Node struct{ Owned struct{ ID string } }
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
	}
	if err := json.Unmarshal(r.Data, &c); err != nil || len(r.Errors) > 0 {
		t.Fatal(err, r.Errors)
	}
	oc := c.Entity.OwnedConnection
	if oc.TotalCount != len(c.Entity.Owned) || len(oc.Edges) != 1 || oc.Edges[0].Node.Owned.ID != c.Entity.Owned[0].Owned.ID || oc.PageInfo.HasNextPage != (oc.TotalCount > 1) {
		t.Errorf("ownedConnection %+v, owned %+v", oc, c.Entity.Owned)
	}
	for _, bad := range []string{`first: -1`, `first: 1001`, `after: "garbage"`} {
		r, _ := post(t, srv.URL, `{ entity(id: "huawei") { ownedConnection(`+bad+`) { totalCount } } }`, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %+v", bad, r.Errors)
		}
	}
}
