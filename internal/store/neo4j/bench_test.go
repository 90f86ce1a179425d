package neo4j_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
)

// benchGraph is a synthetic supply-chain graph: 50,000 entities, 20,000
// products and 200,000 relationships (120,000 ownerships, 20,000 controls,
// 30,000 components, 30,000 sourcings).
func benchGraph() (recs []*model.Record, rels int) {
	const entities, products = 50_000, 20_000
	rng := rand.New(rand.NewPCG(1, 2))
	ent := func() string { return fmt.Sprintf("ent-%d", rng.IntN(entities)) }
	prod := func() string { return fmt.Sprintf("prod-%d", rng.IntN(products)) }
	for i := range entities {
		recs = append(recs, &model.Record{Kind: model.KindEntity, ID: fmt.Sprintf("ent-%d", i), Name: fmt.Sprintf("Entity %d Co., Ltd.", i),
			Type: model.TypeCompany, Country: "CN", Identifiers: []model.Identifier{{Scheme: "lei", Value: fmt.Sprintf("LEI%017d", i)}}, Source: "bench"})
	}
	for i := range products {
		recs = append(recs, &model.Record{Kind: model.KindProduct, ID: fmt.Sprintf("prod-%d", i), Name: fmt.Sprintf("Part %d", i), Category: "telecom"})
	}
	edge := func(k model.Kind, src, dst string, from int) *model.Record {
		r := &model.Record{Kind: k, Src: src, Dst: dst, Valid: model.Always, Source: "bench"}
		if from > 0 {
			r.Valid.From = model.MustDate("2015-01-01") + model.Date(from)
		}
		switch k {
		case model.KindOwnership:
			r.Share = model.Exact(float64(rng.IntN(100)))
		case model.KindControl:
			r.Basis = "board"
		case model.KindComponent:
			r.Essential = true
		case model.KindSourcing:
			r.Role = "manufacturer"
		}
		return r
	}
	for i := range 200_000 {
		var r *model.Record
		switch {
		case i < 120_000:
			r = edge(model.KindOwnership, ent(), ent(), i%7)
		case i < 140_000:
			r = edge(model.KindControl, ent(), ent(), i%3)
		case i < 170_000:
			r = edge(model.KindComponent, prod(), prod(), i%5)
		default:
			r = edge(model.KindSourcing, prod(), ent(), i%5)
		}
		r.Normalize()
		recs = append(recs, r)
		rels++
	}
	return recs, rels
}

func benchStore(b *testing.B, cfg neo4j.Config) *neo4j.Store {
	neo4jtest.Lock(b)
	if os.Getenv("KEIRETSU_BENCH_LOG") != "" {
		zerolog.TimeFieldFormat = zerolog.TimeFormatUnixMs
		cfg.Log = zerolog.New(zerolog.ConsoleWriter{Out: os.Stderr, TimeFormat: "15:04:05.000"}).With().Timestamp().Logger().Level(zerolog.DebugLevel)
	}
	st := neo4jtest.Open(b, cfg)
	b.Cleanup(func() { st.Close() })
	return st
}

func ingestAll(b *testing.B, st *neo4j.Store, recs []*model.Record) {
	ctx := context.Background()
	run, err := st.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range recs {
		if err := run.Put(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := run.Commit(ctx); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkIngest loads the synthetic graph in one run (staged: far above
// SmallRun) and reports relationships and records per second: "empty" into an
// empty database, "reload" the same records again over them (every record is
// read and replaced). One untimed load first warms the server up.
func BenchmarkIngest(b *testing.B) {
	recs, rels := benchGraph()
	cfg := neo4j.Config{}
	// KEIRETSU_BENCH_SMALLRUN raises the largest single-transaction run, to
	// measure the apply path without staging.
	if v, err := strconv.Atoi(os.Getenv("KEIRETSU_BENCH_SMALLRUN")); err == nil {
		cfg.SmallRun = v
	}
	// KEIRETSU_BENCH_WORKERS and KEIRETSU_BENCH_BATCH set Config.Workers and
	// Config.Batch.
	if v, err := strconv.Atoi(os.Getenv("KEIRETSU_BENCH_WORKERS")); err == nil {
		cfg.Workers = v
	}
	if v, err := strconv.Atoi(os.Getenv("KEIRETSU_BENCH_BATCH")); err == nil {
		cfg.Batch = v
	}
	st := benchStore(b, cfg)
	ctx := context.Background()
	if err := st.Wipe(ctx); err != nil {
		b.Fatal(err)
	}
	ingestAll(b, st, recs) // warm-up
	for _, mode := range []string{"empty", "reload"} {
		b.Run(mode, func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				if mode == "empty" {
					b.StopTimer()
					if err := st.Wipe(ctx); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				start := time.Now()
				ingestAll(b, st, recs)
				total += time.Since(start)
			}
			b.ReportMetric(float64(rels*b.N)/total.Seconds(), "rels/s")
			b.ReportMetric(float64(len(recs)*b.N)/total.Seconds(), "records/s")
		})
	}
}

// BenchmarkProjectionLoad scans the synthetic graph into projection.Build, as
// `keiretsu serve` does at start.
func BenchmarkProjectionLoad(b *testing.B) {
	recs, _ := benchGraph()
	st := benchStore(b, neo4j.Config{})
	ctx := context.Background()
	if err := st.Wipe(ctx); err != nil {
		b.Fatal(err)
	}
	ingestAll(b, st, recs)
	b.ResetTimer()
	for b.Loop() {
		v, err := st.Version(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := projection.Build(v, func(fn func(*model.Record) error) error { return st.Scan(ctx, fn) }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(recs)), "records")
	b.ReportMetric(float64(len(recs)*b.N)/b.Elapsed().Seconds(), "records/s")
}
