package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/store"
)

// EngineFunc returns a rule engine over the state of a store whose dataVersion
// is version (the current one, or one a retained run produced), with the
// built-in regimes and those stored with that state.
type EngineFunc func(ctx context.Context, version string) (*rules.Engine, error)

// Options configure recording.
type Options struct {
	// Log receives what recording cannot do (a run whose state was pruned).
	Log zerolog.Logger
	// Engine gives the engines of the states screened; default StateEngine.
	// A serving process passes one that answers with its current view.
	Engine EngineFunc
	// Recorded, when set, is called after events were recorded, with the
	// last seq.
	Recorded func(seq int)
	// Screening, when set, is called with the watches a step screens again
	// (after the reverse index left out those its run cannot affect), before
	// they are screened.
	Screening func(watches []Watch)
}

func (o Options) withDefaults(st store.Store) Options {
	if o.Engine == nil {
		o.Engine = StateEngine(st)
	}
	return o
}

// StateEngine builds the engines of st's states from the store and its
// history, keeping the last one built.
func StateEngine(st store.Store) EngineFunc {
	var mu sync.Mutex
	var last *rules.Engine
	return func(ctx context.Context, version string) (*rules.Engine, error) {
		mu.Lock()
		defer mu.Unlock()
		if last != nil && last.Snapshot().Version().String() == version {
			return last, nil
		}
		eng, err := buildEngine(ctx, st, version)
		if err == nil {
			last = eng
		}
		return eng, err
	}
}

// buildEngine reads the state whose dataVersion is version and builds its
// engine, again when a run committed meanwhile.
func buildEngine(ctx context.Context, st store.Store, version string) (*rules.Engine, error) {
	for range maxAttempts {
		before, err := st.Position(ctx)
		if err != nil {
			return nil, err
		}
		s, err := history.At(ctx, st, version)
		if err != nil {
			return nil, err
		}
		pb := projection.NewBuilder()
		if err := s.Scan(ctx, func(r *model.Record) error {
			pb.Add(r)
			return nil
		}); err != nil {
			return nil, err
		}
		after, err := st.Position(ctx)
		if err != nil {
			return nil, err
		}
		if after != before {
			continue
		}
		snap, err := pb.Build(s.Version)
		if err != nil {
			return nil, err
		}
		set, err := rules.SetOf(snap, nil)
		if err != nil {
			return nil, err
		}
		return rules.NewEngine(snap, set), nil
	}
	return nil, fmt.Errorf("dataVersion %s: the store kept changing while it was read", version)
}

// AfterCommit records the events of every committed run and change of the
// UTC day that lacks them, in order (see the package documentation). It is
// the one post-commit step: every process calls it right after it commits a
// run (ingest, wipe, resolve --accept, demo, a server committing a run sent
// to it), and every process that opens a store calls it before using it, so
// that the events a killed process did not record are recorded, exactly once.
func AfterCommit(ctx context.Context, st store.Store, opt Options) error {
	opt = opt.withDefaults(st)
	if err := history.Recover(ctx, st, false); err != nil {
		return err
	}
	for raced := 0; ; {
		done, lost, err := step(ctx, st, opt)
		if err != nil || done {
			return err
		}
		if lost {
			if raced++; raced > maxAttempts {
				return errors.New("recording events: the store kept changing")
			}
		}
	}
}

// pendingStep is one step to record.
type pendingStep struct {
	day     string
	version string
	run     *history.Run // nil for a change of day
	next    state
}

// step records the next step, if any: done when there is none, lost when
// another process recorded something meanwhile.
func step(ctx context.Context, st store.Store, opt Options) (done, lost bool, err error) {
	var s state
	var ok bool
	var watches []Watch
	runs, err := history.Runs(ctx, st)
	if err != nil {
		return false, false, err
	}
	err = st.ViewMeta(ctx, func(tx store.MetaTx) error {
		if s, ok, err = readState(tx); err != nil || !ok {
			return err
		}
		if s.Run >= len(runs) && s.Day == model.Today().String() {
			return nil // nothing to record: the watches are not needed
		}
		watches, err = readWatches(tx)
		return err
	})
	if err != nil || !ok {
		return true, false, err // no watch was ever added: nothing to record
	}
	hasToday := false
	for _, w := range watches {
		hasToday = hasToday || w.AsOf == Today
	}
	p := pendingStep{next: s}
	switch {
	case s.Run < len(runs):
		r := runs[s.Run] // runs are numbered 1, 2, ... in the log
		day := r.Time[:len("2006-01-02")]
		if day != s.Day && hasToday {
			p.day, p.version = day, s.Version
			p.next.Day = day
			break
		}
		p.day, p.version, p.run = day, r.DataVersion, &r
		p.next.Run, p.next.Day, p.next.Version = r.Run, day, r.DataVersion
	case model.Today().String() != s.Day:
		p.day, p.version = model.Today().String(), s.Version
		p.next.Day = p.day
	default:
		return true, false, nil
	}
	events, screens, err := p.screen(ctx, st, opt, s, watches, hasToday)
	if err != nil {
		return false, false, err
	}
	seq := 0
	err = st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		now, _, err := readState(tx)
		if err != nil {
			return err
		}
		if now != s {
			lost = true
			return nil
		}
		next := p.next
		now16 := model.Now().UTC().Format("2006-01-02T15:04:05Z")
		for _, e := range events {
			next.Seq++
			e.Seq, e.Time = next.Seq, now16
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if err := tx.Put(bucketEvent, numKey(e.Seq), b); err != nil {
				return err
			}
		}
		for n, sc := range screens {
			if err := putScreening(tx, n, sc); err != nil {
				return err
			}
		}
		seq = next.Seq
		return writeState(tx, next)
	})
	if err != nil || lost {
		return false, lost, err
	}
	if len(events) > 0 && opt.Recorded != nil {
		opt.Recorded(seq)
	}
	return false, false, nil
}

// screen screens the watches the step concerns and returns its events and
// the screenings that changed (by watch number).
func (p *pendingStep) screen(ctx context.Context, st store.Store, opt Options, s state, watches []Watch, hasToday bool) ([]Event, map[int]screening, error) {
	var todo []Watch
	for _, w := range watches {
		if p.run != nil || w.AsOf == Today {
			todo = append(todo, w)
		}
	}
	if len(todo) == 0 {
		return nil, nil, nil
	}
	eng, err := opt.Engine(ctx, p.version)
	if errors.Is(err, history.ErrNotRetained) {
		opt.Log.Warn().Str("data_version", p.version).Msg("the state of a run whose events were not recorded was pruned: its events are lost")
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if p.run != nil {
		keys, known, err := history.Changed(ctx, st, p.run.Run)
		if err != nil {
			return nil, nil, err
		}
		if known {
			todo = Affected(eng.Snapshot(), keys, todo)
		}
	}
	if opt.Screening != nil {
		opt.Screening(todo)
	}
	// The last screenings of the watches screened again (decoded only for
	// those: the reverse index may have left out most).
	want := make(map[int]bool, len(todo))
	for _, w := range todo {
		n, _ := watchNum(w.ID)
		want[n] = true
	}
	last := make(map[int]screening, len(todo))
	if err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
		var bad error
		err := tx.Scan(bucketLast, "", func(k string, v []byte) bool {
			n, _ := strconv.Atoi(k)
			if !want[n] {
				return true
			}
			var sc screening
			if bad = json.Unmarshal(v, &sc); bad != nil {
				return false
			}
			last[n] = sc
			return true
		})
		if err == nil {
			err = bad
		}
		return err
	}); err != nil {
		return nil, nil, err
	}
	d, err := model.ParseDate(p.day)
	if err != nil {
		return nil, nil, err
	}
	got := make([]screening, len(todo))
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := wk; i < len(todo); i += workers {
				got[i], errs[i] = screen(eng, todo[i], d)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	var run *int
	if p.run != nil {
		n := p.run.Run
		run = &n
	}
	var events []Event
	changed := map[int]screening{}
	for i, w := range todo {
		n, _ := watchNum(w.ID)
		asOf := w.AsOf
		if asOf == Today {
			asOf = p.day
		}
		prev, seen := last[n]
		if !seen {
			changed[n] = got[i] // no screening yet: the first one, without an event
			continue
		}
		evs := changes(w, prev, got[i], asOf, run)
		if len(evs) > 0 || !sameScreening(prev, got[i]) {
			changed[n] = got[i]
		}
		for _, e := range evs {
			e.DataVersionBefore, e.DataVersion = s.Version, p.version
			events = append(events, e)
		}
	}
	return events, changed, nil
}

func sameScreening(a, b screening) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
