package load

import (
	"context"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// Recorded is Run as a run of the store's history (Commit).
func Recorded(ctx context.Context, st store.Store, info history.Info, sources []ingest.Source, opt Options) (Summary, error) {
	return Commit(ctx, st, info, func(ctx context.Context, st store.Store) (Summary, error) {
		return Run(ctx, st, sources, opt)
	})
}

// Commit is the one way a run that writes records is committed, by every
// command, in its own process or in the serve that holds an embedded store:
// write (a Run) goes to st wrapped in history.Recording, so the run is logged
// (contract section 6) with its before-images, so that the state before it
// can still be screened, and with a snapshot name completed by the snapshot's
// deletions; then the log gets the run's counts, the summary's Deleted
// counting the snapshot's deletions too. Steps that follow every committed
// run belong here. The summary is returned with the error too: it lists the
// rejected lines and warnings of a failed run.
func Commit(ctx context.Context, st store.Store, info history.Info, write func(context.Context, store.Store) (Summary, error)) (Summary, error) {
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
	return sum, nil
}

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
	return len(keys), v, history.SetCounts(ctx, st, rec.Result().Run, 0, len(keys))
}
