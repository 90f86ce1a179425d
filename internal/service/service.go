// Package service is what the API and the CLI call: it owns the current projection
// of a store (rule engine and search index), rebuilds it when the data changes, and
// answers screening and exploration questions over it. Requests see one consistent
// snapshot each; a reload swaps the whole state atomically.
package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/search"
	"github.com/keiretsu/keiretsu/internal/store"
)

// MaxBatch is the most ids one screenProducts call takes.
const MaxBatch = 10_000

// Options configure a Service.
type Options struct {
	// Regimes are added to the built-in and stored ones (from --regimes).
	Regimes []*rules.Regime
	Log     zerolog.Logger
}

// Service answers questions over a store's current projection.
type Service struct {
	st  store.Store
	opt Options
	cur atomic.Pointer[State]
	mu  sync.Mutex // serialises reloads
	pos uint64     // follower position of the current state
}

// State is one consistent view: a snapshot with its engine and search index.
type State struct {
	Engine *rules.Engine
	Search *search.Index
	Loaded time.Time
	recs   recordCache // records read from the store for this state's requests
}

// Version is the state's dataVersion.
func (s *State) Version() string { return s.Engine.Snapshot().Version().String() }

// Open loads the store's data and returns a service over it.
func Open(ctx context.Context, st store.Store, opt Options) (*Service, error) {
	s := &Service{st: st, opt: opt}
	if err := s.Reload(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Store returns the store of record.
func (s *Service) Store() store.Store { return s.st }

// State returns the current state.
func (s *Service) State() *State { return s.cur.Load() }

// Reload rebuilds the state from everything in the store.
func (s *Service) Reload(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	var pos uint64
	var v model.Hash
	pb, sb := projection.NewBuilder(), search.NewBuilder()
	add := func(r *model.Record) error {
		pb.Add(r)
		sb.Add(r)
		return nil
	}
	_, follower := s.st.(store.Follower)
	if vs, ok := s.st.(store.VersionedScanner); ok {
		var err error
		if v, pos, err = vs.ScanVersion(ctx, add); err != nil {
			return fmt.Errorf("load: %w", err)
		}
	} else {
		if follower {
			p, err := s.st.(store.Follower).Position(ctx)
			if err != nil {
				return fmt.Errorf("load: %w", err)
			}
			pos = p
		}
		var err error
		if v, err = s.st.Version(ctx); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		if err := s.st.Scan(ctx, add); err != nil {
			return fmt.Errorf("load: %w", err)
		}
	}
	snap, err := pb.Build(v)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if err := s.install(snap, sb.Build()); err != nil {
		return err
	}
	s.pos = pos
	st := snap.Stats()
	s.opt.Log.Info().Str("store", s.st.Describe()).Str("data_version", v.String()).
		Int("entities", st.Entities).Int("products", st.Products).Int("edges", st.Edges()).
		Dur("took", time.Since(start)).Msg("projection loaded")
	return nil
}

func (s *Service) install(snap *projection.Snapshot, idx *search.Index) error {
	var stored []*rules.Regime
	for _, r := range snap.RegimeRecords() {
		reg, err := rules.ParseSpec(r.Spec)
		if err != nil {
			return fmt.Errorf("stored regime %s: %w", r.ID, err)
		}
		stored = append(stored, reg)
	}
	set, err := rules.NewSet(rules.Builtin(), stored, s.opt.Regimes)
	if err != nil {
		return err
	}
	s.cur.Store(&State{Engine: rules.NewEngine(snap, set), Search: idx, Loaded: time.Now()})
	return nil
}

// Follow keeps the state up to date with changes other processes commit to a
// store that supports it (Neo4j), checking every interval until ctx ends.
func (s *Service) Follow(ctx context.Context, every time.Duration) {
	f, ok := s.st.(store.Follower)
	if !ok {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.catchUp(ctx, f); err != nil && ctx.Err() == nil {
			s.opt.Log.Warn().Err(err).Msg("following store changes")
		}
	}
}

func (s *Service) catchUp(ctx context.Context, f store.Follower) error {
	p, err := f.Position(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	since := s.pos
	s.mu.Unlock()
	if p == since {
		return nil
	}
	var changes []store.Change
	var newPos uint64
	var v model.Hash
	var known bool
	if vf, ok := f.(store.VersionedFollower); ok {
		changes, newPos, v, err = vf.ChangesVersion(ctx, since)
		known = true
	} else {
		changes, newPos, err = f.Changes(ctx, since)
	}
	if errors.Is(err, store.ErrResync) {
		s.opt.Log.Info().Msg("change log truncated: reloading everything")
		return s.Reload(ctx)
	}
	if err != nil {
		return err
	}
	if !known {
		if v, err = s.st.Version(ctx); err != nil {
			return err
		}
	}
	return s.apply(changes, newPos, v)
}

// apply installs a snapshot with the changes committed up to position pos, whose
// content hash is v.
func (s *Service) apply(changes []store.Change, pos uint64, v model.Hash) error {
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
	snap, err := cur.Engine.Snapshot().Apply(v, removed, added)
	if err != nil {
		return err
	}
	sb := cur.Search.Rebuild(removed)
	for _, r := range added {
		sb.Add(r)
	}
	if err := s.install(snap, sb.Build()); err != nil {
		return err
	}
	s.pos = pos
	s.opt.Log.Info().Int("changes", len(changes)).Str("data_version", v.String()).Dur("took", time.Since(start)).Msg("projection updated")
	return nil
}

// Regimes resolves regime ids (nil or empty = all loaded regimes).
func (st *State) Regimes(ids []string) ([]*rules.Regime, error) {
	set := st.Engine.Regimes()
	if len(ids) == 0 {
		return set.Defaults(), nil
	}
	var out []*rules.Regime
	for _, id := range ids {
		r := set.Get(id)
		if r == nil {
			return nil, fmt.Errorf("%w: unknown regime %q", model.ErrBadInput, id)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Day returns asOf, or today (UTC) when nil.
func Day(asOf *model.Date) model.Date {
	if asOf == nil {
		return model.Today()
	}
	return *asOf
}

// ScreenProduct screens one product.
func (st *State) ScreenProduct(id string, asOf *model.Date, regimes []string) (*rules.Screening, error) {
	rs, err := st.Regimes(regimes)
	if err != nil {
		return nil, err
	}
	out, err := st.Engine.ScreenProduct(id, Day(asOf), rs)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("%w: product %q", model.ErrNotFound, id)
	}
	return out, err
}

// ScreenEntity screens one entity.
func (st *State) ScreenEntity(id string, asOf *model.Date, regimes []string) (*rules.Screening, error) {
	rs, err := st.Regimes(regimes)
	if err != nil {
		return nil, err
	}
	out, err := st.Engine.ScreenEntity(id, Day(asOf), rs)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("%w: entity %q", model.ErrNotFound, id)
	}
	return out, err
}

// ScreenProducts screens many products on one day; it fails as a whole, naming the
// unknown ids, when any is unknown.
func (st *State) ScreenProducts(ids []string, asOf *model.Date, regimes []string) ([]*rules.Screening, error) {
	if len(ids) > MaxBatch {
		return nil, fmt.Errorf("%w: too many ids (%d; at most %d per call)", model.ErrBadInput, len(ids), MaxBatch)
	}
	rs, err := st.Regimes(regimes)
	if err != nil {
		return nil, err
	}
	d := Day(asOf)
	snap := st.Engine.Snapshot()
	var unknown []string
	for _, id := range ids {
		if p, ok := snap.Product(id); !ok || !snap.ProductDefined(p) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%w: products %q", model.ErrNotFound, unknown[:min(len(unknown), 10)])
	}
	out := make([]*rules.Screening, len(ids))
	for i, id := range ids {
		if out[i], err = st.Engine.ScreenProduct(id, d, rs); err != nil {
			return nil, err
		}
	}
	return out, nil
}
