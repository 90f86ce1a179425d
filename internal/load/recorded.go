package load

import (
	"context"
	"errors"
	"fmt"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/resolve"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// Recorded is Run as a run of the store's history (Commit, recording the
// run's events with opt.Events).
func Recorded(ctx context.Context, st store.Store, info history.Info, sources []ingest.Source, opt Options) (Summary, error) {
	return Commit(ctx, st, info, opt.Events, func(ctx context.Context, st store.Store) (Summary, error) {
		return Run(ctx, st, sources, opt)
	})
}

// Commit is the one way a run that writes records is committed, by every
// command, in its own process or in the serve that holds an embedded store:
// write (a Run) goes to st wrapped in history.Recording, so the run is logged
// (contract section 6) with its before-images, so that the state before it
// can still be screened, and with a snapshot name completed by the snapshot's
// deletions; then the log gets the run's counts, the summary's Deleted
// counting the snapshot's deletions too; last the events of the run (and of
// any earlier run or day change that lacks them) are recorded with
// watch.AfterCommit and events. Steps that follow every committed run belong
// here. The summary is returned with the error too: it lists the rejected
// lines and warnings of a failed run. An error wrapping ErrEvents means the
// run committed but its events are not recorded yet.
func Commit(ctx context.Context, st store.Store, info history.Info, events watch.Options, write func(context.Context, store.Store) (Summary, error)) (Summary, error) {
	if info.Derived == nil {
		info.Derived = autoLink
	}
	rec := history.Recording(st, info)
	sum, err := write(ctx, rec)
	if err != nil {
		return sum, err
	}
	res := rec.Result()
	sum.Deleted += res.SnapshotDeleted
	if err := history.SetCounts(ctx, st, res.Run, sum.Written, sum.Deleted); err != nil {
		return sum, err
	}
	return sum, afterCommit(ctx, st, events)
}

// afterCommit records the events of the run just committed (contract section
// 6.3). The run stays committed when that fails: the next process that opens
// the store records them.
func afterCommit(ctx context.Context, st store.Store, events watch.Options) error {
	if err := watch.AfterCommit(ctx, st, events); err != nil {
		return fmt.Errorf("%w: the run committed, but its events were not recorded (the next process to open the store records them): %w", ErrEvents, err)
	}
	return nil
}

// ErrEvents is returned by Commit, Recorded and Wipe when a run committed but
// its events could not be recorded yet (whoever calls watch.AfterCommit next
// records them).
var ErrEvents = errors.New("events not recorded")

// Wipe deletes every record of st in one recorded run, keeping the store's
// bookkeeping (the run log, past states, watches and events), and returns how
// many records it deleted; its events are recorded as Commit's.
func Wipe(ctx context.Context, st store.Store, events watch.Options) (int, model.Hash, error) {
	var keys []model.Key
	if _, err := st.Scan(ctx, func(r *model.Record) error {
		keys = append(keys, r.Key())
		return nil
	}); err != nil {
		return 0, model.Hash{}, err
	}
	rec := history.Recording(st, history.Info{})
	run, err := rec.Begin(ctx)
	if err != nil {
		return 0, model.Hash{}, err
	}
	defer run.Rollback(context.WithoutCancel(ctx))
	for _, k := range keys {
		if err := run.Delete(ctx, k); err != nil {
			return 0, model.Hash{}, err
		}
	}
	v, err := run.Commit(ctx)
	if err != nil {
		return 0, model.Hash{}, err
	}
	if err := history.SetCounts(ctx, st, rec.Result().Run, 0, len(keys)); err != nil {
		return len(keys), v, err
	}
	return len(keys), v, afterCommit(ctx, st, events)
}

// autoLink reports an automatic same_as link: derived from the entities'
// identifiers by the run, never a snapshot's statement (history.Info.Derived).
func autoLink(r *model.Record) bool {
	return r.Kind == model.KindSameAs && r.Source == resolve.AutoSource
}
