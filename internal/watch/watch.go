package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/store"
)

// Bookkeeping buckets (see the package documentation).
const (
	bucketWatch   = "watch"
	bucketLast    = "watch.last"
	bucketEvent   = "event"
	bucketState   = "watch.state"
	bucketWebhook = "webhook"
	keyState      = "state"
)

// Today is the day rule of a watch screened as of the current day.
const Today = "today"

// Watch is one watch, as `keiretsu watch list --json` prints it.
type Watch struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
	// Kind is "product" or "entity".
	Kind string `json:"kind"`
	// Regimes are the regimes screened; empty: the default ones at each
	// screening.
	Regimes []string `json:"regimes"`
	// AsOf is Today or a date (YYYY-MM-DD).
	AsOf string `json:"asOf"`
}

// Kinds of subject.
const (
	KindProduct = "product"
	KindEntity  = "entity"
)

// Event is one change of a watch's screening under one regime, as `keiretsu
// events --json` prints it and webhooks receive it.
type Event struct {
	Seq     int    `json:"seq"`
	Time    string `json:"time"`
	Watch   string `json:"watch"`
	Subject string `json:"subject"`
	Regime  string `json:"regime"`
	AsOf    string `json:"asOf"`
	// Kind is WORSENED, IMPROVED, CHANGED or GONE.
	Kind   string `json:"kind"`
	Before string `json:"before"`
	// After is nil for GONE.
	After             *string        `json:"after"`
	DataVersionBefore string         `json:"dataVersionBefore"`
	DataVersion       string         `json:"dataVersion"`
	Run               *int           `json:"run"`
	FindingsAdded     []EventFinding `json:"findingsAdded"`
	FindingsRemoved   []EventFinding `json:"findingsRemoved"`
	GapsOpened        []string       `json:"gapsOpened"`
	GapsClosed        []string       `json:"gapsClosed"`
}

// EventFinding is a finding as events compare them.
type EventFinding struct {
	Entity       string `json:"entity"`
	Verdict      string `json:"verdict"`
	Basis        string `json:"basis"`
	ListedEntity string `json:"listedEntity"`
}

// Event kinds.
const (
	Worsened = "WORSENED"
	Improved = "IMPROVED"
	Changed  = "CHANGED"
	Gone     = "GONE"
)

// state is where recording stands.
type state struct {
	// Run is the last run whose events are recorded; Day the day the today
	// watches were last screened as of; Version the dataVersion every watch's
	// last screening was made on.
	Run     int    `json:"run"`
	Day     string `json:"day"`
	Version string `json:"version"`
	// Seq is the last event's; Next the last watch number given.
	Seq  int `json:"seq"`
	Next int `json:"next"`
	// Gen grows with every change of the watches, so that a step computed
	// over other watches is not recorded.
	Gen int `json:"gen"`
}

func numKey(n int) string { return fmt.Sprintf("%012d", n) }

// watchNum returns the number of a watch id ("w12" -> 12).
func watchNum(id string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "w"))
	return n, err == nil && strings.HasPrefix(id, "w") && n > 0
}

func readState(tx store.MetaTx) (state, bool, error) {
	var s state
	v, err := tx.Get(bucketState, keyState)
	if err != nil || v == nil {
		return s, false, err
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return s, false, fmt.Errorf("watch state: %w", err)
	}
	return s, true, nil
}

func writeState(tx store.MetaTx, s state) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return tx.Put(bucketState, keyState, b)
}

func readWatches(tx store.MetaTx) ([]Watch, error) {
	var out []Watch
	var bad error
	err := tx.Scan(bucketWatch, "", func(_ string, v []byte) bool {
		var w Watch
		if bad = json.Unmarshal(v, &w); bad != nil {
			return false
		}
		if w.Regimes == nil {
			w.Regimes = []string{}
		}
		out = append(out, w)
		return true
	})
	if err == nil {
		err = bad
	}
	return out, err
}

// List returns the watches, in the order they were added.
func List(ctx context.Context, st store.Store) ([]Watch, error) {
	var out []Watch
	err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
		var err error
		out, err = readWatches(tx)
		return err
	})
	if out == nil {
		out = []Watch{}
	}
	return out, err
}

// Spec is what a new watch follows.
type Spec struct {
	Kind    string
	Subject string
	Regimes []string
	AsOf    string // Today or YYYY-MM-DD
}

// ErrNoWatch is returned by Remove for an id that names no watch.
var ErrNoWatch = errors.New("no such watch")

// Add adds one watch per spec and records each one's first screening (no
// event), after recording the events that the store lacks. An unknown
// subject or regime, or a bad day rule, is model.ErrBadInput (model.ErrNotFound
// for the subject) and adds nothing.
func Add(ctx context.Context, st store.Store, specs []Spec, opt Options) ([]Watch, error) {
	opt = opt.withDefaults(st)
	for _, sp := range specs {
		if sp.Kind != KindProduct && sp.Kind != KindEntity {
			return nil, fmt.Errorf("%w: watch kind %q", model.ErrBadInput, sp.Kind)
		}
		if sp.AsOf != Today {
			if _, err := model.ParseDate(sp.AsOf); err != nil {
				return nil, fmt.Errorf("%w: --as-of %q is neither today nor a date (YYYY-MM-DD)", model.ErrBadInput, sp.AsOf)
			}
		}
	}
	for attempt := 0; ; attempt++ {
		if err := AfterCommit(ctx, st, opt); err != nil {
			return nil, err
		}
		var s state
		var runs []history.Run
		err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
			var err error
			s, _, err = readState(tx)
			return err
		})
		if err != nil {
			return nil, err
		}
		if runs, err = history.Runs(ctx, st); err != nil {
			return nil, err
		}
		cur, err := st.Version(ctx)
		if err != nil {
			return nil, err
		}
		eng, err := opt.Engine(ctx, cur.String())
		if err != nil {
			return nil, err
		}
		today := model.Today()
		var ws []Watch
		var screens []screening
		for i, sp := range specs {
			w := Watch{ID: "w" + strconv.Itoa(s.Next+1+i), Subject: sp.Subject, Kind: sp.Kind,
				Regimes: slices.Clone(sp.Regimes), AsOf: sp.AsOf}
			if w.Regimes == nil {
				w.Regimes = []string{}
			}
			for _, r := range w.Regimes {
				if !eng.Regimes().Has(r) {
					return nil, fmt.Errorf("%w: unknown regime %q", model.ErrBadInput, r)
				}
			}
			sc, err := screen(eng, w, today)
			if err != nil {
				return nil, err
			}
			if sc.Gone {
				return nil, fmt.Errorf("%w: %s %q", model.ErrNotFound, w.Kind, w.Subject)
			}
			ws, screens = append(ws, w), append(screens, sc)
		}
		lastRun := 0
		if len(runs) > 0 {
			lastRun = runs[len(runs)-1].Run
		}
		raced := false
		err = st.UpdateMeta(ctx, func(tx store.MetaTx) error {
			now, ok, err := readState(tx)
			if err != nil {
				return err
			}
			if !ok {
				// The first watch: recording starts with the current run and day.
				now = state{Run: lastRun, Day: today.String(), Version: cur.String()}
			}
			if now.Next != s.Next || now.Run != lastRun || now.Version != cur.String() {
				raced = true
				return nil
			}
			for i, w := range ws {
				b, err := json.Marshal(w)
				if err != nil {
					return err
				}
				n := now.Next + 1 + i
				if err := tx.Put(bucketWatch, numKey(n), b); err != nil {
					return err
				}
				if err := putScreening(tx, n, screens[i]); err != nil {
					return err
				}
			}
			now.Next += len(ws)
			now.Gen++
			return writeState(tx, now)
		})
		if err != nil {
			return nil, err
		}
		if !raced {
			return ws, nil
		}
		if attempt == maxAttempts {
			return nil, errors.New("watch add: the store kept changing")
		}
	}
}

// maxAttempts bounds how often a bookkeeping write that lost a race with
// another process is computed again.
const maxAttempts = 20

// Remove removes the watches with the ids; an unknown id is ErrNoWatch and
// removes nothing.
func Remove(ctx context.Context, st store.Store, ids []string) error {
	return st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		s, _, err := readState(tx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			n, ok := watchNum(id)
			var v []byte
			if ok {
				if v, err = tx.Get(bucketWatch, numKey(n)); err != nil {
					return err
				}
			}
			if v == nil {
				return fmt.Errorf("%w: %q", ErrNoWatch, id)
			}
			if err := tx.Delete(bucketWatch, numKey(n)); err != nil {
				return err
			}
			if err := tx.Delete(bucketLast, numKey(n)); err != nil {
				return err
			}
		}
		s.Gen++
		return writeState(tx, s)
	})
}

// Events returns up to limit events (limit < 0: all) with seq > since, oldest
// first, each as the JSON object `events --json` prints.
func Events(ctx context.Context, st store.Store, since, limit int) ([]json.RawMessage, error) {
	var out []json.RawMessage
	err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
		out = out[:0]
		return tx.Scan(bucketEvent, numKey(max(since, 0)+1), func(_ string, v []byte) bool {
			if limit >= 0 && len(out) >= limit {
				return false
			}
			out = append(out, json.RawMessage(v))
			return true
		})
	})
	if out == nil {
		out = []json.RawMessage{}
	}
	return out, err
}

// Decode parses an event as Events returns it.
func Decode(raw json.RawMessage) (*Event, error) {
	e := &Event{}
	if err := json.Unmarshal(raw, e); err != nil {
		return nil, fmt.Errorf("event: %w", err)
	}
	return e, nil
}

// screening is a watch's screening as events compare them.
type screening struct {
	// Gone: the subject did not exist.
	Gone bool `json:"gone,omitempty"`
	// Regimes are the regimes screened, in order, with their results.
	Regimes []string `json:"regimes,omitempty"`
	Results []result `json:"results,omitempty"`
	Gaps    []string `json:"gaps,omitempty"`
}

type result struct {
	Verdict  string         `json:"v"`
	Findings []EventFinding `json:"f,omitempty"`
}

func putScreening(tx store.MetaTx, n int, sc screening) error {
	b, err := json.Marshal(sc)
	if err != nil {
		return err
	}
	return tx.Put(bucketLast, numKey(n), b)
}

// screen screens a watch on day d (for a Today watch; a fixed date otherwise)
// with eng. A subject that does not exist gives a Gone screening.
func screen(eng *rules.Engine, w Watch, d model.Date) (screening, error) {
	if w.AsOf != Today {
		var err error
		if d, err = model.ParseDate(w.AsOf); err != nil {
			return screening{}, err
		}
	}
	set := eng.Regimes()
	var rs []*rules.Regime
	if len(w.Regimes) == 0 {
		rs = set.Defaults()
	} else {
		for _, id := range w.Regimes {
			if r := set.Get(id); r != nil {
				rs = append(rs, r) // a regime no longer defined is not screened
			}
		}
	}
	var sc *rules.Screening
	var err error
	if w.Kind == KindProduct {
		sc, err = eng.ScreenProduct(w.Subject, d, rs)
	} else {
		sc, err = eng.ScreenEntity(w.Subject, d, rs)
	}
	if errors.Is(err, model.ErrNotFound) {
		return screening{Gone: true}, nil
	}
	if err != nil {
		return screening{}, err
	}
	out := screening{}
	for _, g := range sc.Gaps {
		out.Gaps = append(out.Gaps, g.Product)
	}
	slices.Sort(out.Gaps)
	out.Gaps = slices.Compact(out.Gaps)
	for _, res := range sc.Results {
		r := result{Verdict: res.Verdict.String()}
		for _, f := range res.Findings {
			r.Findings = append(r.Findings, EventFinding{Entity: f.Entity, Verdict: f.Verdict.String(),
				Basis: f.Basis.String(), ListedEntity: f.Listed})
		}
		slices.SortFunc(r.Findings, compareFindings)
		out.Regimes = append(out.Regimes, res.Regime.ID)
		out.Results = append(out.Results, r)
	}
	return out, nil
}

func compareFindings(a, b EventFinding) int {
	if c := strings.Compare(a.Entity, b.Entity); c != 0 {
		return c
	}
	if c := strings.Compare(a.ListedEntity, b.ListedEntity); c != 0 {
		return c
	}
	if c := strings.Compare(a.Basis, b.Basis); c != 0 {
		return c
	}
	return strings.Compare(a.Verdict, b.Verdict)
}

// minus returns the elements of a not in b (both sorted).
func minus[T any](a, b []T, cmp func(T, T) int) []T {
	out := []T{}
	for _, x := range a {
		if _, found := slices.BinarySearchFunc(b, x, cmp); !found {
			out = append(out, x)
		}
	}
	return out
}

// changes returns the events (without seq, time and versions) from a watch's
// previous screening to its new one.
func changes(w Watch, prev, cur screening, asOf string, run *int) []Event {
	var out []Event
	ev := func(regime, before string, after *string) Event {
		return Event{Watch: w.ID, Subject: w.Subject, Regime: regime, AsOf: asOf, Before: before, After: after, Run: run,
			FindingsAdded: []EventFinding{}, FindingsRemoved: []EventFinding{}, GapsOpened: []string{}, GapsClosed: []string{}}
	}
	switch {
	case prev.Gone && cur.Gone:
		return nil
	case cur.Gone:
		for i, regime := range prev.Regimes {
			e := ev(regime, prev.Results[i].Verdict, nil)
			e.Kind = Gone
			e.FindingsRemoved = append(e.FindingsRemoved, prev.Results[i].Findings...)
			e.GapsClosed = append(e.GapsClosed, prev.Gaps...)
			out = append(out, e)
		}
		return out
	}
	opened := minus(cur.Gaps, prev.Gaps, strings.Compare)
	closed := minus(prev.Gaps, cur.Gaps, strings.Compare)
	for i, regime := range cur.Regimes {
		r := cur.Results[i]
		before := model.Unknown.String()
		var pr result
		if !prev.Gone {
			j := slices.Index(prev.Regimes, regime)
			if j < 0 {
				continue // a regime the watch did not screen before: its first screening
			}
			pr = prev.Results[j]
			before = pr.Verdict
		}
		added := minus(r.Findings, pr.Findings, compareFindings)
		removed := minus(pr.Findings, r.Findings, compareFindings)
		if !prev.Gone && r.Verdict == pr.Verdict && len(added) == 0 && len(removed) == 0 && len(opened) == 0 && len(closed) == 0 {
			continue
		}
		after := r.Verdict
		e := ev(regime, before, &after)
		b, _ := model.ParseVerdict(before)
		a, _ := model.ParseVerdict(after)
		switch {
		case a > b:
			e.Kind = Worsened
		case a < b:
			e.Kind = Improved
		default:
			e.Kind = Changed
		}
		e.FindingsAdded, e.FindingsRemoved = added, removed
		if prev.Gone {
			e.GapsOpened = append(e.GapsOpened, cur.Gaps...)
		} else {
			e.GapsOpened, e.GapsClosed = opened, closed
		}
		out = append(out, e)
	}
	return out
}
