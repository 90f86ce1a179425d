package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/keiretsu/keiretsu/internal/bench"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/store"
)

func runBench(ctx context.Context, args []string) error {
	c := newFlags("bench", "bench [--scale small|medium|large|xlarge] [--neo4j URI [--wipe]] [--json]",
		"Generates (or reuses) a synthetic world at the scale (small ~10^5 edges, medium ~10^6, large ~10^7,\n"+
			"xlarge ~10^8), loads it, and measures ingest, projection, screening, the fixpoint and GraphQL over loopback;\n"+
			"with --neo4j also Neo4j ingest and load and a bounded-Cypher baseline. Prints one JSON object.\n"+
			"The Neo4j database is wiped and left holding the benchmark's data; one holding other records\n"+
			"is refused unless --wipe is given.")
	c.defaultLevel = "warn"
	scale := c.fs.String("scale", "small", gen.ScaleNames)
	asJSON := c.fs.Bool("json", false, "print only the JSON object")
	seed := c.fs.Uint64("seed", 1, "generator seed")
	samples := c.fs.Int("samples", 5000, "products and entities screened one by one")
	gqlSeconds := c.fs.Float64("graphql-seconds", 5, "how long the GraphQL load runs")
	clients := c.fs.Int("clients", 8, "concurrent GraphQL clients")
	cache := c.fs.String("cache", "", "where generated data is kept (default the user cache dir)")
	cpuProfile := c.fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	wipe := c.fs.Bool("wipe", false, "with --neo4j: allow deleting the records the database holds (the benchmark loads into an empty database)")
	if err := c.parse(args); err != nil {
		return err
	}
	if len(c.positionals) > 0 {
		return errors.New("unexpected arguments: " + c.positionals[0])
	}
	log, err := c.logger()
	if err != nil {
		return err
	}
	cfg := bench.Config{Scale: *scale, Seed: *seed, CacheDir: *cache, Samples: *samples,
		GraphQLSeconds: *gqlSeconds, Clients: *clients, Log: log,
		Ingesting: collectLessOften, Serving: tuneGC}
	if uri := c.neo4j; uri != "" {
		cfg.Neo4j = func(ctx context.Context) (store.Store, error) { return openNeo4j(ctx, uri, log) }
		cfg.Cypher = cypherBaseline(uri, log)
		cfg.WipeNeo4j = *wipe
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	res, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	if !*asJSON {
		enc.SetIndent("", "  ")
		fmt.Fprintf(os.Stderr, "keiretsu bench --scale %s on %s\n", *scale, res.Machine)
	}
	return enc.Encode(res)
}
