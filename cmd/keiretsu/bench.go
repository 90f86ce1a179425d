package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/keiretsu/keiretsu/internal/bench"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/store"
)

func runBench(ctx context.Context, args []string) error {
	c := newFlags("bench", "bench [--scale small|medium|large|xlarge] [--neo4j URI [--wipe]] [--json] | bench --load [--load-clients N] [--load-hostile N] [--load-seconds S]",
		"With --load: serves the demo data with `keiretsu serve` (default limits) and drives it with honest\n"+
			"screening clients, alone, while `keiretsu ingest` commits runs to it, beside clients sending the\n"+
			"hostile queries of issue 16 and batches at the limits, and both; prints the honest clients' p50,\n"+
			"p99 and throughput in each phase, how each hostile query ended, and the serve's peak memory.\n"+
			"Fails when an honest request fails or two answers of one dataVersion differ.\n\n"+
			"Otherwise generates (or reuses) a synthetic world at the scale (small ~10^5 edges, medium ~10^6, large ~10^7,\n"+
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
	watches := c.fs.Int("watches", 100_000, "watches followed by watch_rescreen_s")
	cache := c.fs.String("cache", "", "where generated data is kept (default the user cache dir)")
	cpuProfile := c.fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	wipe := c.fs.Bool("wipe", false, "with --neo4j: allow deleting the records the database holds (the benchmark loads into an empty database)")
	var lf loadFlags
	c.fs.BoolVar(&lf.on, "load", false, "run the load test against a serve of the demo data instead")
	c.fs.IntVar(&lf.clients, "load-clients", 32, "with --load: honest screening clients")
	c.fs.IntVar(&lf.hostile, "load-hostile", 1, "with --load: hostile clients")
	c.fs.Float64Var(&lf.seconds, "load-seconds", 60, "with --load: seconds of each phase")
	c.fs.Float64Var(&lf.rps, "load-rps", 2000, "with --load: the honest clients' offered requests per second together (0: as fast as answered)")
	c.fs.DurationVar(&lf.ingestEvery, "load-ingest-every", time.Second, "with --load: pause between two ingest runs (0: back to back)")
	c.fs.StringVar(&lf.hostileOnly, "load-hostile-only", "", "with --load: send only the hostile queries whose name contains this (\"refused\", \"answered\", \"batch\", ...)")
	c.fs.IntVar(&lf.maxHeavy, "load-max-heavy", 0, "with --load: the serve's --max-heavy (0: its default; -1: no heavy lane, to compare)")
	c.fs.Float64Var(&lf.heavyShare, "load-heavy-share", 0, "with --load: the serve's --heavy-share (0: its default; 1: no pacing, to compare)")
	if err := c.parse(args); err != nil {
		return err
	}
	if len(c.positionals) > 0 {
		return errors.New("unexpected arguments: " + c.positionals[0])
	}
	if lf.on {
		return runLoadBench(ctx, lf, *asJSON)
	}
	log, err := c.logger()
	if err != nil {
		return err
	}
	cfg := bench.Config{Scale: *scale, Seed: *seed, CacheDir: *cache, Samples: *samples,
		GraphQLSeconds: *gqlSeconds, Clients: *clients, Watches: *watches, Log: log,
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
