package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/gen"
)

// TestBenchSmallWithNeo4j runs `keiretsu bench --scale small --neo4j` briefly
// and checks the object it prints: every figure issue 5 names, present and
// consistent with the others (not fast: speed is not asserted), and the data
// file kept in the cache and used by the next runs. The database first holds other
// records: the benchmark refuses to delete them without --wipe, before its slow
// parts; then it holds the benchmark's data, which a run may replace.
func TestBenchSmallWithNeo4j(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the benchmark generates and loads 10^5 edges")
	}
	store := neo4jArgs(t)
	if r := keiretsu(t, verdictData, append([]string{"ingest"}, append(store, "-")...)...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	cache := t.TempDir()
	const samples = 300
	args := append([]string{"bench", "--scale", "small", "--samples", fmt.Sprint(samples),
		"--graphql-seconds", "0.5", "--cache", cache, "--json", "--log-level", "info", "--watches", "5000"}, store...)
	r := keiretsu(t, "", args...)
	if r.code == 0 || !strings.Contains(r.stderr, "--wipe") || !strings.Contains(r.stderr, "other records") {
		t.Fatalf("bench over other records: exit %d, stderr %q, want a refusal naming --wipe", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "data ready") || strings.Contains(r.stderr, "ingested (embedded)") {
		t.Errorf("the refusal should come before the embedded ingest: %s", r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "small-*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("cache holds %v, want the generated file", files)
	}
	generated, err := os.Stat(files[0])
	if err != nil || generated.Size() == 0 {
		t.Fatalf("cached data: %v", err)
	}
	if s := keiretsu(t, "", append([]string{"screen", "--entity", "sub", "--as-of", "2024-01-01", "--regime", "US-OFAC-SDN"}, store...)...); s.code != 5 {
		t.Fatalf("after the refusal, sub screens with exit %d (want 5, EXPOSED): %s", s.code, s.stderr)
	}
	r = keiretsu(t, "", append(args, "--wipe")...)
	if r.code != 0 {
		t.Fatalf("bench: %s", r.stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("bench printed %q: %v", r.stdout, err)
	}
	num := func(k string) float64 {
		t.Helper()
		v, ok := got[k].(float64)
		if !ok {
			t.Fatalf("%s = %v (%T), want a number", k, got[k], got[k])
		}
		return v
	}
	for _, k := range []string{"ingest_records_per_s", "projection_build_s", "projection_load_s", "projection_write_s",
		"projection_file_mb", "projection_bytes_per_edge",
		"peak_rss_mb", "ingest_peak_rss_mb", "serve_peak_rss_mb", "screen_product_p50_us", "screen_product_p99_us", "screen_entity_p99_us",
		"batch_10k_ms", "graphql_p99_ms", "graphql_rps", "neo4j_ingest_rels_per_s",
		"neo4j_relationship_phase_rels_per_s", "neo4j_projection_load_s", "cypher_baseline_p50_ms",
		"cypher_baseline_p99_ms", "speedup_vs_cypher", "graphql_names_rps", "graphql_names_p99_ms",
		"graphql_names_first_p99_ms", "neo4j_graphql_names_rps", "neo4j_graphql_names_p50_ms",
		"neo4j_graphql_names_p99_ms", "neo4j_graphql_names_first_p99_ms", "watch_rescreen_s", "watch_rescreened"} {
		if num(k) <= 0 {
			t.Errorf("%s = %v, want > 0", k, got[k])
		}
	}
	if _, ok := got["fixpoint_s"].(float64); !ok {
		t.Errorf("fixpoint_s = %v", got["fixpoint_s"])
	}
	if num("watches") != 5000 || num("watch_rescreened") > 5000 {
		t.Errorf("watches %v, screened again %v: want 5000, at most all", got["watches"], got["watch_rescreened"])
	}
	if got["scale"] != "small" {
		t.Errorf("scale = %v", got["scale"])
	}
	if e := num("edges"); e < 90_000 || e > 110_000 {
		t.Errorf("edges = %v, want about 10^5", e)
	}
	if num("records") <= num("edges") {
		t.Errorf("records %v <= edges %v", got["records"], got["edges"])
	}
	if num("screen_product_p50_us") > num("screen_product_p99_us") || num("cypher_baseline_p50_ms") > num("cypher_baseline_p99_ms") {
		t.Errorf("a median above its p99: %s", r.stdout)
	}
	if num("neo4j_relationship_phase_rels_per_s") < num("neo4j_ingest_rels_per_s") {
		t.Errorf("the relationship phase (%v/s) slower than the whole run (%v/s)", got["neo4j_relationship_phase_rels_per_s"], got["neo4j_ingest_rels_per_s"])
	}
	mix, _ := got["verdict_mix"].(map[string]any)
	n := 0.0
	for _, v := range mix {
		n += v.(float64)
	}
	if n != samples {
		t.Errorf("verdict_mix %v counts %v products, want %d", mix, n, samples)
	}
	var same, of int
	if _, err := fmt.Sscanf(fmt.Sprint(got["cypher_same_answers"]), "%d/%d", &same, &of); err != nil || of != 500 || same <= 0 || same > of {
		t.Errorf("cypher_same_answers = %v", got["cypher_same_answers"])
	}
	// The database now holds the benchmark's own data, which it may replace
	// without --wipe.
	if again := keiretsu(t, "", args...); again.code != 0 || !strings.Contains(again.stdout, "neo4j_ingest_rels_per_s") {
		t.Errorf("bench over its own data: exit %d: %s", again.code, again.stderr)
	}
	// Both runs used the file the first one generated.
	if fi, err := os.Stat(files[0]); err != nil || !fi.ModTime().Equal(generated.ModTime()) {
		t.Errorf("cached data rewritten: %v, modified %v, first written %v", err, fi.ModTime(), generated.ModTime())
	}
}

// TestGenScale checks that gen --scale names the sizes of bench --scale: the
// same bytes as --edges with the scale's target.
func TestGenScale(t *testing.T) {
	byScale := keiretsu(t, "", "gen", "--scale", "small")
	byEdges := keiretsu(t, "", "gen", "--edges", strconv.Itoa(gen.Scales["small"]))
	if byScale.code != 0 || byEdges.code != 0 || byScale.stdout != byEdges.stdout || len(byScale.stdout) == 0 {
		t.Errorf("gen --scale small: %d %q, --edges: %d %q, %d and %d bytes", byScale.code, byScale.stderr, byEdges.code, byEdges.stderr,
			len(byScale.stdout), len(byEdges.stdout))
	}
	for _, args := range [][]string{{"--scale", "huge"}, {"--scale", "small", "--edges", "10"}, {"--scale", "xlarge", "--entities", "5"}} {
		if r := keiretsu(t, "", append([]string{"gen"}, args...)...); r.code == 0 {
			t.Errorf("gen %v: exit 0", args)
		}
	}
}
