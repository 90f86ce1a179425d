package neo4j_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	neo4jdriver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/rs/zerolog"

	feed "github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
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

// benchRecords is benchGraph, or with KEIRETSU_BENCH_FILE the records of that
// native JSONL file (say the medium world of `keiretsu bench`), read into memory
// before anything is timed.
func benchRecords(b *testing.B) (recs []*model.Record, rels int) {
	path := os.Getenv("KEIRETSU_BENCH_FILE")
	if path == "" {
		return benchGraph()
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	src := native.NewReader(path, f, nil)
	for {
		var op feed.Op
		if err := src.Next(&op); err == io.EOF {
			return recs, rels
		} else if err != nil {
			b.Fatal(err)
		} else if op.Delete {
			b.Fatalf("%s:%d: a delete, not a record", path, op.Line)
		}
		recs = append(recs, &op.Record)
		if !op.Record.Kind.IsNode() {
			rels++
		}
	}
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

// BenchmarkIngest loads benchRecords in one run (far above SmallRun: a load
// into the empty database) and reports relationships and records per second: "empty" into an
// empty database, "reload" the same records again over them (every record is
// read and replaced). One untimed load first warms the server up.
func BenchmarkIngest(b *testing.B) {
	recs, rels := benchRecords(b)
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
		if _, err := projection.Build(v, func(fn func(*model.Record) error) error { _, err := st.Scan(ctx, fn); return err }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(recs)), "records")
	b.ReportMetric(float64(len(recs)*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkBareCypher writes benchRecords with the plainest Cypher,
// outside Keiretsu: two sessions, transactions of 10,000 rows, UNWIND ...
// CREATE, relationships between nodes found by the element ids their creation
// returned. It is the floor of what the server needs for this graph on this
// machine, to set beside BenchmarkIngest/empty: "bare" gives nodes an id and
// relationships no property; "rec" adds the one property each has to carry
// (the canonical encoding _rec, and _k on relationships). Nothing is parsed,
// validated, hashed or counted.
func BenchmarkBareCypher(b *testing.B) {
	recs, rels := benchRecords(b)
	st := benchStore(b, neo4j.Config{})
	ctx := context.Background()
	for _, mode := range []string{"bare", "rec"} {
		b.Run(mode, func(b *testing.B) {
			var total time.Duration
			bareWrite(b, st, recs, rels, mode) // warm-up
			for b.Loop() {
				total += bareWrite(b, st, recs, rels, mode)
			}
			b.ReportMetric(float64(rels*b.N)/total.Seconds(), "rels/s")
			b.ReportMetric(float64(len(recs)*b.N)/total.Seconds(), "records/s")
		})
	}
	if err := st.Wipe(ctx); err != nil {
		b.Fatal(err)
	}
}

// bareWrite wipes the database (untimed) and writes recs in two phases, nodes
// then relationships, each as statements of at most 10,000 rows shared by two
// sessions. It returns how long the writes took, having checked that they
// created every relationship.
func bareWrite(b *testing.B, st *neo4j.Store, recs []*model.Record, rels int, mode string) time.Duration {
	ctx := context.Background()
	b.StopTimer()
	if err := st.Wipe(ctx); err != nil {
		b.Fatal(err)
	}
	type stmt struct {
		cypher string
		rows   []any
	}
	const batch = 10_000
	withRec := mode == "rec"
	nodes, edges := map[string][]any{}, map[string][]any{}
	defined := map[[2]string]bool{} // label and id of each node to write
	// node adds a node row; enc is nil for a relationship end that no record
	// defines (regimes), a node with an id only.
	node := func(k model.Kind, id string, enc any) {
		l := neo4j.GraphName(k)
		if defined[[2]string{l, id}] {
			return
		}
		defined[[2]string{l, id}] = true
		row := []any{id}
		if withRec {
			row = append(row, enc)
		}
		nodes[l] = append(nodes[l], row)
	}
	for _, r := range recs {
		if r.Kind.IsNode() {
			node(r.Kind, r.ID, r.Encode(nil))
		}
	}
	for _, r := range recs {
		if r.Kind.IsNode() {
			continue
		}
		_, _, sk, dk := r.Kind.Ends()
		node(sk, r.Src, nil)
		node(dk, r.Dst, nil)
		row := []any{r.Src, r.Dst, int64(r.Valid.From)}
		if withRec {
			row = append(row, r.Encode(nil))
		}
		edges[neo4j.GraphName(r.Kind)] = append(edges[neo4j.GraphName(r.Kind)], row)
	}
	b.StartTimer()
	start := time.Now()
	var mu sync.Mutex
	eids := map[string]string{}
	run := func(stmts []stmt, collect bool) {
		ch := make(chan stmt)
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				s := st.Driver().NewSession(ctx, neo4jdriver.SessionConfig{DatabaseName: neo4jtest.Database()})
				defer s.Close(ctx)
				var err error
				for x := range ch {
					if err != nil {
						continue
					}
					_, err = s.ExecuteWrite(ctx, func(tx neo4jdriver.ManagedTransaction) (any, error) {
						res, err := tx.Run(ctx, x.cypher, map[string]any{"rows": x.rows})
						if err != nil || !collect {
							return nil, err
						}
						rec, err := res.Single(ctx)
						if err != nil {
							return nil, err
						}
						mu.Lock()
						defer mu.Unlock()
						for _, p := range rec.Values[0].([]any) {
							p := p.([]any)
							eids[p[0].(string)] = p[1].(string)
						}
						return nil, nil
					})
				}
				errs <- err
			}()
		}
		for _, x := range stmts {
			ch <- x
		}
		close(ch)
		for range 2 {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
	}
	split := func(cypher string, rows []any) (out []stmt) {
		for i := 0; i < len(rows); i += batch {
			out = append(out, stmt{cypher, rows[i:min(i+batch, len(rows))]})
		}
		return out
	}
	var stmts []stmt
	for label, rows := range nodes {
		props := "{id: r[0]}"
		if withRec {
			props = "{id: r[0], _rec: r[1]}"
		}
		stmts = append(stmts, split("UNWIND $rows AS r CREATE (n:"+label+" "+props+") RETURN collect([r[0], elementId(n)])", rows)...)
	}
	run(stmts, true)
	stmts = stmts[:0]
	for typ, rows := range edges {
		for _, row := range rows {
			row := row.([]any)
			row[0], row[1] = eids[row[0].(string)], eids[row[1].(string)]
		}
		props := ""
		if withRec {
			props = " {_k: r[2], _rec: r[3]}"
		}
		stmts = append(stmts, split("UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r[0] MATCH (b) WHERE elementId(b) = r[1] CREATE (a)-[:"+typ+props+"]->(b)", rows)...)
	}
	run(stmts, false)
	took := time.Since(start)
	b.StopTimer()
	defer b.StartTimer()
	s := st.Driver().NewSession(ctx, neo4jdriver.SessionConfig{DatabaseName: neo4jtest.Database()})
	defer s.Close(ctx)
	res, err := s.Run(ctx, "MATCH ()-[r]->() RETURN count(r)", nil)
	if err != nil {
		b.Fatal(err)
	}
	rec, err := res.Single(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if n := rec.Values[0].(int64); n != int64(rels) {
		b.Fatalf("wrote %d relationships, want %d", n, rels)
	}
	return took
}
