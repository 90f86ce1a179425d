package load

import (
	"context"
	"errors"
	"fmt"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// Recorded is Run as a run of the store's history (contract section 6): it is
// logged with info, its before-images are kept so that the state before it
// can still be screened, and with a snapshot name it deletes what the
// snapshot no longer states. Every command that writes records goes through
// it; the summary's Deleted counts the snapshot's deletions too.
func Recorded(ctx context.Context, st store.Store, info history.Info, sources []ingest.Source, opt Options) (Summary, error) {
	rec := history.Recording(st, info)
	sum, err := Run(ctx, rec, sources, opt)
	if err != nil {
		return sum, err
	}
	res := rec.Result()
	sum.Deleted += res.SnapshotDeleted
	if err := history.SetCounts(ctx, st, res.Run, sum.Written, sum.Deleted); err != nil {
		return sum, err
	}
	return sum, afterCommit(ctx, st)
}

// afterCommit records the events of the run just committed (contract section
// 6.3). The run stays committed when that fails: the next process that opens
// the store records them.
func afterCommit(ctx context.Context, st store.Store) error {
	if err := watch.AfterCommit(ctx, st, watch.Options{}); err != nil {
		return fmt.Errorf("%w: the run committed, but its events were not recorded (the next process to open the store records them): %w", ErrEvents, err)
	}
	return nil
}

// ErrEvents is returned by Recorded and Wipe when a run committed but its
// events could not be recorded yet.
var ErrEvents = errors.New("events not recorded")

// Wipe deletes every record of st in one recorded run, keeping the store's
// bookkeeping (the run log, past states, watches and events), and returns how
// many records it deleted.
func Wipe(ctx context.Context, st store.Store) (int, model.Hash, error) {
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
	return len(keys), v, afterCommit(ctx, st)
}
