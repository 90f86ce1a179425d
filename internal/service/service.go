package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/pace"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/search"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// Options configure a Service.
type Options struct {
	// Regimes are added to the built-in and stored ones (from --regimes).
	Regimes []*rules.Regime
	Log     zerolog.Logger
	// ProjectionFile, when set, is where the service keeps an image of its
	// projection and search index (package persist): Open reads it instead of
	// building the projection from the store when it was built from the
	// store's current dataVersion, and the service writes it in the background
	// whenever its view changes (see Close). A file that cannot be used
	// (another dataVersion, corrupt, truncated, another format) is logged and
	// rebuilt.
	ProjectionFile string
}

// Service keeps the current View of a store. All methods are safe for
// concurrent use.
type Service struct {
	st  store.Store
	opt Options
	cur atomic.Pointer[View]
	mu  sync.Mutex // serialises reloads and updates
	pos uint64     // follower position of the current view

	changed chan struct{} // signalled when a new view is made current
	warmed  atomic.Pointer[warmth]
	pace    atomic.Pointer[pace.Gate] // paces KeepWarm's work (PaceBackground)

	pastMu sync.Mutex // serialises building past views
	past   []*View    // the most recently used past views, newest first
	health health

	source    string        // where the first view came from: SourceFile or SourceStore
	imgKick   chan struct{} // to the projection file's writer: write the current view
	imgStop   chan struct{} // closed by Close
	imgDone   chan struct{} // closed when the writer has stopped
	imgWrites atomic.Int64
	closeOnce sync.Once
}

// pastViews is how many past views a Service keeps built.
const pastViews = 2

// Open loads the store's data and returns a service over it: from the
// projection file when it holds the store's current dataVersion
// (Options.ProjectionFile), else from every stored record. With a projection
// file, Close stops the service's writer of it.
func Open(ctx context.Context, st store.Store, opt Options) (*Service, error) {
	s := &Service{st: st, opt: opt, changed: make(chan struct{}, 1), source: SourceStore}
	if err := s.open(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// View returns the current view.
func (s *Service) View() *View { return s.cur.Load() }

// At returns the View of the state whose dataVersion is version: the current
// View, or a past one that a retained run produced (ViewAt; the last few used
// are kept). A version that no retained run produced is model.ErrBadInput.
func (s *Service) At(ctx context.Context, version string) (*View, error) {
	if cur := s.View(); cur.Version() == version {
		return cur, nil
	}
	if err := retained(ctx, s.st, version); err != nil {
		return nil, err
	}
	s.pastMu.Lock()
	defer s.pastMu.Unlock()
	for i, v := range s.past {
		if v.Version() == version {
			copy(s.past[1:i+1], s.past[:i])
			s.past[0] = v
			return v, nil
		}
	}
	v, err := ViewAt(ctx, s.st, version, s.opt.Regimes)
	if err != nil {
		return nil, err
	}
	s.past = append([]*View{v}, s.past[:min(len(s.past), pastViews-1)]...)
	return v, nil
}

// Runs returns the last runs of the store's run log, oldest first.
func (s *Service) Runs(ctx context.Context, last int) ([]*history.Run, error) {
	runs, err := history.Runs(ctx, s.st)
	if err != nil {
		return nil, err
	}
	runs = runs[max(0, len(runs)-last):]
	out := make([]*history.Run, len(runs))
	for i := range runs {
		out[i] = &runs[i]
	}
	return out, nil
}

// Watches returns the store's watches, in the order they were added.
func (s *Service) Watches(ctx context.Context) ([]watch.Watch, error) { return watch.List(ctx, s.st) }

// Events returns the first limit events with seq > since, oldest first.
func (s *Service) Events(ctx context.Context, since, limit int) ([]*watch.Event, error) {
	raw, err := watch.Events(ctx, s.st, since, limit)
	if err != nil {
		return nil, err
	}
	out := make([]*watch.Event, len(raw))
	for i, r := range raw {
		if out[i], err = watch.Decode(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Reload rebuilds the view from everything in the store.
func (s *Service) Reload(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	pb, sb := projection.NewBuilder(), search.NewBuilder()
	mark, err := s.st.Scan(ctx, func(r *model.Record) error {
		pb.Add(r)
		sb.Add(r)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	snap, err := pb.Build(mark.Version)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if err := s.install(snap, sb.Build(), nil); err != nil {
		return err
	}
	s.pos = mark.Position
	st := snap.Stats()
	s.opt.Log.Info().Str("store", s.st.Describe()).Str("data_version", mark.Version.String()).Str("source", SourceStore).
		Int("entities", st.Entities).Int("products", st.Products).Int("edges", st.Edges()).
		Dur("took", time.Since(start)).Msg("projection loaded")
	return nil
}

// install makes the view of a snapshot current: its regimes are the built-in
// ones, those stored with the data and those of the options.
func (s *Service) install(snap *projection.Snapshot, idx *search.Index, recs map[model.Key]*model.Record) error {
	set, err := rules.SetOf(snap, s.opt.Regimes)
	if err != nil {
		return err
	}
	v := NewView(s.st, rules.NewEngine(snap, set), idx)
	v.recs.m = recs
	v.health = &s.health
	s.cur.Store(v)
	select {
	case s.changed <- struct{}{}:
	default:
	}
	s.kickWriter()
	return nil
}

// warmth is a view and the day KeepWarm last warmed it for.
type warmth struct {
	view *View
	day  model.Date
}

// Warmed reports the view and day that KeepWarm last finished warming (nil
// before the first).
func (s *Service) Warmed() (*View, model.Date) {
	if w := s.warmed.Load(); w != nil {
		return w.view, w.day
	}
	return nil, 0
}

// PaceBackground makes the service's background work (KeepWarm) pace itself
// by g, as the server's heavy requests do: while requests are being served it
// runs in short bursts, so that a request never waits long behind it.
func (s *Service) PaceBackground(g *pace.Gate) { s.pace.Store(g) }

// KeepWarm computes in the background, for every View the service makes
// current and again at each change of the UTC day (checked every interval),
// the evaluations that the first screenings of the day ask for
// (rules.Engine.Warm), so that they do not wait for fixpoints. It returns
// when ctx ends.
func (s *Service) KeepWarm(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var last *View
	var lastDay model.Date
	for {
		if v, d := s.View(), model.Today(); v != last || d != lastDay {
			start := time.Now()
			m := s.pace.Load().Meter()
			n := v.eng.Warm(pace.With(ctx, m), d)
			m.Close()
			if ctx.Err() != nil {
				return
			}
			s.opt.Log.Debug().Str("data_version", v.Version()).Str("day", d.String()).Int("evaluations", n).
				Dur("took", time.Since(start)).Msg("evaluations warmed")
			last, lastDay = v, d
			s.warmed.Store(&warmth{v, d})
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.changed:
		}
	}
}

// Follow keeps the view up to date with the changes other processes commit to
// a store that reports them (a store.Follower: Neo4j), checking every interval
// until ctx ends.
func (s *Service) Follow(ctx context.Context, every time.Duration) {
	f, ok := s.st.(store.Follower)
	if !ok {
		return
	}
	s.health.mu.Lock()
	s.health.probed = true
	s.health.mu.Unlock()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.probe(ctx, func(ctx context.Context) error { return s.catchUp(ctx, f) })
	}
}

func (s *Service) catchUp(ctx context.Context, f store.Follower) error {
	s.mu.Lock()
	since := s.pos
	s.mu.Unlock()
	changes, mark, err := f.Changes(ctx, since)
	if errors.Is(err, store.ErrResync) {
		s.opt.Log.Info().Msg("change log truncated: reloading everything")
		return s.Reload(ctx)
	}
	if err != nil || mark.Position == since {
		return err
	}
	return s.apply(changes, mark)
}

// apply installs a snapshot with the changes that lead to the state mark.
func (s *Service) apply(changes []store.Change, mark store.Mark) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	removed := map[model.Key]bool{}
	var added []*model.Record
	for _, c := range changes {
		removed[c.Key] = true
		if !c.Delete && c.Record != nil {
			added = append(added, c.Record)
		}
	}
	cur := s.cur.Load()
	snap, err := cur.eng.Snapshot().Apply(mark.Version, removed, added)
	if err != nil {
		return err
	}
	sb := cur.index.Rebuild(removed)
	for _, r := range added {
		sb.Add(r)
	}
	if err := s.install(snap, sb.Build(), cur.recs.without(removed)); err != nil {
		return err
	}
	s.pos = mark.Position
	s.opt.Log.Info().Int("changes", len(changes)).Str("data_version", mark.Version.String()).Dur("took", time.Since(start)).Msg("projection updated")
	return nil
}

// refreshBatch is how many keys Refresh reads per store call.
const refreshBatch = 4096

// Refresh brings the view up to date after this process committed a run to
// its store (serve committing a run another process sent it): keys are every
// key the run wrote or deleted, read back from the store and applied to the
// current view as one change; nil keys (a wipe, or more keys than were kept)
// reload everything.
func (s *Service) Refresh(ctx context.Context, keys []model.Key) error {
	if keys == nil {
		return s.Reload(ctx)
	}
	v, err := s.st.Version(ctx)
	if err != nil {
		return err
	}
	pos, err := s.st.Position(ctx)
	if err != nil {
		return err
	}
	changes := make([]store.Change, 0, len(keys))
	for i := 0; i < len(keys); i += refreshBatch {
		batch := keys[i:min(i+refreshBatch, len(keys))]
		recs, err := s.st.Get(ctx, batch)
		if err != nil {
			return err
		}
		for j, k := range batch {
			changes = append(changes, store.Change{Key: k, Delete: recs[j] == nil, Record: recs[j]})
		}
	}
	return s.apply(changes, store.Mark{Version: v, Position: pos})
}
