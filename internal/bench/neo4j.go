package bench

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
)

// CypherRunner answers the baseline question for one product with the best
// bounded Cypher query for it: is any producer of the product's bill of materials
// listed under the regime, or caught through an ownership or control chain, on the
// day? It returns the verdict it computed (EXPOSED or CLEAR).
type CypherRunner func(ctx context.Context, product, regime string, asOf model.Date) (bool, error)

// baselineRegime is the regime both sides answer for the Cypher comparison.
const baselineRegime = "US-NDAA-889"

// neo4jIngest loads the same file into a wiped Neo4j, measured like the embedded
// ingest (the whole run: parse, stage, commit, apply, publish), after a smaller
// untimed run. A database holding other records than ours (the data's version,
// as a previous benchmark leaves it) is wiped only with WipeNeo4j. It runs before
// the embedded projection is loaded, so the benchmark process competes as little
// as `keiretsu ingest` would with the server for the two cores.
func neo4jIngest(ctx context.Context, c Config, path string, ours model.Hash, res *Result) error {
	st, err := c.Neo4j(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := mayWipe(ctx, c, st, ours); err != nil {
		return err
	}
	// One untimed run first warms the server up (JIT, store files), as a
	// running production server is; then the timed run into an empty database.
	if err := st.Wipe(ctx); err != nil {
		return err
	}
	warm := gen.ForEdges(100_000)
	warm.Seed = c.Seed + 100
	run, err := st.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := gen.Records(warm, func(op *ingest.Op) error { return run.Put(ctx, &op.Record) }); err != nil {
		_ = run.Rollback(ctx)
		return err
	}
	if _, err := run.Commit(ctx); err != nil {
		return err
	}
	if err := st.Wipe(ctx); err != nil {
		return err
	}
	sum, err := ingestFile(ctx, c, st, path)
	if err != nil {
		return fmt.Errorf("neo4j ingest: %w", err)
	}
	res.Neo4jIngestRelsPerS = round(float64(res.Edges) / sum.Seconds)
	res.Neo4jIngestRecordsPerS = round(float64(sum.Read) / sum.Seconds)
	if p, ok := st.(interface {
		LastApplyPhases() (nodes, relationships time.Duration)
	}); ok {
		if _, rels := p.LastApplyPhases(); rels > 0 {
			res.Neo4jRelationshipPhaseRelsPerS = round(float64(res.Edges) / rels.Seconds())
		}
	}
	c.Log.Info().Float64("rels_per_s", res.Neo4jIngestRelsPerS).Msg("ingested (neo4j)")
	return nil
}

// mayWipe refuses a database that holds other records than the benchmark's
// data of version ours, unless WipeNeo4j allows deleting them.
func mayWipe(ctx context.Context, c Config, st store.Store, ours model.Hash) error {
	v, err := st.Version(ctx)
	if err != nil {
		return err
	}
	if v != (model.Hash{}) && v != ours && !c.WipeNeo4j {
		return fmt.Errorf("%w: the Neo4j database holds other records (dataVersion %s), which the benchmark would delete: pass --wipe to allow it, or use an empty database", model.ErrBadInput, v)
	}
	return nil
}

// neo4jCheck runs mayWipe before the benchmark's slow parts, against the
// version a previous benchmark of the same file recorded (zero when none did:
// then only an empty database passes). neo4jIngest checks again against the
// version the embedded ingest computes.
func neo4jCheck(ctx context.Context, c Config, known model.Hash) error {
	st, err := c.Neo4j(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return mayWipe(ctx, c, st, known)
}

// versionFile names the file beside a generated data file that records the
// data's version (its dataVersion once ingested).
func versionFile(path string) string { return path + ".version" }

// knownVersion returns the version recorded beside the data file, or zero.
func knownVersion(path string) model.Hash {
	b, err := os.ReadFile(versionFile(path))
	if err != nil || len(b) != len(model.Hash{}.Bytes()) {
		return model.Hash{}
	}
	return model.HashFromBytes(b)
}

// neo4jPart loads the projection from the Neo4j loaded by neo4jIngest and
// compares screening latency with the Cypher baseline on the same products.
func neo4jPart(ctx context.Context, c Config, local *service.Service, res *Result) error {
	st, err := c.Neo4j(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	svc, err := service.Open(ctx, st, service.Options{Log: zerolog.Nop()})
	if err != nil {
		return err
	}
	res.Neo4jProjectionLoadS = round3(time.Since(start).Seconds())
	if svc.View().Version() != local.View().Version() {
		return fmt.Errorf("neo4j dataVersion %s differs from the embedded store's %s", svc.View().Version(), local.View().Version())
	}
	names, err := graphqlNames(ctx, c, svc)
	if err != nil {
		return fmt.Errorf("graphql over neo4j: %w", err)
	}
	res.Neo4jGraphQLNamesRPS, res.Neo4jGraphQLNamesP50ms, res.Neo4jGraphQLNamesP99ms = names.rps, names.p50, names.p99
	res.Neo4jGraphQLNamesFirstP99ms = names.firstP99
	if c.Cypher == nil {
		return nil
	}
	st2 := svc.View()
	asOf := c.AsOf
	n := 200
	if c.Scale == "small" {
		n = 500
	}
	// Sampled from the embedded store's projection: its order is the store's key
	// order, while a projection read from Neo4j numbers products in the order the
	// server returns them, which differs between loads.
	products := sampleIDs(local.View(), true, n, c.Seed+3)
	reg := []string{baselineRegime}
	var ours, theirs []float64
	same := 0
	for _, id := range products {
		if _, err := st2.ScreenProduct(ctx, id, &asOf, reg); err != nil { // warm
			return err
		}
	}
	for _, id := range products {
		t0 := time.Now()
		s, err := st2.ScreenProduct(ctx, id, &asOf, reg)
		if err != nil {
			return err
		}
		ours = append(ours, float64(time.Since(t0).Nanoseconds())/1e6)
		t0 = time.Now()
		exposed, err := c.Cypher(ctx, id, baselineRegime, asOf)
		if err != nil {
			return fmt.Errorf("cypher baseline: %w", err)
		}
		theirs = append(theirs, float64(time.Since(t0).Nanoseconds())/1e6)
		if exposed == (s.Verdict == model.Exposed) {
			same++
		}
	}
	res.CypherBaselineP50ms = round3(percentile(theirs, 50))
	res.CypherBaselineP99ms = round3(percentile(theirs, 99))
	if p := percentile(ours, 50); p > 0 {
		res.SpeedupVsCypher = round(res.CypherBaselineP50ms / p)
	}
	res.CypherSameAnswers = fmt.Sprintf("%d/%d", same, len(products))
	return nil
}
