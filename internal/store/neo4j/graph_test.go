package neo4j_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

// cypher runs a read query and returns its rows as maps.
func cypher(t *testing.T, st *neo4j.Store, q string) []map[string]any {
	t.Helper()
	res, err := driver.ExecuteQuery(context.Background(), st.Driver(), q, nil, driver.EagerResultTransformer,
		driver.ExecuteQueryWithDatabase(neo4jtest.Database()))
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var out []map[string]any
	for _, r := range res.Records {
		out = append(out, r.AsMap())
	}
	return out
}

// TestGraphModel checks the graph analysts query (docs/neo4j.md), including
// placeholder nodes for references no record defines.
func TestGraphModel(t *testing.T) {
	neo4jtest.Lock(t)
	st := open(t, neo4j.Config{})
	defer st.Close()
	ingest(t, st, `{"kind":"entity","id":"e1","name":"Example One","country":"cn","aliases":["EX ONE"],"identifiers":{"lei":"5493001KJTIIGC8Y1R12","uscc":"91440300"},"source":"test"}
{"kind":"entity","id":"e2","name":"Two","type":"state_body"}
{"kind":"ownership","owner":"e2","owned":"e1","percentMin":25,"percentMax":50,"from":"2020-01-01","to":"2021-01-01","source":"s"}
{"kind":"ownership","owner":"e2","owned":"e1","percent":60,"from":"2021-01-01"}
{"kind":"control","controller":"e2","controlled":"ghost","basis":"board"}
{"kind":"product","id":"p1","name":"Router","category":"telecom","identifiers":{"purl":"pkg:generic/router@1"}}
{"kind":"component","parent":"p1","child":"p2","quantity":2,"essential":false}
{"kind":"sourcing","product":"p1","entity":"e1"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"e2","reference":"FR 1","categories":["telecom"]}
{"kind":"same_as","a":"e2","b":"e1","reason":"by hand"}`)

	for _, c := range []struct {
		q    string
		want []map[string]any
	}{
		{`MATCH (e:Entity {lei: '5493001KJTIIGC8Y1R12'}) RETURN e.id AS id, e.name AS name, e.type AS type, e.country AS country, e.aliases AS aliases, e.identifiers AS ids, e.source AS source`,
			[]map[string]any{{"id": "e1", "name": "Example One", "type": "company", "country": "CN", "aliases": []any{"EX ONE"},
				"ids": []any{"lei:5493001KJTIIGC8Y1R12", "uscc:91440300"}, "source": "test"}}},
		{`MATCH (:Entity {id: 'e2'})-[r:OWNS]->(:Entity {id: 'e1'}) RETURN r.percent AS p, r.percentMin AS lo, r.percentMax AS hi, toString(r.from) AS from, toString(r.to) AS to, r.source AS source ORDER BY r.from`,
			[]map[string]any{
				{"p": nil, "lo": 25.0, "hi": 50.0, "from": "2020-01-01", "to": "2021-01-01", "source": "s"},
				{"p": 60.0, "lo": nil, "hi": nil, "from": "2021-01-01", "to": nil, "source": nil}}},
		{`MATCH (:Entity {id: 'e2'})-[r:CONTROLS]->(g:Entity) RETURN g.id AS id, g._rec IS NULL AS placeholder, r.basis AS basis, r.from AS from`,
			[]map[string]any{{"id": "ghost", "placeholder": true, "basis": "board", "from": nil}}},
		{`MATCH (p:Product {purl: 'pkg:generic/router@1'})-[c:CONTAINS]->(q:Product) RETURN p.category AS cat, c.quantity AS qty, c.essential AS ess, q.id AS child`,
			[]map[string]any{{"cat": "telecom", "qty": 2.0, "ess": false, "child": "p2"}}},
		{`MATCH (:Product {id: 'p1'})-[s:SOURCED_FROM]->(e:Entity) RETURN e.id AS id, s.role AS role`,
			[]map[string]any{{"id": "e1", "role": "manufacturer"}}},
		{`MATCH (:Entity {id: 'e2'})-[l:LISTED_ON]->(r:Regime) RETURN r.id AS regime, l.reference AS ref, l.categories AS cats`,
			[]map[string]any{{"regime": "US-OFAC-SDN", "ref": "FR 1", "cats": []any{"telecom"}}}},
		{`MATCH (a:Entity)-[s:SAME_AS]->(b:Entity) RETURN a.id AS a, b.id AS b, s.reason AS reason`,
			[]map[string]any{{"a": "e1", "b": "e2", "reason": "by hand"}}},
	} {
		if diff := cmp.Diff(c.want, cypher(t, st, c.q)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.q, diff)
		}
	}

	// Deleting a node record keeps its relationships (separate records): the
	// node stays as a placeholder, which Scan does not return.
	n := len(storetest.All(t, st))
	ingest(t, st, `{"kind":"entity","id":"e1","op":"delete"}`)
	if got := cypher(t, st, `MATCH (e:Entity {id: 'e1'}) RETURN keys(e) AS keys, COUNT { (e)--() } AS rels`); !cmp.Equal(got, []map[string]any{{"keys": []any{"id"}, "rels": int64(4)}}) {
		t.Errorf("deleted node: %v, want a placeholder with its 4 relationships", got)
	}
	if got := len(storetest.All(t, st)); got != n-1 {
		t.Errorf("%d records after deleting one of %d", got, n)
	}
	// Deleting the last relationship of a placeholder removes it.
	ingest(t, st, `{"kind":"control","controller":"e2","controlled":"ghost","op":"delete"}`)
	if got := cypher(t, st, `MATCH (e:Entity {id: 'ghost'}) RETURN e.id AS id`); len(got) != 0 {
		t.Errorf("placeholder left without relationships: %v", got)
	}
}
