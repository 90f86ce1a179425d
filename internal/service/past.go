package service

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/search"
	"github.com/keiretsu/keiretsu/internal/store"
)

// ViewAt returns a View of the state that a retained run of st's history
// produced (contract section 6.2): its projection is built from that state's
// records, its regimes are the built-in ones, those stored with that state and
// extra (a serve --regimes file, which is configuration, not data), and its
// records are read from that state however the store changes later. A version
// that no retained run produced is model.ErrBadInput. Only screenings read a
// past View, so it has no search index.
func ViewAt(ctx context.Context, st store.Store, version string, extra []*rules.Regime) (*View, error) {
	r := &pastReader{st: st, version: version}
	var snap *projection.Snapshot
	for i := 0; snap == nil; i++ {
		if i == pastRetries {
			return nil, fmt.Errorf("dataVersion %s: the store kept changing while its records were read", version)
		}
		var err error
		if snap, err = r.build(ctx); err != nil {
			return nil, err
		}
	}
	set, err := rules.SetOf(snap, extra)
	if err != nil {
		return nil, err
	}
	return NewView(r, rules.NewEngine(snap, set), search.NewBuilder().Build()), nil
}

// build builds the projection of the past state, or returns nil when a run
// committed meanwhile.
func (r *pastReader) build(ctx context.Context) (*projection.Snapshot, error) {
	state, err := r.state(ctx)
	if errors.Is(err, errMoved) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pb := projection.NewBuilder()
	if err := state.Scan(ctx, func(rec *model.Record) error {
		pb.Add(rec)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("dataVersion %s: %w", r.version, err)
	}
	if moved, err := r.moved(ctx); err != nil || moved {
		return nil, err
	}
	snap, err := pb.Build(state.Version)
	if err != nil {
		return nil, fmt.Errorf("dataVersion %s: %w", r.version, err)
	}
	return snap, nil
}

// moved reports whether the store committed since the reader's state was made.
func (r *pastReader) moved(ctx context.Context) (bool, error) {
	pos, err := r.st.Position(ctx)
	if err != nil {
		return false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pos != pos, nil
}

// OpenAt returns the View of st's state whose dataVersion is version, the
// current one when version is empty: what a single screening of the CLI reads,
// without building the current projection for a past state. Calling done
// waits for the service's background work (the projection file's write, see
// Service.Close).
func OpenAt(ctx context.Context, st store.Store, version string, opt Options) (v *View, done func(), err error) {
	if version != "" {
		cur, err := st.Version(ctx)
		if err != nil {
			return nil, nil, err
		}
		if cur.String() != version {
			if err := retained(ctx, st, version); err != nil {
				return nil, nil, err
			}
			v, err := ViewAt(ctx, st, version, opt.Regimes)
			return v, func() {}, err
		}
	}
	svc, err := Open(ctx, st, opt)
	if err != nil {
		return nil, nil, err
	}
	return svc.View(), func() { svc.Close() }, nil
}

// retained returns model.ErrBadInput for a version that no retained run of
// st produced.
func retained(ctx context.Context, st store.Store, version string) error {
	ok, err := history.Retained(ctx, st, version)
	if err == nil && !ok {
		err = fmt.Errorf("%w: dataVersion %q: %w", model.ErrBadInput, version, history.ErrNotRetained)
	}
	return err
}

// pastReader reads the records of a past state. A history.State lays the
// before-images of the runs after it over the current records, so it is only
// right while no further run commits: the reader rebuilds it whenever the
// store's position has moved, and retries a read that a commit overlapped.
type pastReader struct {
	st      store.Store
	version string

	mu  sync.Mutex
	cur *history.State
	pos uint64
}

// state returns the past state as of the store's current position.
func (r *pastReader) state(ctx context.Context) (*history.State, error) {
	pos, err := r.st.Position(ctx)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur != nil && r.pos == pos {
		return r.cur, nil
	}
	s, err := history.At(ctx, r.st, r.version)
	if err != nil {
		return nil, err
	}
	after, err := r.st.Position(ctx)
	if err != nil {
		return nil, err
	}
	if after != pos {
		return nil, errMoved
	}
	r.cur, r.pos = s, pos
	return s, nil
}

var errMoved = errors.New("the store committed a run meanwhile")

// pastRetries bounds how often a read overlapped by commits is retried.
const pastRetries = 8

func (r *pastReader) Get(ctx context.Context, keys []model.Key) ([]*model.Record, error) {
	for range pastRetries {
		s, err := r.state(ctx)
		if errors.Is(err, errMoved) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out, err := s.Get(ctx, keys)
		if err != nil {
			return nil, err
		}
		if moved, err := r.moved(ctx); err != nil || !moved {
			return out, err
		}
	}
	return nil, fmt.Errorf("dataVersion %s: the store kept changing while its records were read", r.version)
}
