package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNeo4jReplicas: two serve processes over one Neo4j (replicas behind a load
// balancer) while a third process ingests run after run. Every answer either
// replica gives is the verdict of the dataVersion it names (a committed state,
// never a mix), each replica reaches every committed dataVersion, and at the end
// both give byte-identical answers. The lag from a run's commit (its ingest
// exiting) to each replica serving its dataVersion is logged, not asserted.
func TestNeo4jReplicas(t *testing.T) {
	store := neo4jArgs(t)
	r := keiretsu(t, verdictData, append([]string{"ingest"}, append(store, "-")...)...)
	m := versionIn.FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("first ingest: %d %s %s", r.code, r.stdout, r.stderr)
	}
	follow := []string{"--follow", "100ms"}
	replicas := []string{
		startServe(t, append(slices.Clone(store), follow...)...),
		startServe(t, append(slices.Clone(store), follow...)...),
	}

	// want maps each committed dataVersion to sub's verdict in it.
	var mu sync.Mutex
	want := map[string]string{m[1]: "EXPOSED"}
	type answer struct{ verdict, version string }
	var answers []answer
	var failures []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for {
				select {
				case <-stop:
					return
				default:
				}
				verdict, version, err := screenSub(client, replicas[i%len(replicas)])
				mu.Lock()
				if err != nil {
					failures = append(failures, err.Error())
				} else {
					answers = append(answers, answer{verdict, version})
				}
				mu.Unlock()
			}
		}()
	}

	// Each run moves listed's share of sub across 50% (EXPOSED <-> CLEAR) and
	// adds an entity, so that every run has a dataVersion of its own.
	const runs = 6
	lags := make([][]time.Duration, len(replicas))
	for i := range runs {
		percent, verdict := 40, "CLEAR"
		if i%2 == 1 {
			percent, verdict = 60, "EXPOSED"
		}
		run := fmt.Sprintf(`{"kind":"ownership","owner":"listed","owned":"sub","percent":%d}
{"kind":"entity","id":"run-%d","name":"Run %d"}
`, percent, i, i)
		r := keiretsu(t, run, append([]string{"ingest"}, append(store, "-")...)...)
		committed := time.Now()
		m := versionIn.FindStringSubmatch(r.stdout)
		if r.code != 0 || m == nil {
			t.Fatalf("run %d: %d %s %s", i, r.code, r.stdout, r.stderr)
		}
		mu.Lock()
		want[m[1]] = verdict
		mu.Unlock()
		for j, addr := range replicas {
			client := &http.Client{Timeout: 10 * time.Second}
			deadline := committed.Add(30 * time.Second)
			for {
				if _, version, err := screenSub(client, addr); err == nil && version == m[1] {
					lags[j] = append(lags[j], time.Since(committed))
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("replica %d did not reach run %d's dataVersion %s", j, i, m[1])
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	close(stop)
	wg.Wait()

	if len(failures) > 0 {
		t.Errorf("%d failed requests, first: %s", len(failures), failures[0])
	}
	seen := map[string]int{}
	for _, a := range answers {
		w, ok := want[a.version]
		if !ok || w != a.verdict {
			t.Errorf("an answer %s for dataVersion %s, which is %q", a.verdict, a.version, w)
			break
		}
		seen[a.version]++
	}
	if len(seen) < 2 {
		t.Errorf("the clients saw %d dataVersions in %d answers, want the replicas to move while serving", len(seen), len(answers))
	}

	// Both replicas give the same bytes for the same questions.
	queries := []string{
		`{ screenEntity(id: "sub", asOf: "2024-01-01") { verdict results { regime { id } verdict findings { basis listedEntity { id } path { kind from to percent source } } } dataVersion } }`,
		`{ screenEntity(id: "maybe", asOf: "2024-01-01") { verdict results { verdict findings { basis aggregatePercent } } dataVersion } }`,
		`{ screenProduct(id: "box", asOf: "2024-01-01") { verdict results { verdict } gaps { productId reason } dataVersion } }`,
		`{ search(text: "run", limit: 10) { id name kind score } }`,
		`{ entity(id: "listed") { owned { owned { id } percent from to } } }`,
	}
	for _, q := range queries {
		a, b := post(t, replicas[0], q), post(t, replicas[1], q)
		if a != b || strings.Contains(a, `"errors"`) {
			t.Errorf("the replicas differ on %s:\n%s\n%s", q, a, b)
		}
	}
	for j, l := range lags {
		slices.Sort(l)
		t.Logf("replica %d: lag from commit to serving the new dataVersion over %d runs: median %v, max %v (follow 100ms)",
			j, len(l), l[len(l)/2].Round(time.Millisecond), l[len(l)-1].Round(time.Millisecond))
	}
	t.Logf("%d answers over %d dataVersions", len(answers), len(seen))
}
