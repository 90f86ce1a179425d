package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
)

// workbenchWorld: a listed parent owning 60% of a chip maker, whose chip goes
// into a product through a board.
const workbenchWorld = `{"kind":"entity","id":"parent","name":"Parent Holdings"}
{"kind":"entity","id":"chips","name":"Chip Foundry Co"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"parent","source":"sdn-1"}
{"kind":"ownership","owner":"parent","owned":"chips","percent":60,"source":"reg-1"}
{"kind":"product","id":"radio","name":"Radio"}
{"kind":"product","id":"board","name":"Radio board"}
{"kind":"product","id":"chip","name":"Radio chip"}
{"kind":"component","parent":"radio","child":"board"}
{"kind":"component","parent":"board","child":"chip"}
{"kind":"sourcing","product":"chip","entity":"chips"}
`

// flatGateway is a supplier's CycloneDX HBOM whose root lists every part flat
// while its dependency graph gives the chain gateway -> board -> modem ->
// baseband; the baseband's maker is the world's chip maker (by name).
const flatGateway = `{
  "bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "urn:uuid:3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c",
  "metadata": {"component": {"bom-ref": "gateway", "type": "device", "name": "Gateway"}},
  "components": [
    {"bom-ref": "board", "type": "device", "name": "Main board"},
    {"bom-ref": "modem", "type": "device", "name": "Modem"},
    {"bom-ref": "baseband", "type": "device", "name": "Baseband", "supplier": {"name": "Chip Foundry Co"}},
    {"bom-ref": "manual", "type": "device", "name": "Manual"}
  ],
  "dependencies": [
    {"ref": "gateway", "dependsOn": ["board"]},
    {"ref": "board", "dependsOn": ["modem"]},
    {"ref": "modem", "dependsOn": ["baseband"]}
  ]
}`

// hopEnds selects a path with the records at its hops' ends.
const hopEnds = `path { kind from to source
	fromNode { __typename ... on Entity { id name } ... on Product { id name } ... on Regime { id name } }
	toNode { __typename ... on Entity { id name } ... on Product { id name } ... on Regime { id name } } }`

type node struct{ Typename, ID, Name string }

type hop struct {
	Kind, From, To   string
	Source           *string
	FromNode, ToNode *node
}

func (n *node) UnmarshalJSON(b []byte) error {
	var v struct {
		Typename string `json:"__typename"`
		ID, Name string
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*n = node{v.Typename, v.ID, v.Name}
	return nil
}

// hopsOf reads the paths of every finding of a screening answer.
func hopsOf(t *testing.T, body []byte, field string) ([][]hop, json.RawMessage) {
	t.Helper()
	var r struct {
		Data   map[string]json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(body, &r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%s", body)
	}
	var s struct {
		Results []struct{ Findings []struct{ Path []hop } }
	}
	raw := r.Data[field]
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	var paths [][]hop
	for _, res := range s.Results {
		for _, f := range res.Findings {
			paths = append(paths, f.Path)
		}
	}
	return paths, raw
}

// testWorkbenchAPI: the fields added for the workbench answer the same on
// every store: hops' typed ends (Hop.fromNode, toNode), a document screened
// over the stored graph without storing it, whose path follows the document's
// dependency chain rather than its flat inventory, screenBatch with unknown ids
// apart, and an entity's dependents, paged.
func testWorkbenchAPI(t *testing.T, st store.Store) {
	ctx := context.Background()
	if _, err := load.Run(ctx, st, sources(t, workbenchWorld), load.Options{}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.Open(ctx, st, service.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.GraphQL(svc, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	before := svc.View().Version()
	str := func(s string) *string { return &s }
	entity := func(id, name string) *node { return &node{"Entity", id, name} }
	product := func(id, name string) *node { return &node{"Product", id, name} }
	sdn := &node{"Regime", "US-OFAC-SDN", svc.View().Regime("US-OFAC-SDN").Name}
	tail := []hop{
		{Kind: "SOURCING", From: "chip", To: "chips", FromNode: product("chip", "Radio chip"), ToNode: entity("chips", "Chip Foundry Co")},
		{Kind: "OWNERSHIP", From: "parent", To: "chips", Source: str("reg-1"), FromNode: entity("parent", "Parent Holdings"), ToNode: entity("chips", "Chip Foundry Co")},
		{Kind: "LISTING", From: "parent", To: "US-OFAC-SDN", Source: str("sdn-1"), FromNode: entity("parent", "Parent Holdings"), ToNode: sdn},
	}

	t.Run("hop ends", func(t *testing.T) {
		q := `{ screenProduct(id: "radio", asOf: "2025-01-01", regimes: ["US-OFAC-SDN"]) { results { findings { ` + hopEnds + ` } } } }`
		paths, _ := hopsOf(t, post(t, h, q, nil), "screenProduct")
		want := [][]hop{append([]hop{
			{Kind: "COMPONENT", From: "radio", To: "board", FromNode: product("radio", "Radio"), ToNode: product("board", "Radio board")},
			{Kind: "COMPONENT", From: "board", To: "chip", FromNode: product("board", "Radio board"), ToNode: product("chip", "Radio chip")},
		}, tail...)}
		if diff := cmp.Diff(want, paths); diff != "" {
			t.Errorf("paths (-want +got):\n%s", diff)
		}
		q = `{ screenEntity(id: "chips", asOf: "2025-01-01", regimes: ["US-OFAC-SDN"]) { results { findings { ` + hopEnds + ` } } } }`
		paths, _ = hopsOf(t, post(t, h, q, nil), "screenEntity")
		if diff := cmp.Diff([][]hop{tail[1:]}, paths); diff != "" {
			t.Errorf("entity paths (-want +got):\n%s", diff)
		}
	})

	t.Run("document along its dependency chain", func(t *testing.T) {
		q := `query($c: String!) { screenDocument(format: "cyclonedx", content: $c, asOf: "2025-01-01", regimes: ["US-OFAC-SDN"]) {
			roots dataVersion screenings { subjectId verdict results { findings { ` + hopEnds + ` } } } } }`
		body := post(t, h, q, map[string]any{"c": flatGateway})
		var r struct {
			Data struct {
				ScreenDocument struct {
					Roots       []string
					DataVersion string
					Screenings  []json.RawMessage
				}
			}
		}
		if err := json.Unmarshal(body, &r); err != nil || len(r.Data.ScreenDocument.Screenings) != 1 {
			t.Fatalf("%s", body)
		}
		const ns = "cdx:urn:uuid:3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c:"
		doc := r.Data.ScreenDocument
		if diff := cmp.Diff([]string{ns + "gateway"}, doc.Roots); diff != "" || doc.DataVersion != before {
			t.Fatalf("roots (-want +got):\n%s; dataVersion %s, want %s", diff, doc.DataVersion, before)
		}
		paths, _ := hopsOf(t, []byte(`{"data":{"s":`+string(doc.Screenings[0])+`}}`), "s")
		if len(paths) != 1 {
			t.Fatalf("findings: %s", doc.Screenings[0])
		}
		for i := range paths[0] {
			paths[0][i].Source = nil // the document's provenance is checked by the cyclonedx goldens
		}
		want := []hop{
			{Kind: "COMPONENT", From: ns + "gateway", To: ns + "board", FromNode: product(ns+"gateway", "Gateway"), ToNode: product(ns+"board", "Main board")},
			{Kind: "COMPONENT", From: ns + "board", To: ns + "modem", FromNode: product(ns+"board", "Main board"), ToNode: product(ns+"modem", "Modem")},
			{Kind: "COMPONENT", From: ns + "modem", To: ns + "baseband", FromNode: product(ns+"modem", "Modem"), ToNode: product(ns+"baseband", "Baseband")},
			{Kind: "SOURCING", From: ns + "baseband", To: "chips", FromNode: product(ns+"baseband", "Baseband"), ToNode: entity("chips", "Chip Foundry Co")},
			{Kind: "OWNERSHIP", From: "parent", To: "chips", FromNode: entity("parent", "Parent Holdings"), ToNode: entity("chips", "Chip Foundry Co")},
			{Kind: "LISTING", From: "parent", To: "US-OFAC-SDN", FromNode: entity("parent", "Parent Holdings"), ToNode: sdn},
		}
		if diff := cmp.Diff(want, paths[0]); diff != "" {
			t.Errorf("path (-want +got):\n%s", diff)
		}
		if v := svc.View().Version(); v != before {
			t.Errorf("dataVersion %s after screening a document, was %s", v, before)
		}
		if got := string(post(t, h, `{ product(id: "`+ns+`gateway") { id } }`, nil)); got != `{"data":{"product":null}}` {
			t.Errorf("the document was stored: %s", got)
		}
	})

	t.Run("batch and dependents", func(t *testing.T) {
		q := `{ screenBatch(ids: ["radio", "nope", "chip"], asOf: "2025-01-01", regimes: ["US-OFAC-SDN"]) { unknown screenings { subjectId verdict } }
			entity(id: "parent") {
				direct: dependents(asOf: "2025-01-01", first: 1) { totalCount }
				caught: dependents(asOf: "2025-01-01", regime: "US-OFAC-SDN", first: 1) { totalCount counts { verdict count } edges { node { id name } verdict via } pageInfo { hasNextPage endCursor } } } }`
		body := post(t, h, q, nil)
		var r struct {
			Data struct {
				Entity struct {
					Caught struct{ PageInfo struct{ EndCursor string } }
				}
			}
		}
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatalf("%s", body)
		}
		const want = `{"data":{"screenBatch":{"unknown":["nope"],"screenings":[{"subjectId":"radio","verdict":"EXPOSED"},{"subjectId":"chip","verdict":"EXPOSED"}]},` +
			`"entity":{"direct":{"totalCount":0},` +
			`"caught":{"totalCount":3,"counts":[{"verdict":"EXPOSED","count":3}],"edges":[{"node":{"id":"board","name":"Radio board"},"verdict":"EXPOSED","via":"chips"}],"pageInfo":{"hasNextPage":true,"endCursor":"%s"}}}}}`
		if got := string(body); got != fmt.Sprintf(want, r.Data.Entity.Caught.PageInfo.EndCursor) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		var pages []string
		for after := r.Data.Entity.Caught.PageInfo.EndCursor; after != ""; {
			q := `query($a: String) { entity(id: "parent") { dependents(asOf: "2025-01-01", regime: "US-OFAC-SDN", first: 1, after: $a) { edges { node { id } } pageInfo { endCursor hasNextPage } } } }`
			var p struct {
				Data struct {
					Entity struct {
						Dependents struct {
							Edges    []struct{ Node struct{ ID string } }
							PageInfo struct {
								EndCursor   string
								HasNextPage bool
							}
						}
					}
				}
			}
			b := post(t, h, q, map[string]any{"a": after})
			if err := json.Unmarshal(b, &p); err != nil || len(p.Data.Entity.Dependents.Edges) != 1 {
				t.Fatalf("%s", b)
			}
			pages = append(pages, p.Data.Entity.Dependents.Edges[0].Node.ID)
			after = ""
			if p.Data.Entity.Dependents.PageInfo.HasNextPage {
				after = p.Data.Entity.Dependents.PageInfo.EndCursor
			}
		}
		if diff := cmp.Diff([]string{"chip", "radio"}, pages); diff != "" {
			t.Errorf("the later pages (-want +got):\n%s", diff)
		}
	})
}
