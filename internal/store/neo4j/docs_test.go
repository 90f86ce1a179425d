package neo4j_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/demo"
	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
)

// analystQueries extracts the Cypher blocks of docs/neo4j.md's "Ten queries for
// analysts" section, in order.
func analystQueries(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../../../docs/neo4j.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i := strings.Index(doc, "## Ten queries for analysts")
	if i < 0 {
		t.Fatal("docs/neo4j.md has no analyst queries section")
	}
	re := regexp.MustCompile("(?s)```cypher\n(.*?)```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(doc[i:], -1) {
		out = append(out, m[1])
	}
	return out
}

// TestAnalystQueries runs every query of the analyst page against the demo
// dataset and checks what it answers.
func TestAnalystQueries(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.Lock(t)
	st := open(t, neo4j.Config{})
	defer st.Close()
	if _, err := e2e.Ingest(t, st, string(demo.JSONL), load.Options{}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	drv, err := driver.NewDriverWithContext(uri, driver.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	queries := analystQueries(t)
	if len(queries) != 10 {
		t.Fatalf("%d queries on the page, want 10", len(queries))
	}
	// col returns one column of the result as strings.
	col := func(res *driver.EagerResult, key string) []string {
		var out []string
		for _, r := range res.Records {
			v, _ := r.Get(key)
			out = append(out, fmt.Sprint(v))
		}
		return out
	}
	checks := []func(t *testing.T, res *driver.EagerResult){
		func(t *testing.T, res *driver.EagerResult) { // 1 ultimate owners
			if diff := cmp.Diff([]string{"huawei-union", "ren-zhengfei"}, col(res, "ultimateOwner")); diff != "" {
				t.Error(diff)
			}
		},
		func(t *testing.T, res *driver.EagerResult) { // 2 controlled by Huawei Investment & Holding
			got := col(res, "controlled")
			for _, want := range []string{"huawei", "hisilicon", "futurewei", "huawei-device"} {
				if !contains(got, want) {
					t.Errorf("%v lacks %s", got, want)
				}
			}
			if contains(got, "honor") {
				t.Errorf("honor was sold in 2020: %v", got)
			}
		},
		func(t *testing.T, res *driver.EagerResult) { // 3 products with HiSilicon parts
			if diff := cmp.Diff([]string{"prod-er8000", "prod-sw48"}, col(res, "product")); diff != "" {
				t.Error(diff)
			}
		},
		func(t *testing.T, res *driver.EagerResult) { // 4 FCC list on a day
			got := col(res, "entity")
			if len(got) != 10 || got[0] != "dahua" || !contains(got, "huawei") || !contains(got, "zte") {
				t.Errorf("FCC list %v", got)
			}
		},
		func(t *testing.T, res *driver.EagerResult) { // 5 Hikvision's shareholders
			if diff := cmp.Diff([]string{"cetc-hik", "gong-hongjia", "cetc-52"}, col(res, "owner")); diff != "" {
				t.Error(diff)
			}
		},
		func(t *testing.T, res *driver.EagerResult) { // 6 kiosk BOM with its gap
			parts, gaps := col(res, "part"), col(res, "gap")
			for i, p := range parts {
				if (p == "prod-kiosk-touchscreen") != (gaps[i] == "true") {
					t.Errorf("gap of %s: %s", p, gaps[i])
				}
			}
			if len(parts) != 8 || parts[0] != "prod-kiosk" {
				t.Errorf("parts %v", parts)
			}
		},
		func(t *testing.T, res *driver.EagerResult) { // 7 held 50% or more by SDN owners
			if diff := cmp.Diff([]string{"aspen-ridge", "larchmere", "pinecrest"}, col(res, "entity")); diff != "" {
				t.Error(diff)
			}
		},
		func(t *testing.T, res *driver.EagerResult) { // 8 state bodies
			got := col(res, "stateBody")
			if len(got) == 0 || got[0] != "sasac" {
				t.Errorf("state bodies %v", got)
			}
		},
		func(t *testing.T, res *driver.EagerResult) { // 9 what a CETC listing would touch
			if diff := cmp.Diff([]string{"prod-amr", "prod-nvr-kit", "prod-thermal-cam"}, col(res, "product")); diff != "" {
				t.Error(diff)
			}
		},
		func(t *testing.T, res *driver.EagerResult) { // 10 ranges and unknown stakes
			got := col(res, "owned")
			if len(got) != 6 || !contains(got, "zte-parsian") || !contains(got, "cedar-point") {
				t.Errorf("stakes %v", got)
			}
		},
	}
	for i, q := range queries {
		t.Run(fmt.Sprintf("query %d", i+1), func(t *testing.T) {
			res, err := driver.ExecuteQuery(ctx, drv, q, nil, driver.EagerResultTransformer,
				driver.ExecuteQueryWithDatabase(neo4jtest.Database()), driver.ExecuteQueryWithReadersRouting())
			if err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
			checks[i](t, res)
		})
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
