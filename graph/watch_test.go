package graph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/graph"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// fakeWatching is Views with watches and events held in slices.
type fakeWatching struct {
	graph.ViewFunc
	watches []watch.Watch
	events  []*watch.Event
	err     error
	asked   [][2]int // the (since, limit) of each Events call
}

func (f *fakeWatching) Watches(context.Context) ([]watch.Watch, error) { return f.watches, f.err }

func (f *fakeWatching) Events(_ context.Context, since, limit int) ([]*watch.Event, error) {
	f.asked = append(f.asked, [2]int{since, limit})
	var out []*watch.Event
	for _, e := range f.events {
		if e.Seq > since && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, f.err
}

func watching() *fakeWatching {
	v := world()
	after, run := "CLEAR", 2
	return &fakeWatching{
		ViewFunc: func() graph.View { return v },
		watches: []watch.Watch{
			{ID: "w1", Subject: "p1", Kind: "product", Regimes: []string{}, AsOf: "today"},
			{ID: "w3", Subject: "sub", Kind: "entity", Regimes: []string{"US-OFAC-SDN"}, AsOf: "2024-05-01"},
		},
		events: []*watch.Event{
			{Seq: 1, Time: "2030-01-01T00:00:00Z", Watch: "w1", Subject: "p1", Regime: "US-OFAC-SDN", AsOf: "2030-01-01",
				Kind: "IMPROVED", Before: "EXPOSED", After: &after, DataVersionBefore: "v1", DataVersion: "v2", Run: &run,
				FindingsAdded:   []watch.EventFinding{},
				FindingsRemoved: []watch.EventFinding{{Entity: "sub", Verdict: "EXPOSED", Basis: "OWNERSHIP", ListedEntity: "parent"}},
				GapsOpened:      []string{}, GapsClosed: []string{"p9"}},
			{Seq: 2, Time: "2030-01-02T00:00:00Z", Watch: "w3", Subject: "sub", Regime: "US-OFAC-SDN", AsOf: "2024-05-01",
				Kind: "GONE", Before: "EXPOSED", DataVersionBefore: "v2", DataVersion: "v3",
				FindingsAdded: []watch.EventFinding{}, FindingsRemoved: []watch.EventFinding{}, GapsOpened: []string{}, GapsClosed: []string{}},
		},
	}
}

// TestWatchesAndEvents: watches and events are the Views' and render every
// field of the contract's Event; events pass since and limit (defaults 0 and
// 100) and refuse a negative limit.
func TestWatchesAndEvents(t *testing.T) {
	f := watching()
	h := newHandler(f)
	got := post(t, h, `{ watches { id subject kind regimes asOf } }`, nil)
	want := `{"watches":[{"asOf":"today","id":"w1","kind":"product","regimes":[],"subject":"p1"},` +
		`{"asOf":"2024-05-01","id":"w3","kind":"entity","regimes":["US-OFAC-SDN"],"subject":"sub"}]}`
	if d := cmp.Diff(want, jsonOf(got.Data)); d != "" || len(got.Errors) > 0 {
		t.Errorf("watches %v (-want +got):\n%s", got.Errors, d)
	}
	const fields = `seq time watch subject regime asOf kind before after dataVersionBefore dataVersion run
		findingsAdded { entity verdict basis listedEntity } findingsRemoved { entity verdict basis listedEntity } gapsOpened gapsClosed`
	got = post(t, h, `{ events { `+fields+` } }`, nil)
	want = `{"events":[{"after":"CLEAR","asOf":"2030-01-01","before":"EXPOSED","dataVersion":"v2","dataVersionBefore":"v1",` +
		`"findingsAdded":[],"findingsRemoved":[{"basis":"OWNERSHIP","entity":"sub","listedEntity":"parent","verdict":"EXPOSED"}],` +
		`"gapsClosed":["p9"],"gapsOpened":[],"kind":"IMPROVED","regime":"US-OFAC-SDN","run":2,"seq":1,"subject":"p1",` +
		`"time":"2030-01-01T00:00:00Z","watch":"w1"},` +
		`{"after":null,"asOf":"2024-05-01","before":"EXPOSED","dataVersion":"v3","dataVersionBefore":"v2","findingsAdded":[],` +
		`"findingsRemoved":[],"gapsClosed":[],"gapsOpened":[],"kind":"GONE","regime":"US-OFAC-SDN","run":null,"seq":2,` +
		`"subject":"sub","time":"2030-01-02T00:00:00Z","watch":"w3"}]}`
	if d := cmp.Diff(want, jsonOf(got.Data)); d != "" || len(got.Errors) > 0 {
		t.Errorf("events %v (-want +got):\n%s", got.Errors, d)
	}
	got = post(t, h, `{ events(since: 1, limit: 5) { seq } }`, nil)
	if s := jsonOf(got.Data); s != `{"events":[{"seq":2}]}` {
		t.Errorf("events after 1: %s %v", s, got.Errors)
	}
	if d := cmp.Diff([][2]int{{0, 100}, {1, 5}}, f.asked); d != "" {
		t.Errorf("since and limit asked (-want +got):\n%s", d)
	}
	got = post(t, h, `{ events(limit: -1) { seq } }`, nil)
	if len(got.Errors) != 1 || got.Data != nil {
		t.Errorf("a negative limit: %+v %v", got.Errors, got.Data)
	}
	if got := post(t, h, `{ events(limit: 0) { seq } }`, nil); jsonOf(got.Data) != `{"events":[]}` {
		t.Errorf("limit 0: %s", jsonOf(got.Data))
	}
	f.err = errors.New("bookkeeping unreadable")
	if got := post(t, h, `{ watches { id } }`, nil); len(got.Errors) != 1 {
		t.Errorf("a failing store: %+v", got)
	}
}

// TestEventsWithoutWatching: Views that keep no watches list none.
func TestEventsWithoutWatching(t *testing.T) {
	v := world()
	got := post(t, newHandler(graph.ViewFunc(func() graph.View { return v })), `{ watches { id } events { seq } }`, nil)
	if s := jsonOf(got.Data); s != `{"events":[],"watches":[]}` || len(got.Errors) > 0 {
		t.Errorf("%s %v", s, got.Errors)
	}
}

// TestDamagedEventIsAnError: an event whose kind or verdict the schema does
// not know is an error, not a made-up value.
func TestDamagedEventIsAnError(t *testing.T) {
	f := watching()
	f.events[0].Kind = "SIDEWAYS"
	got := post(t, newHandler(f), `{ events { seq kind } }`, nil)
	if len(got.Errors) != 1 {
		t.Errorf("a damaged event: %+v", got)
	}
}
