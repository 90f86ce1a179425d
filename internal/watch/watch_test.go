package watch_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// harness is a fresh store of one kind, and a way to open more handles on it
// (other processes).
type harness struct {
	st store.Store
	// others closes st when the store allows a single writer (embedded) and
	// returns n new handles on the same data, closed when the test ends.
	others func(n int) []store.Store
}

type suiteCase struct {
	name string
	fn   func(t *testing.T, h *harness)
}

// runSuite runs each case on a fresh embedded store and, when
// $KEIRETSU_NEO4J_URI names one, on a wiped Neo4j.
func runSuite(t *testing.T, cases []suiteCase) {
	t.Run("embedded", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				dir := t.TempDir()
				st, err := embedded.Open(dir, embedded.Options{})
				if err != nil {
					t.Fatal(err)
				}
				closed := false
				t.Cleanup(func() {
					if !closed {
						st.Close()
					}
				})
				h := &harness{st: st}
				h.others = func(n int) []store.Store {
					if !closed {
						closed = true
						st.Close()
					}
					var out []store.Store
					for range n {
						o, err := embedded.Open(dir, embedded.Options{ReadOnly: true})
						if err != nil {
							t.Fatal(err)
						}
						t.Cleanup(func() { o.Close() })
						out = append(out, o)
					}
					return out
				}
				tc.fn(t, h)
			})
		}
	})
	t.Run("neo4j", func(t *testing.T) {
		if os.Getenv(neo4jtest.EnvURI) == "" {
			t.Skipf("set %s to run on Neo4j", neo4jtest.EnvURI)
		}
		neo4jtest.Lock(t)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				st := neo4jtest.Open(t, neo4j.Config{Log: zerolog.Nop()})
				t.Cleanup(func() { st.Close() })
				if err := st.Wipe(context.Background()); err != nil {
					t.Fatal(err)
				}
				h := &harness{st: st}
				h.others = func(n int) []store.Store {
					var out []store.Store
					for range n {
						o := neo4jtest.Open(t, neo4j.Config{Log: zerolog.Nop()})
						t.Cleanup(func() { o.Close() })
						out = append(out, o)
					}
					return out
				}
				tc.fn(t, h)
			})
		}
	})
}

func TestWatches(t *testing.T) {
	runSuite(t, []suiteCase{
		{"AddListRemove", testAddListRemove},
		{"EventKinds", testEventKinds},
		{"KilledBeforeEvents", testKilledBeforeEvents},
		{"ExactlyOnce", testExactlyOnce},
		{"DayChange", testDayChange},
		{"ReverseIndex", testReverseIndex},
	})
}

// base is the first run of most tests: under US-OFAC-SDN, p1 is EXPOSED
// through s1 (60% owned by L), p2 and s2 are CLEAR, p3 has no source (a gap).
const base = `{"kind":"entity","id":"L","name":"Listed"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"L"}
{"kind":"entity","id":"M","name":"Also Listed"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"M"}
{"kind":"entity","id":"s1","name":"Sub One"}
{"kind":"ownership","owner":"L","owned":"s1","percent":60}
{"kind":"entity","id":"s2","name":"Clean Two"}
{"kind":"entity","id":"s3","name":"Sub Three"}
{"kind":"ownership","owner":"M","owned":"s3","percent":70}
{"kind":"product","id":"p1","name":"P1"}
{"kind":"sourcing","product":"p1","entity":"s1"}
{"kind":"product","id":"p2","name":"P2"}
{"kind":"sourcing","product":"p2","entity":"s2"}
{"kind":"product","id":"p3","name":"P3"}
`

const ofac = "US-OFAC-SDN"

// commit commits one run of native JSONL through load.Recorded, recording its
// events with ev, and returns the new dataVersion and the error (which wraps
// load.ErrEvents when the run committed without its events).
func commit(t *testing.T, st store.Store, jsonl string, ev watch.Options) (string, error) {
	t.Helper()
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	src := native.NewReader("run.jsonl", strings.NewReader(jsonl), set.Has)
	sum, err := load.Recorded(context.Background(), st, history.Info{Files: []string{"run.jsonl"}}, []ingest.Source{src}, load.Options{Events: ev})
	return sum.Version.String(), err
}

func mustCommit(t *testing.T, st store.Store, jsonl string) string {
	t.Helper()
	v, err := commit(t, st, jsonl, watch.Options{})
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	return v
}

// killed is how a process that was killed between its commit and its events
// leaves the store: the events cannot be recorded.
var killed = watch.Options{Engine: func(context.Context, string) (*rules.Engine, error) {
	return nil, errors.New("killed")
}}

func add(t *testing.T, st store.Store, specs ...watch.Spec) []watch.Watch {
	t.Helper()
	ws, err := watch.Add(context.Background(), st, specs, watch.Options{})
	if err != nil {
		t.Fatalf("watch add: %v", err)
	}
	return ws
}

func events(t *testing.T, st store.Store, since int) []watch.Event {
	t.Helper()
	raw, err := watch.Events(context.Background(), st, since, -1)
	if err != nil {
		t.Fatal(err)
	}
	out := []watch.Event{}
	for _, r := range raw {
		e, err := watch.Decode(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *e)
	}
	return out
}

func product(id string, regimes ...string) watch.Spec {
	return watch.Spec{Kind: watch.KindProduct, Subject: id, Regimes: regimes, AsOf: watch.Today}
}

func entity(id string, regimes ...string) watch.Spec {
	return watch.Spec{Kind: watch.KindEntity, Subject: id, Regimes: regimes, AsOf: watch.Today}
}

func testAddListRemove(t *testing.T, h *harness) {
	ctx := context.Background()
	st := h.st
	if ws, err := watch.List(ctx, st); err != nil || len(ws) != 0 {
		t.Fatalf("a new store's watches: %v %v", ws, err)
	}
	mustCommit(t, st, base)
	bad := []struct {
		name string
		spec watch.Spec
		want error
	}{
		{"unknown product", product("nope"), model.ErrNotFound},
		{"unknown entity", entity("nope"), model.ErrNotFound},
		{"a product id as an entity", entity("p1"), model.ErrNotFound},
		{"unknown regime", product("p1", "NO-SUCH-REGIME"), model.ErrBadInput},
		{"bad day rule", watch.Spec{Kind: watch.KindProduct, Subject: "p1", AsOf: "yesterday"}, model.ErrBadInput},
		{"bad kind", watch.Spec{Kind: "person", Subject: "s1", AsOf: watch.Today}, model.ErrBadInput},
	}
	for _, b := range bad {
		// A good spec before the bad one: nothing of the call is added.
		if _, err := watch.Add(ctx, st, []watch.Spec{product("p2"), b.spec}, watch.Options{}); !errors.Is(err, b.want) {
			t.Errorf("%s: %v, want %v", b.name, err, b.want)
		}
	}
	if ws, _ := watch.List(ctx, st); len(ws) != 0 {
		t.Fatalf("failed adds added %v", ws)
	}
	ws := add(t, st, product("p1"), entity("s2", ofac), watch.Spec{Kind: watch.KindProduct, Subject: "p3", AsOf: "2024-05-01"})
	want := []watch.Watch{
		{ID: "w1", Subject: "p1", Kind: "product", Regimes: []string{}, AsOf: "today"},
		{ID: "w2", Subject: "s2", Kind: "entity", Regimes: []string{ofac}, AsOf: "today"},
		{ID: "w3", Subject: "p3", Kind: "product", Regimes: []string{}, AsOf: "2024-05-01"},
	}
	if d := cmp.Diff(want, ws); d != "" {
		t.Errorf("added (-want +got):\n%s", d)
	}
	got, err := watch.List(ctx, st)
	if d := cmp.Diff(want, got); err != nil || d != "" {
		t.Errorf("list %v (-want +got):\n%s", err, d)
	}
	b, _ := json.Marshal(got[0])
	if string(b) != `{"id":"w1","subject":"p1","kind":"product","regimes":[],"asOf":"today"}` {
		t.Errorf("watch list --json object: %s", b)
	}
	if err := watch.Remove(ctx, st, []string{"w2", "w9"}); !errors.Is(err, watch.ErrNoWatch) {
		t.Errorf("remove of an unknown id: %v", err)
	}
	if err := watch.Remove(ctx, st, []string{"x"}); !errors.Is(err, watch.ErrNoWatch) {
		t.Errorf("remove of a malformed id: %v", err)
	}
	if got, _ := watch.List(ctx, st); len(got) != 3 {
		t.Errorf("a failed remove removed: %v", got)
	}
	if err := watch.Remove(ctx, st, []string{"w2"}); err != nil {
		t.Fatal(err)
	}
	// Ids are never given again.
	ws = add(t, st, product("p2"))
	got, _ = watch.List(ctx, st)
	if len(got) != 3 || got[0].ID != "w1" || got[1].ID != "w3" || got[2].ID != "w4" || ws[0].ID != "w4" {
		t.Errorf("after removing w2 and adding one: %v", got)
	}
	// A new watch records no event; a removed watch has none either.
	mustCommit(t, st, `{"kind":"sourcing","product":"p2","entity":"s3"}`+"\n")
	evs := events(t, st, 0)
	if len(evs) == 0 || evs[len(evs)-1].Watch != "w4" {
		t.Fatalf("p2's watch got no event when p2 worsened: %v", evs)
	}
	for _, e := range evs {
		if e.Watch == "w2" {
			t.Errorf("an event for a removed watch: %+v", e)
		}
	}
}

// eventKey is what a test compares of an event.
type eventKey struct {
	Seq             int
	Watch, Regime   string
	Kind, Before    string
	After           string
	Run             int // 0: a change of day
	FindingsAdded   []watch.EventFinding
	FindingsRemoved []watch.EventFinding
	GapsOpened      []string
	GapsClosed      []string
}

func key(e watch.Event) eventKey {
	k := eventKey{Seq: e.Seq, Watch: e.Watch, Regime: e.Regime, Kind: e.Kind, Before: e.Before,
		FindingsAdded: e.FindingsAdded, FindingsRemoved: e.FindingsRemoved, GapsOpened: e.GapsOpened, GapsClosed: e.GapsClosed}
	if e.After != nil {
		k.After = *e.After
	} else {
		k.After = "null"
	}
	if e.Run != nil {
		k.Run = *e.Run
	}
	return k
}

func finding(ent, verdict, basis, listed string) watch.EventFinding {
	return watch.EventFinding{Entity: ent, Verdict: verdict, Basis: basis, ListedEntity: listed}
}

var none = []watch.EventFinding{}

// testEventKinds: each run's events are those of the watches whose screening
// it changed, of every kind, with their findings and gaps, versions and run.
func testEventKinds(t *testing.T, h *harness) {
	st := h.st
	v := mustCommit(t, st, base)
	add(t, st, product("p1", ofac), product("p2", ofac), entity("s2", ofac), product("p3", ofac))
	if evs := events(t, st, 0); len(evs) != 0 {
		t.Fatalf("new watches recorded events: %v", evs)
	}
	s1L := finding("s1", "EXPOSED", "OWNERSHIP", "L")
	s3M := finding("s3", "EXPOSED", "OWNERSHIP", "M")
	s3L := finding("s3", "EXPOSED", "OWNERSHIP", "L")
	steps := []struct {
		name, run string
		want      []eventKey
	}{
		{"a share below the threshold", `{"kind":"ownership","owner":"L","owned":"s1","percent":40}`,
			[]eventKey{{Watch: "w1", Kind: "IMPROVED", Before: "EXPOSED", After: "CLEAR", FindingsRemoved: []watch.EventFinding{s1L}, FindingsAdded: none}}},
		{"a new source", `{"kind":"sourcing","product":"p2","entity":"s3"}`,
			[]eventKey{{Watch: "w2", Kind: "WORSENED", Before: "CLEAR", After: "EXPOSED", FindingsAdded: []watch.EventFinding{s3M}, FindingsRemoved: none}}},
		{"another owner, the same verdict", `{"op":"delete","kind":"ownership","owner":"M","owned":"s3"}
{"kind":"ownership","owner":"L","owned":"s3","percent":70}`,
			[]eventKey{{Watch: "w2", Kind: "CHANGED", Before: "EXPOSED", After: "EXPOSED", FindingsAdded: []watch.EventFinding{s3L}, FindingsRemoved: []watch.EventFinding{s3M}}}},
		{"a gap closed", `{"kind":"sourcing","product":"p3","entity":"s2"}`,
			[]eventKey{{Watch: "w4", Kind: "IMPROVED", Before: "UNKNOWN", After: "CLEAR", FindingsAdded: none, FindingsRemoved: none, GapsClosed: []string{"p3"}}}},
		{"the subject deleted", `{"op":"delete","kind":"product","id":"p2"}`,
			[]eventKey{{Watch: "w2", Kind: "GONE", Before: "EXPOSED", After: "null", FindingsAdded: none, FindingsRemoved: []watch.EventFinding{s3L}}}},
		{"a gone subject's watch is quiet", `{"kind":"entity","id":"s2","name":"Clean Two Renamed"}
{"kind":"ownership","owner":"L","owned":"s3","percent":80}`, nil},
		{"the subject back", `{"kind":"product","id":"p2","name":"P2 again"}`,
			[]eventKey{{Watch: "w2", Kind: "WORSENED", Before: "UNKNOWN", After: "EXPOSED", FindingsAdded: []watch.EventFinding{s3L}, FindingsRemoved: none}}},
		{"a gap opened", `{"op":"delete","kind":"sourcing","product":"p3","entity":"s2"}`,
			[]eventKey{{Watch: "w4", Kind: "WORSENED", Before: "CLEAR", After: "UNKNOWN", FindingsAdded: none, FindingsRemoved: none, GapsOpened: []string{"p3"}}}},
		{"nothing watched changes", `{"kind":"entity","id":"z","name":"Unrelated"}`, nil},
	}
	last := 0
	for i, s := range steps {
		before := v
		v = mustCommit(t, st, s.run+"\n")
		got := events(t, st, last)
		var keys []eventKey
		for _, e := range got {
			keys = append(keys, key(e))
			if e.DataVersionBefore != before || e.DataVersion != v || e.Subject == "" || e.AsOf != model.Today().String() || e.Time == "" {
				t.Errorf("%s: event %+v, want versions %s -> %s, as of today", s.name, e, before, v)
			}
		}
		for j := range s.want {
			s.want[j].Seq, s.want[j].Regime, s.want[j].Run = last+j+1, ofac, i+2
			if s.want[j].GapsOpened == nil {
				s.want[j].GapsOpened = []string{}
			}
			if s.want[j].GapsClosed == nil {
				s.want[j].GapsClosed = []string{}
			}
		}
		if d := cmp.Diff(s.want, keys); d != "" {
			t.Errorf("run %d, %s (-want +got):\n%s", i+2, s.name, d)
		}
		if len(got) > 0 {
			last = got[len(got)-1].Seq
		}
	}
	// The JSON object of an event has every field of the contract, GONE's
	// after null.
	raw, _ := watch.Events(context.Background(), st, 4, 1)
	var obj map[string]any
	if len(raw) != 1 || json.Unmarshal(raw[0], &obj) != nil {
		t.Fatalf("event 5: %s", raw)
	}
	for _, f := range []string{"seq", "time", "watch", "subject", "regime", "asOf", "kind", "before", "after", "dataVersionBefore",
		"dataVersion", "run", "findingsAdded", "findingsRemoved", "gapsOpened", "gapsClosed"} {
		if _, ok := obj[f]; !ok {
			t.Errorf("event object lacks %q: %s", f, raw[0])
		}
	}
	if obj["kind"] != "GONE" || obj["after"] != nil {
		t.Errorf("event 5: %s", raw[0])
	}
}

// testKilledBeforeEvents: runs committed by processes that recorded no events
// (killed before) get theirs from the next process, run by run, in order:
// two runs that undo each other give two events, not none.
func testKilledBeforeEvents(t *testing.T, h *harness) {
	v1 := mustCommit(t, h.st, base)
	add(t, h.st, product("p1", ofac), product("p2", ofac))
	v2, err := commit(t, h.st, `{"kind":"ownership","owner":"L","owned":"s1","percent":40}`+"\n", killed)
	if !errors.Is(err, load.ErrEvents) {
		t.Fatalf("a run whose events fail: %v, want load.ErrEvents", err)
	}
	v3, err := commit(t, h.st, `{"kind":"ownership","owner":"L","owned":"s1","percent":60}`+"\n", killed)
	if !errors.Is(err, load.ErrEvents) {
		t.Fatalf("a run whose events fail: %v", err)
	}
	ctx := context.Background()
	// Both runs committed.
	runs, err := history.Runs(ctx, h.st)
	if err != nil || len(runs) != 3 || runs[1].DataVersion != v2 || runs[2].DataVersion != v3 {
		t.Fatalf("run log: %+v %v", runs, err)
	}
	if cur, _ := h.st.Version(ctx); cur.String() != v3 {
		t.Fatalf("version %s, want %s", cur, v3)
	}
	if evs := events(t, h.st, 0); len(evs) != 0 {
		t.Fatalf("events recorded by killed processes: %v", evs)
	}
	later := h.others(1)[0]
	if err := watch.AfterCommit(ctx, later, watch.Options{}); err != nil {
		t.Fatal(err)
	}
	got := events(t, later, 0)
	var keys []eventKey
	for _, e := range got {
		keys = append(keys, key(e))
	}
	s1L := []watch.EventFinding{finding("s1", "EXPOSED", "OWNERSHIP", "L")}
	want := []eventKey{
		{Seq: 1, Watch: "w1", Regime: ofac, Kind: "IMPROVED", Before: "EXPOSED", After: "CLEAR", Run: 2, FindingsAdded: none, FindingsRemoved: s1L, GapsOpened: []string{}, GapsClosed: []string{}},
		{Seq: 2, Watch: "w1", Regime: ofac, Kind: "WORSENED", Before: "CLEAR", After: "EXPOSED", Run: 3, FindingsAdded: s1L, FindingsRemoved: none, GapsOpened: []string{}, GapsClosed: []string{}},
	}
	if d := cmp.Diff(want, keys); d != "" {
		t.Fatalf("caught-up events (-want +got):\n%s", d)
	}
	if got[0].DataVersionBefore != v1 || got[0].DataVersion != v2 || got[1].DataVersionBefore != v2 || got[1].DataVersion != v3 {
		t.Errorf("versions: %+v, want %s -> %s -> %s", got, v1, v2, v3)
	}
	if err := watch.AfterCommit(ctx, later, watch.Options{}); err != nil {
		t.Fatal(err)
	}
	if n := len(events(t, later, 0)); n != 2 {
		t.Errorf("a second AfterCommit recorded again: %d events", n)
	}
}

// testExactlyOnce: processes recording the same missing events at the same
// time (two servers following one store, each calling AfterCommit from
// several goroutines) record each once.
func testExactlyOnce(t *testing.T, h *harness) {
	mustCommit(t, h.st, base)
	add(t, h.st, product("p1", ofac), product("p2", ofac), entity("s1", ofac))
	const runs = 4
	for i := range runs {
		pct := []string{"40", "60"}[i%2]
		if _, err := commit(t, h.st, `{"kind":"ownership","owner":"L","owned":"s1","percent":`+pct+"}\n", killed); !errors.Is(err, load.ErrEvents) {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for _, o := range h.others(2) {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- watch.AfterCommit(ctx, o, watch.Options{})
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("AfterCommit: %v", err)
		}
	}
	got := events(t, h.others(1)[0], 0)
	// p1 and s1 change at every run; p2 never.
	if len(got) != 2*runs {
		t.Fatalf("%d events, want %d: %+v", len(got), 2*runs, got)
	}
	seen := map[string]bool{}
	for i, e := range got {
		k := e.Watch + " " + e.Regime + " " + strings.Repeat("I", *e.Run)
		if seen[k] || e.Seq != i+1 || *e.Run != 2+i/2 || e.Watch == "w2" {
			t.Errorf("event %d: %+v (a duplicate, out of order, or p2's)", i, e)
		}
		seen[k] = true
	}
}

// testDayChange: a today watch is screened again at each change of the UTC
// day, forwards or backwards (once however many days passed), with run null;
// a watch of a fixed day is not; a run committed on a later day records the
// day change first.
func testDayChange(t *testing.T, h *harness) {
	t.Setenv("KEIRETSU_NOW", "2030-01-01T10:00:00Z")
	st := h.st
	v1 := mustCommit(t, st, base+`{"kind":"ownership","owner":"M","owned":"s2","percent":90,"to":"2030-01-03"}`+"\n")
	add(t, st, product("p2", ofac), watch.Spec{Kind: watch.KindProduct, Subject: "p2", Regimes: []string{ofac}, AsOf: "2030-01-01"})
	ctx := context.Background()
	record := func() []watch.Event {
		t.Helper()
		if err := watch.AfterCommit(ctx, st, watch.Options{}); err != nil {
			t.Fatal(err)
		}
		return events(t, st, 0)
	}
	if evs := record(); len(evs) != 0 {
		t.Fatalf("the same day: %v", evs)
	}
	t.Setenv("KEIRETSU_NOW", "2030-01-05T00:00:01Z")
	evs := record()
	if len(evs) != 1 {
		t.Fatalf("after four days: %+v, want one event", evs)
	}
	e := evs[0]
	if e.Watch != "w1" || e.Kind != "IMPROVED" || e.Run != nil || e.AsOf != "2030-01-05" || e.DataVersionBefore != v1 ||
		e.DataVersion != v1 || e.Time != "2030-01-05T00:00:01Z" || *e.After != "CLEAR" {
		t.Errorf("day-change event %+v", e)
	}
	if evs := record(); len(evs) != 1 {
		t.Errorf("the same day again: %+v", evs)
	}
	t.Setenv("KEIRETSU_NOW", "2030-01-02T08:00:00Z")
	evs = record()
	if len(evs) != 2 || evs[1].Kind != "WORSENED" || evs[1].AsOf != "2030-01-02" || evs[1].Run != nil {
		t.Fatalf("a day backwards: %+v", evs)
	}
	// A run on another day: the day's event first (run null), then the run's.
	t.Setenv("KEIRETSU_NOW", "2030-01-04T08:00:00Z")
	mustCommit(t, st, `{"kind":"sourcing","product":"p2","entity":"s1"}`+"\n")
	evs = events(t, st, 2)
	if len(evs) != 3 || evs[0].Run != nil || evs[0].Kind != "IMPROVED" || evs[0].Watch != "w1" ||
		*evs[1].Run != 2 || evs[1].Kind != "WORSENED" || *evs[2].Run != 2 || evs[2].Watch != "w2" {
		t.Errorf("a run on a later day: %+v", evs)
	}
}

// testReverseIndex: a run screens again only the watches whose subjects
// depend on what it changed.
func testReverseIndex(t *testing.T, h *harness) {
	st := h.st
	mustCommit(t, st, base+`{"kind":"product","id":"box","name":"Box"}
{"kind":"component","parent":"box","child":"p2"}
{"kind":"entity","id":"parent","name":"Parent of L"}
{"kind":"ownership","owner":"parent","owned":"L","percent":100}
`)
	add(t, st, product("p1", ofac), product("p2", ofac), entity("s2", ofac), product("box", ofac), entity("s3", ofac), product("p3", ofac))
	var mu sync.Mutex
	var screened [][]string
	opt := watch.Options{Screening: func(ws []watch.Watch) {
		mu.Lock()
		defer mu.Unlock()
		var ids []string
		for _, w := range ws {
			ids = append(ids, w.ID)
		}
		screened = append(screened, ids)
	}}
	steps := []struct {
		name, run string
		want      []string
	}{
		{"an unrelated entity", `{"kind":"entity","id":"z","name":"Unrelated"}`, nil},
		{"a supplier's name: its products and the bills above", `{"kind":"entity","id":"s2","name":"Clean Two Renamed"}`, []string{"w2", "w3", "w4"}},
		{"an ownership edge above a supplier", `{"kind":"ownership","owner":"L","owned":"s1","percent":55}`, []string{"w1"}},
		{"a listing of an owner's owner", `{"kind":"listing","regime":"US-OFAC-SDN","entity":"parent"}`, []string{"w1"}},
		{"a product's name", `{"kind":"product","id":"p3","name":"P3 renamed"}`, []string{"w6"}},
		{"a component edge", `{"kind":"component","parent":"box","child":"p1"}`, []string{"w4"}},
	}
	for _, s := range steps {
		screened = nil
		if _, err := commit(t, st, s.run+"\n", opt); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		var got []string
		if len(screened) > 0 {
			got = screened[0]
		}
		if len(screened) > 1 {
			t.Errorf("%s: %d steps", s.name, len(screened))
		}
		if d := cmp.Diff(s.want, got); d != "" {
			t.Errorf("%s: watches screened (-want +got):\n%s", s.name, d)
		}
	}
}
