// Package bench measures Keiretsu end to end on generated data at a scale (small
// ~10^5 edges, medium ~10^6, large ~10^7, xlarge ~10^8): ingest throughput, projection build
// time and size, in-process screening latency, batch screening, the full
// fixpoint, GraphQL latency and throughput over loopback HTTP with concurrent
// clients, and, against Neo4j, its ingest and load times and a bounded-Cypher
// baseline for the same screening questions.
//
// Every figure comes from a run on the machine at hand; nothing is estimated.
package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// Scales and their target edge counts.
var Scales = gen.Scales

// Config of a benchmark run.
type Config struct {
	Scale    string
	Seed     uint64
	CacheDir string // where generated data is kept between runs
	WorkDir  string // where the embedded store is built (a temp dir when empty)
	// AsOf is the day screened (default 2024-01-01).
	AsOf model.Date
	// Samples is how many products and entities are screened one by one.
	Samples int
	// GraphQLSeconds is how long the HTTP load runs; Clients how many at once.
	GraphQLSeconds float64
	Clients        int
	// Watches is how many watches watch_rescreen_s follows (default 100,000).
	Watches int
	// Neo4j, when set, also measures the Neo4j store and the Cypher baseline. The
	// benchmark wipes that database before loading into it: when it holds other
	// records than a previous run's of the same data, only with WipeNeo4j.
	Neo4j     func(ctx context.Context) (store.Store, error)
	WipeNeo4j bool
	Cypher    CypherRunner
	Log       zerolog.Logger
	// Ingesting is called before each ingest run and returns what to call
	// after it; Serving once the data is loaded. The command sets the garbage
	// collector there as `keiretsu ingest` and `keiretsu serve` do (settings
	// are process-wide, so only commands make them). Either may be nil.
	Ingesting func() (done func())
	Serving   func()
}

// Result is the JSON object `keiretsu bench --json` prints.
type Result struct {
	Scale             string  `json:"scale"`
	Edges             int64   `json:"edges"`
	Nodes             int64   `json:"nodes"`
	Records           int64   `json:"records"`
	IngestRecordsPerS float64 `json:"ingest_records_per_s"`
	ProjectionBuildS  float64 `json:"projection_build_s"`
	// ProjectionLoadS is a second start's: the projection read from the file
	// the first start wrote (ProjectionWriteS, in the background, ProjectionFileMB).
	ProjectionLoadS        float64 `json:"projection_load_s"`
	ProjectionWriteS       float64 `json:"projection_write_s"`
	ProjectionFileMB       float64 `json:"projection_file_mb"`
	ProjectionBytesPerEdge float64 `json:"projection_bytes_per_edge"`
	ProjectionBytesPerNode float64 `json:"projection_bytes_per_node"`
	// PeakRSSMB is the process's high-water mark over the whole benchmark:
	// the larger of IngestPeakRSSMB, over the embedded ingest run alone (from
	// the start of the process), and ServePeakRSSMB, over everything after it
	// (projection build and load, screening, GraphQL, Neo4j, history, watches).
	PeakRSSMB          float64 `json:"peak_rss_mb"`
	IngestPeakRSSMB    float64 `json:"ingest_peak_rss_mb"`
	ServePeakRSSMB     float64 `json:"serve_peak_rss_mb"`
	ScreenProductP50us float64 `json:"screen_product_p50_us"`
	ScreenProductP99us float64 `json:"screen_product_p99_us"`
	// ScreenProductColdP99us is of the first screenings of a new state after
	// the server's warm-up (WarmS: every regime's evaluations of the day);
	// ScreenProductUnwarmedP99us of the same without it.
	ScreenProductColdP99us     float64 `json:"screen_product_cold_p99_us"`
	ScreenProductUnwarmedP99us float64 `json:"screen_product_unwarmed_p99_us"`
	WarmS                      float64 `json:"warm_s"`
	// ScreenProductAllRegimesP99us is screen_product_p99_us under all 13
	// built-in regimes (the default screening names the seven of v1).
	ScreenProductAllRegimesP99us float64 `json:"screen_product_all_regimes_p99_us"`
	ScreenEntityP99us            float64 `json:"screen_entity_p99_us"`
	Batch10kMs                   float64 `json:"batch_10k_ms"`
	FixpointS                    float64 `json:"fixpoint_s"`
	FixpointAllRegimesS          float64 `json:"fixpoint_all_regimes_s"`
	// HistoryBytesPerChangedRecord is what the history keeps per record that a
	// recorded run changes (ChangeRun: 1% of the ownership edges).
	HistoryBytesPerChangedRecord float64 `json:"history_bytes_per_changed_record"`
	// WatchRescreenS is the time from the commit of a ChangeRun to the last
	// event recorded, with Watches watches (half products, half entities,
	// sampled) in the store, as the committing command records them (the
	// state's engine built from the store, the watches the run can affect
	// screened again); WatchRescreened how many that was.
	// WatchRescreenServedS is the same for a serving process that committed
	// the run (another ChangeRun): its view updated with the run's keys, then
	// the events screened with the view's engine.
	WatchRescreenS       float64 `json:"watch_rescreen_s"`
	WatchRescreenServedS float64 `json:"watch_rescreen_served_s"`
	Watches              int     `json:"watches"`
	WatchRescreened      int     `json:"watch_rescreened"`
	WatchEvents          int     `json:"watch_events"`
	// GraphQL over loopback HTTP, 8 concurrent clients: latency at an offered load
	// of TargetRPS, and the most requests per second when the clients do not wait
	// (with the p99 latency at that saturation).
	GraphQLP50ms          float64 `json:"graphql_p50_ms"`
	GraphQLP99ms          float64 `json:"graphql_p99_ms"`
	GraphQLRPS            float64 `json:"graphql_rps"`
	GraphQLSaturatedP99ms float64 `json:"graphql_saturated_p99_ms"`
	// The same clients as fast as answered, selecting the findings' entities'
	// names as well, which the service reads from the store of record (then
	// from its cache); first: each product's first request, one at a time.
	GraphQLNamesRPS        float64        `json:"graphql_names_rps"`
	GraphQLNamesP50ms      float64        `json:"graphql_names_p50_ms"`
	GraphQLNamesP99ms      float64        `json:"graphql_names_p99_ms"`
	GraphQLNamesFirstP99ms float64        `json:"graphql_names_first_p99_ms"`
	VerdictMix             map[string]int `json:"verdict_mix"`

	Neo4jIngestRelsPerS    float64 `json:"neo4j_ingest_rels_per_s,omitempty"`
	Neo4jIngestRecordsPerS float64 `json:"neo4j_ingest_records_per_s,omitempty"`
	// Neo4jRelationshipPhaseRelsPerS is the rate of the run's relationship phase
	// alone (after staging and the node phase).
	Neo4jRelationshipPhaseRelsPerS float64 `json:"neo4j_relationship_phase_rels_per_s,omitempty"`
	Neo4jProjectionLoadS           float64 `json:"neo4j_projection_load_s,omitempty"`
	// The names load again, served over Neo4j (the projection loaded from it,
	// the records read from it).
	Neo4jGraphQLNamesRPS        float64 `json:"neo4j_graphql_names_rps,omitempty"`
	Neo4jGraphQLNamesP50ms      float64 `json:"neo4j_graphql_names_p50_ms,omitempty"`
	Neo4jGraphQLNamesP99ms      float64 `json:"neo4j_graphql_names_p99_ms,omitempty"`
	Neo4jGraphQLNamesFirstP99ms float64 `json:"neo4j_graphql_names_first_p99_ms,omitempty"`
	CypherBaselineP50ms         float64 `json:"cypher_baseline_p50_ms,omitempty"`
	CypherBaselineP99ms         float64 `json:"cypher_baseline_p99_ms,omitempty"`
	SpeedupVsCypher             float64 `json:"speedup_vs_cypher,omitempty"`
	CypherSameAnswers           string  `json:"cypher_same_answers,omitempty"`

	Machine   string `json:"machine"`
	GoVersion string `json:"go"`
}

func (c *Config) defaults() error {
	if _, ok := Scales[c.Scale]; !ok {
		return fmt.Errorf("%w: scale %q is not %s", model.ErrBadInput, c.Scale, gen.ScaleNames)
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.AsOf == 0 {
		c.AsOf = model.MustDate("2024-01-01")
	}
	if c.Samples == 0 {
		c.Samples = 5000
	}
	if c.GraphQLSeconds == 0 {
		c.GraphQLSeconds = 5
	}
	if c.Clients == 0 {
		c.Clients = 8
	}
	if c.Watches == 0 {
		c.Watches = 100_000
	}
	if c.CacheDir == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		c.CacheDir = filepath.Join(dir, "keiretsu", "bench")
	}
	return nil
}

// DataFile returns the generated data for the scale, generating it when absent.
func DataFile(c Config) (string, gen.Stats, error) {
	cfg := gen.ForEdges(Scales[c.Scale])
	cfg.Seed = c.Seed
	if err := os.MkdirAll(c.CacheDir, 0o755); err != nil {
		return "", gen.Stats{}, err
	}
	path := filepath.Join(c.CacheDir, fmt.Sprintf("%s-e%d-p%d-s%d.jsonl", c.Scale, cfg.Entities, cfg.Products, cfg.Seed))
	// The stats, the size of the file included, are cheap to recompute without
	// writing (0.7 s at medium): a cached file of another size is stale.
	stats, err := gen.Write(io.Discard, cfg)
	if err != nil {
		return "", stats, err
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() == stats.Bytes {
		return path, stats, nil
	}
	if err := os.Remove(versionFile(path)); err != nil && !os.IsNotExist(err) {
		return "", stats, err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", stats, err
	}
	if _, err := gen.Write(f, cfg); err != nil {
		f.Close()
		return "", stats, err
	}
	if err := f.Close(); err != nil {
		return "", stats, err
	}
	return path, stats, os.Rename(tmp, path)
}

// Run runs the benchmark.
func Run(ctx context.Context, c Config) (*Result, error) {
	if err := c.defaults(); err != nil {
		return nil, err
	}
	log := c.Log
	res := &Result{Scale: c.Scale, Machine: machine(), GoVersion: runtime.Version(), VerdictMix: map[string]int{}}
	path, stats, err := DataFile(c)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	res.Edges, res.Nodes = stats.Edges(), stats.Nodes()
	log.Info().Str("file", path).Int64("edges", res.Edges).Msg("data ready")
	known := knownVersion(path)
	if c.Neo4j != nil {
		// Refuse a database of other records now, not minutes later: a previous
		// benchmark of this file left its version beside it.
		if err := neo4jCheck(ctx, c, known); err != nil {
			return nil, err
		}
	}

	work := c.WorkDir
	if work == "" {
		if work, err = os.MkdirTemp("", "keiretsu-bench-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(work)
	}
	st, err := embedded.Open(filepath.Join(work, "store"), embedded.Options{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := st.Wipe(ctx); err != nil {
		return nil, err
	}
	sum, err := ingestFile(ctx, c, st, path)
	if err != nil {
		return nil, err
	}
	res.Records = int64(sum.Read)
	res.IngestRecordsPerS = round(float64(sum.Read) / sum.Seconds)
	res.IngestPeakRSSMB = peakRSSMB()
	resetPeakRSS()
	log.Info().Float64("records_per_s", res.IngestRecordsPerS).Msg("ingested (embedded)")
	runtime.GC()
	ours, err := st.Version(ctx)
	if err != nil {
		return nil, err
	}
	if ours != known {
		if err := os.WriteFile(versionFile(path), ours.Bytes(), 0o644); err != nil {
			return nil, err
		}
	}
	if c.Neo4j != nil {
		if err := neo4jIngest(ctx, c, path, ours, res); err != nil {
			return nil, err
		}
		runtime.GC()
	}

	svc, err := projections(ctx, st, res, log)
	if err != nil {
		return nil, err
	}
	defer svc.Close()

	if c.Serving != nil {
		c.Serving()
	}
	if err := screening(ctx, c, svc, res); err != nil {
		return nil, err
	}
	if err := graphqlLoad(ctx, c, svc, res); err != nil {
		return nil, err
	}
	names, err := graphqlNames(ctx, c, svc)
	if err != nil {
		return nil, err
	}
	res.GraphQLNamesRPS, res.GraphQLNamesP50ms, res.GraphQLNamesP99ms, res.GraphQLNamesFirstP99ms = names.rps, names.p50, names.p99, names.firstP99
	if c.Neo4j != nil {
		if err := neo4jPart(ctx, c, svc, res); err != nil {
			return nil, err
		}
	}
	if err := historyCost(ctx, st, res); err != nil {
		return nil, err
	}
	if err := watchRescreen(ctx, c, st, svc, res); err != nil {
		return nil, err
	}
	res.ServePeakRSSMB = peakRSSMB()
	res.PeakRSSMB = max(res.IngestPeakRSSMB, res.ServePeakRSSMB)
	return res, nil
}

// projections measures a first start, which builds the projection from the
// store and writes its file, and a second, which reads the file; the rest of
// the benchmark runs on the second.
func projections(ctx context.Context, st *embedded.Store, res *Result, log zerolog.Logger) (*service.Service, error) {
	file := filepath.Join(st.Dir(), embedded.ProjectionFileName)
	opt := service.Options{Log: zerolog.Nop(), ProjectionFile: file}
	start := time.Now()
	built, err := service.Open(ctx, st, opt)
	if err != nil {
		return nil, err
	}
	res.ProjectionBuildS = round3(time.Since(start).Seconds())
	ps := built.View().Engine().Snapshot().Stats()
	res.ProjectionBytesPerEdge = round(float64(ps.EdgeBytes) / float64(ps.Edges()))
	res.ProjectionBytesPerNode = round(float64(ps.NodeBytes) / float64(ps.Entities+ps.Products))
	log.Info().Float64("seconds", res.ProjectionBuildS).Float64("bytes_per_edge", res.ProjectionBytesPerEdge).Msg("projection built")
	// The write began when Open returned; Close waits for it.
	start = time.Now()
	built.Close()
	res.ProjectionWriteS = round3(time.Since(start).Seconds())
	if built.Source() != service.SourceStore || built.ImagesWritten() != 1 {
		return nil, fmt.Errorf("projection file %s was not written", file)
	}
	fi, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	res.ProjectionFileMB = round(float64(fi.Size()) / (1 << 20))
	runtime.GC() // the built projection is garbage now
	start = time.Now()
	svc, err := service.Open(ctx, st, opt)
	if err != nil {
		return nil, err
	}
	res.ProjectionLoadS = round3(time.Since(start).Seconds())
	if svc.Source() != service.SourceFile {
		return nil, fmt.Errorf("the second start did not read projection file %s", file)
	}
	log.Info().Float64("seconds", res.ProjectionLoadS).Float64("write_seconds", res.ProjectionWriteS).
		Float64("file_mb", res.ProjectionFileMB).Msg("projection read from its file")
	return svc, nil
}

// ChangeRun is the weekly update the benchmarks measure: a recorded run that
// changes the percent of every hundredth ownership edge of st (to values that
// differ with round, so that each round changes them again), recording its
// events with events.
func ChangeRun(ctx context.Context, st store.Store, round int, events watch.Options) (load.Summary, error) {
	var changed []*model.Record
	n := 0
	if _, err := st.Scan(ctx, func(r *model.Record) error {
		if r.Kind != model.KindOwnership {
			return nil
		}
		if n++; n%100 == 0 {
			cp := *r // the store reuses r: keep a copy that shares nothing with it
			cp.Aliases, cp.Identifiers = slices.Clone(r.Aliases), slices.Clone(r.Identifiers)
			p := float64((n+round)%97) + 1.5
			cp.Share = model.Share{Min: model.ShareFromPercent(p), Max: model.ShareFromPercent(p), Mode: model.ShareExact}
			changed = append(changed, &cp)
		}
		return nil
	}); err != nil {
		return load.Summary{}, err
	}
	return load.Recorded(ctx, st, history.Info{Files: []string{"bench-change"}}, nil, load.Options{Extra: changed, Events: events})
}

// historyCost measures the history's bytes per changed record over ChangeRun.
func historyCost(ctx context.Context, st store.Store, res *Result) error {
	before, err := history.StoredBytes(ctx, st)
	if err != nil {
		return err
	}
	sum, err := ChangeRun(ctx, st, 0, watch.Options{})
	if err != nil {
		return err
	}
	after, err := history.StoredBytes(ctx, st)
	if err != nil {
		return err
	}
	if sum.Written > 0 {
		res.HistoryBytesPerChangedRecord = round(float64(after-before) / float64(sum.Written))
	}
	return nil
}

func ingestFile(ctx context.Context, c Config, st store.Store, path string) (load.Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return load.Summary{}, err
	}
	defer f.Close()
	if c.Ingesting != nil {
		defer c.Ingesting()()
	}
	return load.Run(ctx, st, []ingest.Source{native.NewReader(filepath.Base(path), f, nil)}, load.Options{AutoLink: true})
}

// sampleIDs picks n defined product (or entity) ids, deterministically.
func sampleIDs(v *service.View, products bool, n int, seed uint64) []string {
	snap := v.Engine().Snapshot()
	total := snap.NumEntities()
	if products {
		total = snap.NumProducts()
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	var out []string
	for tries := 0; len(out) < n && tries < 20*n && total > 0; tries++ {
		i := uint32(rng.IntN(total))
		if products && snap.ProductDefined(i) {
			out = append(out, snap.ProductID(i))
		} else if !products && snap.EntityDefined(i) {
			out = append(out, snap.EntityID(i))
		}
	}
	return out
}

// screening measures in-process screening: cold fixpoints, then per-product and
// per-entity latency with warm caches, then a batch of 10,000 products.
func screening(ctx context.Context, c Config, svc *service.Service, res *Result) error {
	st := svc.View()
	regimes := st.Engine().Regimes().All()
	// The full fixpoint from cold: a fresh engine over the same snapshot.
	eng := rules.NewEngine(st.Engine().Snapshot(), st.Engine().Regimes())
	start := time.Now()
	eng.Eval(st.Engine().Regimes().Get("US-OFAC-SDN"), c.AsOf, ^uint64(0))
	res.FixpointS = round3(time.Since(start).Seconds())
	start = time.Now()
	for _, r := range regimes {
		eng.Eval(r, c.AsOf, ^uint64(0))
	}
	res.FixpointAllRegimesS = round3(res.FixpointS + time.Since(start).Seconds())

	products := sampleIDs(st, true, c.Samples, c.Seed)
	asOf := c.AsOf
	// Cold: the first screenings of a new state. Unwarmed, they pay for the
	// fixpoints they need; a server first warms the day's evaluations in the
	// background (service.KeepWarm), and they pay for the rest.
	first := func(v *service.View) ([]float64, error) {
		lat := make([]float64, 0, 100)
		for _, id := range products[:min(100, len(products))] {
			t0 := time.Now()
			if _, err := v.ScreenProduct(ctx, id, &asOf, nil); err != nil {
				return nil, err
			}
			lat = append(lat, float64(time.Since(t0).Nanoseconds())/1e3)
		}
		return lat, nil
	}
	unwarmed, err := first(st.Fresh())
	if err != nil {
		return err
	}
	res.ScreenProductUnwarmedP99us = round(percentile(unwarmed, 99))
	warmed := st.Fresh()
	start = time.Now()
	warmed.Engine().Warm(ctx, asOf)
	res.WarmS = round3(time.Since(start).Seconds())
	cold, err := first(warmed)
	if err != nil {
		return err
	}
	res.ScreenProductColdP99us = round(percentile(cold, 99))
	// Warm: every regime's evaluations are cached, as in a running server.
	for _, id := range products {
		if _, err := st.ScreenProduct(ctx, id, &asOf, nil); err != nil {
			return err
		}
	}
	lat := make([]float64, 0, len(products))
	// Each measured loop starts after a collection, as go test -bench does:
	// the garbage of the phase before it is not collected inside it.
	runtime.GC()
	for _, id := range products {
		t0 := time.Now()
		s, err := st.ScreenProduct(ctx, id, &asOf, nil)
		if err != nil {
			return err
		}
		lat = append(lat, float64(time.Since(t0).Nanoseconds())/1e3)
		res.VerdictMix[s.Verdict.String()]++
	}
	res.ScreenProductP50us, res.ScreenProductP99us = round(percentile(lat, 50)), round(percentile(lat, 99))
	// The same products under every built-in regime, warm.
	var all []string
	for _, r := range regimes {
		all = append(all, r.ID)
	}
	for _, id := range products {
		if _, err := st.ScreenProduct(ctx, id, &asOf, all); err != nil {
			return err
		}
	}
	lat = lat[:0]
	runtime.GC()
	for _, id := range products {
		t0 := time.Now()
		if _, err := st.ScreenProduct(ctx, id, &asOf, all); err != nil {
			return err
		}
		lat = append(lat, float64(time.Since(t0).Nanoseconds())/1e3)
	}
	res.ScreenProductAllRegimesP99us = round(percentile(lat, 99))

	entities := sampleIDs(st, false, c.Samples, c.Seed)
	elat := make([]float64, 0, len(entities))
	for _, id := range entities {
		if _, err := st.ScreenEntity(ctx, id, &asOf, nil); err != nil {
			return err
		}
	}
	runtime.GC()
	for _, id := range entities {
		t0 := time.Now()
		if _, err := st.ScreenEntity(ctx, id, &asOf, nil); err != nil {
			return err
		}
		elat = append(elat, float64(time.Since(t0).Nanoseconds())/1e3)
	}
	res.ScreenEntityP99us = round(percentile(elat, 99))

	batch := sampleIDs(st, true, 10_000, c.Seed+1)
	if _, err := st.ScreenProducts(ctx, batch, &asOf, nil); err != nil { // warm
		return err
	}
	best := 0.0
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		if _, err := st.ScreenProducts(ctx, batch, &asOf, nil); err != nil {
			return err
		}
		if ms := float64(time.Since(t0).Microseconds()) / 1e3; i == 0 || ms < best {
			best = ms
		}
	}
	res.Batch10kMs = round(best)
	c.Log.Info().Float64("p99_us", res.ScreenProductP99us).Float64("batch_10k_ms", res.Batch10kMs).Float64("fixpoint_s", res.FixpointS).Msg("screened")
	return nil
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(float64(len(s)-1)*p/100 + 0.5)
	return s[i]
}

func round(x float64) float64  { return float64(int64(x*10+0.5)) / 10 }
func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return round(kb / 1024)
			}
		}
	}
	return 0
}

// resetPeakRSS starts the high-water mark of peakRSSMB again from the
// current resident set (Linux: clear_refs 5); elsewhere it does nothing, and
// the mark goes on from the start.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func machine() string {
	cpu := runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				if i := strings.Index(line, ":"); i >= 0 {
					cpu = strings.TrimSpace(line[i+1:])
				}
				break
			}
		}
	}
	mem := ""
	if total := load.UsableMemory(); total > 0 {
		mem = fmt.Sprintf(", %.0f GiB RAM", float64(total)/(1<<30))
	}
	return fmt.Sprintf("%s, %d cores%s", cpu, runtime.NumCPU(), mem)
}
