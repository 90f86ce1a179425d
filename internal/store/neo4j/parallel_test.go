package neo4j_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

// write is one write of a test run: a put, or a delete of key.
type write struct {
	put *model.Record
	del model.Key
}

func entity(id, name string) *model.Record {
	return &model.Record{Kind: model.KindEntity, ID: id, Name: name, Type: model.TypeCompany,
		Identifiers: []model.Identifier{{Scheme: "lei", Value: "LEI-" + id}}}
}

func owns(src, dst string, pct float64, from int) *model.Record {
	r := &model.Record{Kind: model.KindOwnership, Src: src, Dst: dst, Valid: model.Always, Share: model.Exact(pct)}
	if from > 0 {
		r.Valid.From = model.MustDate("2020-01-01") + model.Date(from)
	}
	r.Normalize()
	return r
}

// parallelWrites is a run that exercises the partitioned apply: keys written
// many times across batches (puts, deletes, puts again), node records deleted
// while relationships still use them, relationships to ids no record defines
// (shared by many relationships, so by both partitions), and relationship
// deletes that leave such placeholders without relationships, or not.
func parallelWrites() (base, run []write) {
	rng := rand.New(rand.NewPCG(7, 11))
	id := func(n int) string { return fmt.Sprintf("e%d", rng.IntN(n)) }
	for i := range 20 {
		base = append(base, write{put: entity(fmt.Sprintf("e%d", i), fmt.Sprintf("Base %d", i))})
	}
	for range 40 {
		base = append(base, write{put: owns(id(20), id(20), 10, rng.IntN(3))})
	}
	base = append(base,
		write{put: owns("e1", "ghost-old", 5, 0)},
		write{put: owns("e2", "ghost-old", 5, 0)},
		write{put: owns("e3", "ghost-kept", 5, 0)})
	for i := range 600 {
		switch p := rng.IntN(100); {
		case p < 25: // node records, some new, often repeated
			run = append(run, write{put: entity(id(40), fmt.Sprintf("Name %d", i))})
		case p < 32: // delete node records (some with relationships)
			run = append(run, write{del: model.Key{Kind: model.KindEntity, Src: id(40), From: model.MinDate}})
		case p < 70: // relationships between records, repeated keys
			run = append(run, write{put: owns(id(40), id(40), float64(rng.IntN(100)), rng.IntN(3))})
		case p < 80: // relationships to shared dangling ends
			run = append(run, write{put: owns(id(40), fmt.Sprintf("ghost-%d", rng.IntN(4)), 1, rng.IntN(3))})
		case p < 92: // relationship deletes
			k := model.Key{Kind: model.KindOwnership, Src: id(40), Dst: id(40), From: model.MinDate}
			if rng.IntN(3) == 0 {
				k.Dst = fmt.Sprintf("ghost-%d", rng.IntN(4))
			}
			if f := rng.IntN(3); f > 0 {
				k.From = model.MustDate("2020-01-01") + model.Date(f)
			}
			run = append(run, write{del: k})
		default: // a ghost's only relationship in the base goes
			run = append(run, write{del: model.Key{Kind: model.KindOwnership, Src: "e1", Dst: "ghost-old", From: model.MinDate}})
			run = append(run, write{del: model.Key{Kind: model.KindOwnership, Src: "e2", Dst: "ghost-old", From: model.MinDate}})
		}
	}
	// Delete a node record whose relationships stay.
	run = append(run, write{del: model.Key{Kind: model.KindEntity, Src: "e3", From: model.MinDate}})
	return base, run
}

func apply(t *testing.T, st *neo4j.Store, ws []write) model.Hash {
	t.Helper()
	ctx := context.Background()
	r, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if w.put != nil {
			err = r.Put(ctx, w.put)
		} else {
			err = r.Delete(ctx, w.del)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	h, err := r.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// graphState is everything Keiretsu keeps in the graph: records (with their
// nodes' and relationships' properties), placeholders, relationship counts,
// the version, and what is left of staging.
type graphState struct {
	Version      model.Hash
	Records      []string
	Nodes        []string
	Rels         []string
	Placeholders []string
	Stages       int64
}

func state(t *testing.T, st *neo4j.Store) graphState {
	t.Helper()
	var g graphState
	g.Version = version(t, st)
	g.Records = storetest.All(t, st)
	for _, r := range cypher(t, st, `MATCH (n) WHERE n:Entity OR n:Product OR n:Regime
RETURN labels(n) AS l, properties(n) AS p, n._rec IS NULL AS placeholder`) {
		s := fmt.Sprint(r["l"], r["p"])
		if r["placeholder"].(bool) {
			g.Placeholders = append(g.Placeholders, s)
		}
		g.Nodes = append(g.Nodes, s)
	}
	for _, r := range cypher(t, st, `MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p`) {
		g.Rels = append(g.Rels, fmt.Sprint(r["a"], r["t"], r["b"], r["p"]))
	}
	slices.Sort(g.Nodes)
	slices.Sort(g.Placeholders)
	slices.Sort(g.Rels)
	g.Stages = count(t, st, "KeiretsuStage")
	return g
}

// TestParallelApplyMatchesOneTransaction: a staged run applied by concurrent
// workers leaves exactly the graph, records and version that the same writes
// leave when applied in one transaction.
func TestParallelApplyMatchesOneTransaction(t *testing.T) {
	neo4jtest.Lock(t)
	base, run := parallelWrites()
	var want graphState
	for i, c := range []struct {
		name string
		cfg  neo4j.Config
	}{
		{"one transaction", neo4j.Config{SmallRun: 1_000_000}},
		{"two workers", neo4j.Config{SmallRun: 10, Batch: 7, Workers: 2}},
		{"three workers", neo4j.Config{SmallRun: 10, Batch: 5, Workers: 3}},
		{"one batch per partition", neo4j.Config{SmallRun: 10, Batch: 1_000, Workers: 2}},
		{"one worker", neo4j.Config{SmallRun: 10, Batch: 7, Workers: 1}},
	} {
		cfg := c.cfg
		t.Run(c.name, func(t *testing.T) {
			st := open(t, cfg)
			defer st.Close()
			apply(t, st, base)
			h := apply(t, st, run)
			got := state(t, st)
			if h != got.Version {
				t.Errorf("commit returned %s, version %s", h, got.Version)
			}
			var all []*model.Record
			if _, err := st.Scan(context.Background(), func(r *model.Record) error { c := *r; all = append(all, &c); return nil }); err != nil {
				t.Fatal(err)
			}
			if want := expected(all); got.Version != want {
				t.Errorf("version %s, want the content hash %s", got.Version, want)
			}
			if got.Stages != 0 {
				t.Errorf("%d staging nodes left", got.Stages)
			}
			if len(got.Placeholders) == 0 {
				t.Error("no placeholders: the test lost its dangling references")
			}
			if i == 0 {
				want = got
			} else if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("staged run differs from one transaction (-want +got):\n%s", diff)
			}
		})
	}
	// Into an empty store (filters instead of reads), staged and not.
	var fresh graphState
	for i, cfg := range []neo4j.Config{{SmallRun: 1_000_000}, {SmallRun: 10, Batch: 7, Workers: 2}} {
		st := open(t, cfg)
		apply(t, st, run)
		got := state(t, st)
		st.Close()
		if i == 0 {
			fresh = got
		} else if diff := cmp.Diff(fresh, got); diff != "" {
			t.Errorf("staged run into an empty store differs from one transaction (-want +got):\n%s", diff)
		}
	}
}

// TestKilledDuringParallelApply kills a process while its two workers apply a
// staged run (some batches of the relationship phase applied): readers keep the
// previous version, and the next process rolls the run forward to exactly the
// state a run that was not killed leaves.
func TestKilledDuringParallelApply(t *testing.T) {
	neo4jtest.Lock(t)
	st := open(t, neo4j.Config{})
	defer st.Close()
	ingest(t, st, base)
	v0, before := version(t, st), storetest.All(t, st)

	killChild(t, childApply, "applying")

	if v := version(t, st); v != v0 {
		t.Errorf("version during the apply %s, want the previous %s", v, v0)
	}
	// Killed in the relationship phase: the node batches are applied, some
	// relationship batches too, not all.
	stages := cypher(t, st, `MATCH (s:KeiretsuStage) RETURN s.phase AS phase, count(s.applied) AS applied, count(s) AS n ORDER BY phase`)
	if len(stages) != 2 || stages[0]["applied"] != stages[0]["n"] || stages[1]["applied"] == int64(0) || stages[1]["applied"] == stages[1]["n"] {
		t.Errorf("staging nodes at the kill: %v, want the node phase applied and the relationship phase in part", stages)
	}
	// A scan waits for the marker, takes over the expired lease and finishes.
	storetest.All(t, st)
	got := state(t, st)
	recs := childRecords(200)
	if len(got.Records) != len(before)+len(recs)-1 {
		t.Errorf("%d records after roll-forward, want %d", len(got.Records), len(before)+len(recs)-1)
	}
	var all []*model.Record
	if _, err := st.Scan(context.Background(), func(r *model.Record) error { c := *r; all = append(all, &c); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := expected(all); got.Version != want {
		t.Errorf("version after roll-forward %s, want %s", got.Version, want)
	}
	if got.Stages != 0 {
		t.Errorf("%d staging nodes left after roll-forward", got.Stages)
	}

	// The same run, not killed, leaves the same graph.
	ref := open(t, childConfig())
	defer ref.Close()
	ingest(t, ref, base)
	var ws []write
	for _, r := range recs {
		ws = append(ws, write{put: r})
	}
	apply(t, ref, ws)
	want := state(t, ref)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rolled-forward run differs from a run that was not killed (-want +got):\n%s", diff)
	}
}
