package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/demo"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// DemoDataDir is where `keiretsu demo` keeps its embedded store by default.
const DemoDataDir = "keiretsu-demo"

const demoQuery = `{ screenProduct(id: "prod-er8000", asOf: "2024-06-01", regimes: ["US-NDAA-889"]) { verdict results { regime { id } verdict findings { verdict basis entity { name } listedEntity { name } path { kind from to percent } } } } }`

func runDemo(ctx context.Context, args []string) error {
	c := newFlags("demo", "demo [STORE] [--addr HOST:PORT] [--load-only]",
		"Loads the demo dataset (the Huawei, ZTE, Hikvision, Dahua and Hytera groups, clean suppliers and a\n"+
			"dozen products) into a store (default ./keiretsu-demo), serves it, and prints a query to try.")
	addr := c.fs.String("addr", "127.0.0.1:8080", "address to listen on")
	loadOnly := c.fs.Bool("load-only", false, "load the dataset and exit")
	if err := c.parse(args); err != nil {
		return err
	}
	if err := c.onlyStore(); err != nil {
		return err
	}
	if c.store == "" && c.data == "" && c.neo4j == "" {
		c.data = DemoDataDir
	}
	log, st, err := c.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		return err
	}
	src := native.NewReader(demo.Name, bytes.NewReader(demo.JSONL), set.Has)
	sum, err := load.Recorded(ctx, st, history.Info{}, []ingest.Source{src}, load.Options{Events: watch.Options{Log: log}})
	if err = eventsLater(log, err); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	fmt.Printf("Loaded the demo dataset into %s: %s\n", st.Describe(), sum)
	if *loadOnly {
		return nil
	}
	return serve(ctx, st, server.Config{Addr: *addr}, serveOptions{follow: 2 * time.Second}, log, func(bound string) {
		body := strings.ReplaceAll(demoQuery, `"`, `\"`)
		fmt.Printf(`
Keiretsu is serving the demo at http://%[1]s/ (the workbench; GraphiQL at http://%[1]s/graphiql).

Open http://%[1]s/product/prod-er8000?asOf=2024-06-01 for a product's bill of materials, or
http://%[1]s/entity/hisilicon?asOf=2024-06-01 for an entity's owners and verdicts.

Does the Northwind ER-8000 router depend, at any depth, on a section 889 company?

  curl -s http://%[1]s/graphql -H 'Content-Type: application/json' \
    -d '{"query": "%[2]s"}'

Or from the command line:

  keiretsu screen %[3]s --product prod-er8000 --as-of 2024-06-01 --regime US-NDAA-889 --json

Other products to try: prod-nvr-kit, prod-smartwatch (asOf 2020-06-01 vs 2021-06-01), prod-dmr-radio,
prod-tracker, prod-kiosk; entities: hisilicon, honor, cetc. Stop with Ctrl-C.
`, bound, body, c.storeArg())
	})
}

// storeArg names the command's store for a printed command line.
func (c *common) storeArg() string {
	spec := c.resolveStore()
	if spec.neo4jURI != "" {
		return "--neo4j " + spec.neo4jURI
	}
	return "--data " + spec.dir
}
