package gen

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/rules"
)

func builtinSet(t testing.TB) *rules.Set {
	t.Helper()
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func write(t testing.TB, cfg Config) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Write(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

// readBack parses native JSONL with ingest/native, failing on any bad line.
func readBack(t testing.TB, data []byte, set *rules.Set, fn func(op *ingest.Op)) {
	t.Helper()
	rd := native.NewReader("gen.jsonl", bytes.NewReader(data), set.Has)
	var op ingest.Op
	for {
		err := rd.Next(&op)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		fn(&op)
	}
}

// TestRegimeIDsAreBuiltin: the generator lists under the built-in regimes
// screened by default (the v1 ones), so generated worlds stay as they were.
func TestRegimeIDsAreBuiltin(t *testing.T) {
	var ids []string
	for _, r := range rules.Builtin() {
		if r.Default {
			ids = append(ids, r.ID)
		}
	}
	if diff := cmp.Diff(ids, RegimeIDs); diff != "" {
		t.Errorf("RegimeIDs differ from the default built-in regimes (-builtin +gen):\n%s", diff)
	}
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Entities: 20000, Products: 4000, Seed: 7}
	a, sa := write(t, cfg)
	b, sb := write(t, cfg)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same seed wrote different bytes")
	}
	if sa != sb || sa.Bytes != int64(len(a)) {
		t.Fatalf("stats differ or miscount bytes: %+v vs %+v (len %d)", sa, sb, len(a))
	}
	cfg.Seed = 8
	c, _ := write(t, cfg)
	if bytes.Equal(a, c) {
		t.Fatal("seeds 7 and 8 wrote the same bytes")
	}
	// Records sees the same records Write serialises.
	var buf []byte
	sr, err := Records(Config{Entities: 20000, Products: 4000, Seed: 7}, func(op *ingest.Op) error {
		buf = native.Append(buf, op)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sr.Bytes = sa.Bytes
	if !bytes.Equal(a, buf) || sr != sa {
		t.Fatal("Records and Write disagree")
	}
}

// TestValid reads the output back: every line parses, is already normalized, is
// valid, has a unique key, and references only ids that are defined.
func TestValid(t *testing.T) {
	for _, cfg := range []Config{
		{Entities: 30000, Products: 6000, Seed: 1},
		{Entities: 0, Products: 0, Seed: 1},
		{Entities: 1, Products: 1, Seed: 1},
		{Entities: 3, Products: 5, Seed: 2},
		{Entities: 7, Products: 8, Seed: 3},
		{Entities: 50, Products: 0, Seed: 4},
		{Entities: 0, Products: 20, Seed: 5},
		{Entities: 300, Products: 60, Seed: 6},
	} {
		data, st := write(t, cfg)
		set := builtinSet(t)
		var got Stats
		entities, products := map[string]bool{}, map[string]bool{}
		keys := map[model.Key]bool{}
		type ref struct {
			kind model.Kind
			id   string
		}
		var refs []ref
		line := 0
		readBack(t, data, set, func(op *ingest.Op) {
			line++
			r := op.Record
			if op.Line != line || op.Delete {
				t.Fatalf("%+v: line %d: op %+v", cfg, line, op)
			}
			norm := r
			norm.Identifiers = slices.Clone(r.Identifiers)
			norm.Normalize()
			if diff := cmp.Diff(r, norm); diff != "" {
				t.Fatalf("%+v: line %d is not normalized:\n%s", cfg, line, diff)
			}
			if err := r.Validate(set.Has); err != nil {
				t.Fatalf("%+v: line %d: %v", cfg, line, err)
			}
			if keys[r.Key()] {
				t.Fatalf("%+v: line %d: duplicate key %s", cfg, line, r.Key())
			}
			keys[r.Key()] = true
			got.Records++
			switch r.Kind {
			case model.KindEntity:
				got.Entities++
				entities[r.ID] = true
			case model.KindProduct:
				got.Products++
				products[r.ID] = true
			case model.KindOwnership:
				got.Ownership++
			case model.KindControl:
				got.Control++
			case model.KindComponent:
				got.Component++
			case model.KindSourcing:
				got.Sourcing++
			case model.KindListing:
				got.Listing++
			}
			if !r.Kind.IsNode() {
				_, _, sk, dk := r.Kind.Ends()
				refs = append(refs, ref{sk, r.Src}, ref{dk, r.Dst})
				if r.Src == r.Dst {
					t.Fatalf("%+v: line %d: self edge %s", cfg, line, r.Key())
				}
			}
		})
		for _, rf := range refs {
			switch {
			case rf.kind == model.KindEntity && !entities[rf.id],
				rf.kind == model.KindProduct && !products[rf.id],
				rf.kind == model.KindRegime && !set.Has(rf.id):
				t.Fatalf("%+v: dangling reference to %s %s", cfg, rf.kind, rf.id)
			}
		}
		if int(got.Entities) != cfg.Entities || int(got.Products) != cfg.Products {
			t.Errorf("%+v: got %d entities, %d products", cfg, got.Entities, got.Products)
		}
		want := st
		want.Bytes, want.Companies, want.Persons, want.StateBodies, want.Organizations, want.CrossHoldings, want.Gaps = 0, 0, 0, 0, 0, 0, 0
		if got != want {
			t.Errorf("%+v: read back %+v, stats say %+v", cfg, got, want)
		}
	}
}

// world is a generated world in arrays, for structural tests.
type world struct {
	st                 Stats
	ownFrom, ownTo     []int32 // entity numbers (id e(n+1))
	ownPct             []float64
	ownCross           []bool
	ctlFrom, ctlTo     []int32
	compFrom, compTo   []int32
	srcgProd           []int32
	entType            []string
	listingCategorized int
	listingRegimes     map[string]int
}

func num(id string) int32 {
	n := int32(0)
	for _, c := range id[1:] {
		n = n*10 + int32(c-'0')
	}
	return n - 1
}

func build(t testing.TB, cfg Config) *world {
	t.Helper()
	w := &world{listingRegimes: map[string]int{}}
	st, err := generate(cfg, func(op *ingest.Op, cross bool) error {
		r := &op.Record
		switch r.Kind {
		case model.KindEntity:
			w.entType = append(w.entType, r.Type)
		case model.KindOwnership:
			w.ownFrom, w.ownTo = append(w.ownFrom, num(r.Src)), append(w.ownTo, num(r.Dst))
			w.ownPct = append(w.ownPct, model.Percent(uint64(r.Share.Min)))
			if r.Share.Mode != model.ShareExact {
				w.ownPct[len(w.ownPct)-1] = -1
			}
			w.ownCross = append(w.ownCross, cross)
		case model.KindControl:
			w.ctlFrom, w.ctlTo = append(w.ctlFrom, num(r.Src)), append(w.ctlTo, num(r.Dst))
		case model.KindComponent:
			w.compFrom, w.compTo = append(w.compFrom, num(r.Src)), append(w.compTo, num(r.Dst))
		case model.KindSourcing:
			w.srcgProd = append(w.srcgProd, num(r.Src))
		case model.KindListing:
			w.listingRegimes[r.Dst]++
			if len(r.Categories) > 0 {
				w.listingCategorized++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.st = st
	return w
}

// longest returns the longest path (in edges) of a graph whose edges all go from a
// lower to a higher node number, which the test checks: that is what makes it acyclic.
func longest(t *testing.T, what string, n int, from, to []int32, skip []bool) int {
	t.Helper()
	type e struct{ from, to int32 }
	var es []e
	for i := range from {
		if skip != nil && skip[i] {
			continue
		}
		if from[i] >= to[i] {
			t.Fatalf("%s edge %d->%d goes backwards", what, from[i], to[i])
		}
		es = append(es, e{from[i], to[i]})
	}
	slices.SortFunc(es, func(a, b e) int { return int(a.to - b.to) })
	dist := make([]int, n)
	best := 0
	for _, x := range es {
		if d := dist[x.from] + 1; d > dist[x.to] {
			dist[x.to] = d
			best = max(best, d)
		}
	}
	return best
}

// hasCycle reports whether the directed graph has a cycle (Kahn's algorithm).
func hasCycle(n int, from, to []int32) bool {
	indeg := make([]int, n)
	adj := make([][]int32, n)
	for i := range from {
		adj[from[i]] = append(adj[from[i]], to[i])
		indeg[to[i]]++
	}
	var queue []int32
	for x := range n {
		if indeg[x] == 0 {
			queue = append(queue, int32(x))
		}
	}
	seen := 0
	for len(queue) > 0 {
		x := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		seen++
		for _, y := range adj[x] {
			if indeg[y]--; indeg[y] == 0 {
				queue = append(queue, y)
			}
		}
	}
	return seen < n
}

func TestWorldShape(t *testing.T) {
	cfg := Config{Entities: 50000, Products: 10000, Seed: 1}
	w := build(t, cfg)
	st := w.st
	t.Logf("stats: %+v", st)
	t.Logf("edges: %d (%.3f per entity+product)", st.Edges(), float64(st.Edges())/float64(st.Nodes()))

	// Ownership: trees and chains at most 8 deep, some exactly 8; cross-holdings close cycles.
	if d := longest(t, "ownership", cfg.Entities, w.ownFrom, w.ownTo, w.ownCross); d != maxDepth {
		t.Errorf("longest ownership chain without cross-holdings = %d, want %d", d, maxDepth)
	}
	if d := longest(t, "control", cfg.Entities, w.ctlFrom, w.ctlTo, nil); d > maxDepth {
		t.Errorf("longest control chain = %d", d)
	}
	if !hasCycle(cfg.Entities, w.ownFrom, w.ownTo) {
		t.Error("no ownership cycle")
	}
	if share := float64(st.CrossHoldings) / float64(st.Ownership); share < 0.01 || share > 0.06 {
		t.Errorf("cross-holdings are %.3f of ownership edges, want a few percent", share)
	}
	if share := float64(st.Control) / float64(st.Ownership); share < 0.02 || share > 0.12 {
		t.Errorf("control edges are %.3f of ownership edges, want a few percent", share)
	}

	// Large holdings: some company has >= 1000 subsidiaries (held directly or
	// indirectly through tree edges).
	adj := make([][]int32, cfg.Entities)
	owned := make([]bool, cfg.Entities)
	for i := range w.ownFrom {
		if !w.ownCross[i] {
			adj[w.ownFrom[i]] = append(adj[w.ownFrom[i]], w.ownTo[i])
			if w.entType[w.ownFrom[i]] == model.TypeCompany {
				owned[w.ownTo[i]] = true
			}
		}
	}
	stamp := make([]int32, cfg.Entities)
	most := 0
	for x := range cfg.Entities {
		if w.entType[x] != model.TypeCompany || owned[x] {
			continue
		}
		count, stack := 0, []int32{int32(x)}
		stamp[x] = int32(x) + 1
		for len(stack) > 0 {
			y := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, z := range adj[y] {
				if stamp[z] != int32(x)+1 {
					stamp[z] = int32(x) + 1
					count++
					stack = append(stack, z)
				}
			}
		}
		most = max(most, count)
	}
	if most < 1000 {
		t.Errorf("largest holding has %d subsidiaries, want >= 1000", most)
	}
	t.Logf("largest holding: %d subsidiaries", most)

	// Entity mix.
	if share := float64(st.StateBodies) / float64(st.Entities); share < 0.005 || share > 0.015 {
		t.Errorf("state bodies are %.4f of entities, want about 1%%", share)
	}
	if st.Persons == 0 || st.Organizations == 0 || st.Companies < st.Entities/2 {
		t.Errorf("entity mix %+v", st)
	}
	ranges := 0
	for _, p := range w.ownPct {
		if p < 0 {
			ranges++
		}
	}
	if share := float64(ranges) / float64(len(w.ownPct)); share < 0.02 || share > 0.08 {
		t.Errorf("ranges and unknown percents are %.3f of stakes, want a few percent", share)
	}

	// Listings: about 0.5% of entities, every built-in regime, some with categories.
	if share := float64(st.Listing) / float64(st.Entities); share < 0.005 || share > 0.012 {
		t.Errorf("listings are %.4f per entity", share)
	}
	for _, id := range RegimeIDs {
		if w.listingRegimes[id] == 0 {
			t.Errorf("no listing under %s", id)
		}
	}
	if w.listingCategorized == 0 {
		t.Error("no listing with categories")
	}

	// Products: BOMs at most 8 levels (7 component edges), shared sub-assemblies, ~3% gaps.
	if d := longest(t, "component", cfg.Products, w.compFrom, w.compTo, nil); d != bomLevels-1 {
		t.Errorf("longest BOM path = %d edges (%d levels), want %d levels", d, d+1, bomLevels)
	}
	parents := make([]int, cfg.Products)
	for _, c := range w.compTo {
		parents[c]++
	}
	shared := 0
	for _, n := range parents {
		if n >= 2 {
			shared++
		}
	}
	if share := float64(shared) / float64(cfg.Products); share < 0.1 {
		t.Errorf("only %.3f of products are shared by several parents", share)
	}
	sourced := make([]bool, cfg.Products)
	for _, p := range w.srcgProd {
		sourced[p] = true
	}
	gaps := 0
	for _, s := range sourced {
		if !s {
			gaps++
		}
	}
	if int64(gaps) != st.Gaps {
		t.Errorf("%d products without sourcing, stats say %d", gaps, st.Gaps)
	}
	if share := float64(gaps) / float64(cfg.Products); share < 0.02 || share > 0.04 {
		t.Errorf("gaps are %.4f of products, want about 3%%", share)
	}
}

// TestScreeningMix screens products with the rule engine: the listings must make a
// real share of products EXPOSED, POSSIBLE or CAUTION, and leave a real share CLEAR.
func TestScreeningMix(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		cfg := Config{Entities: 20000, Products: 4000, Seed: seed}
		set := builtinSet(t)
		b := projection.NewBuilder()
		if _, err := Records(cfg, func(op *ingest.Op) error {
			rec := op.Record
			b.Add(&rec)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		snap, err := b.Build(model.Hash{})
		if err != nil {
			t.Fatal(err)
		}
		eng := rules.NewEngine(snap, set)
		asOf := model.MustDate("2024-01-01")
		var mix [model.Exposed + 1]int
		perRegime := map[string]int{}
		const n = 200
		for i := range n {
			id := "p" + strconv.Itoa(1+i*cfg.Products/n)
			s, err := eng.ScreenProduct(id, asOf, set.All())
			if err != nil {
				t.Fatal(err)
			}
			mix[s.Verdict]++
			for _, r := range s.Results {
				if r.Verdict >= model.Caution {
					perRegime[r.Regime.ID]++
				}
			}
		}
		t.Logf("seed %d: CLEAR %d, UNKNOWN %d, CAUTION %d, POSSIBLE %d, EXPOSED %d of %d; caught per regime %v",
			seed, mix[model.Clear], mix[model.Unknown], mix[model.Caution], mix[model.Possible], mix[model.Exposed], n, perRegime)
		if caught := mix[model.Caution] + mix[model.Possible] + mix[model.Exposed]; caught < n/20 {
			t.Errorf("seed %d: only %d of %d products are CAUTION, POSSIBLE or EXPOSED", seed, caught, n)
		}
		if mix[model.Clear] < n/20 {
			t.Errorf("seed %d: only %d of %d products are CLEAR", seed, mix[model.Clear], n)
		}
	}
}

// TestIdentifiers checks that strong identifiers are well formed (check digits) and
// that no two entities share one: ingest links entities that do.
func TestIdentifiers(t *testing.T) {
	seen := map[string]string{}
	counts := map[string]int{}
	_, err := Records(Config{Entities: 200000, Products: 20000, Seed: 3}, func(op *ingest.Op) error {
		r := &op.Record
		for _, id := range r.Identifiers {
			counts[id.Scheme]++
			ok := true
			switch id.Scheme {
			case "lei":
				ok = model.ValidLEI(id.Value)
			case "uscc":
				ok = model.ValidUSCC(id.Value)
			case "duns":
				ok = model.ValidDUNS(id.Value)
			case "gtin":
				ok = validGTIN(id.Value)
			}
			if !ok {
				t.Fatalf("%s: bad %s %q", r.ID, id.Scheme, id.Value)
			}
			if r.Kind == model.KindEntity {
				key := id.Scheme + " " + id.Value
				if other, dup := seen[key]; dup {
					t.Fatalf("%s and %s share %s", other, r.ID, key)
				}
				seen[key] = r.ID
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, scheme := range []string{"lei", "uscc", "duns", "gtin", "mpn", "purl", "cpe"} {
		if counts[scheme] == 0 {
			t.Errorf("no %s identifier", scheme)
		}
	}
}

func validGTIN(v string) bool {
	sum := 0
	for i := range len(v) - 1 {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(v[i]-'0') * w
	}
	return len(v) == 13 && int(v[12]-'0') == (10-sum%10)%10
}

func TestForEdges(t *testing.T) {
	targets := []int{10_000, 100_000}
	if !testing.Short() {
		targets = append(targets, 1_000_000)
	}
	for _, target := range targets {
		cfg := ForEdges(target)
		if cfg.Entities != cfg.Products*EntitiesPerProduct {
			t.Errorf("ForEdges(%d) = %+v", target, cfg)
		}
		st, err := Records(cfg, func(*ingest.Op) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if ratio := float64(st.Edges()) / float64(target); ratio < 0.95 || ratio > 1.05 {
			t.Errorf("ForEdges(%d) = %+v gave %d edges", target, cfg, st.Edges())
		}
		est := EdgesPerEntity*float64(st.Entities) + EdgesPerProduct*float64(st.Products)
		t.Logf("target %d: %+v -> %d edges (estimate %.0f); per entity %.3f, per product %.3f",
			target, cfg, st.Edges(), est,
			float64(st.Ownership+st.Control+st.Listing)/float64(st.Entities),
			float64(st.Component+st.Sourcing)/float64(st.Products))
	}
}

func TestRecordsStopsOnError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := Records(Config{Entities: 1000, Products: 100}, func(*ingest.Op) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Fatalf("err %v after %d records", err, n)
	}
	if _, err := Records(Config{Entities: -1}, func(*ingest.Op) error { return nil }); err == nil {
		t.Fatal("negative size accepted")
	}
}

func BenchmarkGenerate(b *testing.B) {
	cfg := ForEdges(100_000)
	b.Run("write", func(b *testing.B) {
		var st Stats
		for b.Loop() {
			var err error
			if st, err = Write(io.Discard, cfg); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(st.Bytes)
		b.ReportMetric(float64(st.Edges())*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
	})
	b.Run("records", func(b *testing.B) {
		var st Stats
		for b.Loop() {
			var err error
			if st, err = Records(cfg, func(*ingest.Op) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(st.Edges())*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
	})
}
