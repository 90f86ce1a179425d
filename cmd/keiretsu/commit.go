package main

import (
	"context"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/store"
)

// commitRun is the one way a command's run is committed, in the command's own
// process or in the serve that holds an embedded store (live.go): write (a
// load.Run) goes to st wrapped in history.Recording, so the run is logged with
// its before-images and, with a snapshot name, completed by the snapshot's
// deletions; then the log gets the run's counts. Steps that follow every
// committed run belong here, after SetCounts. The summary is returned with the
// error too: it lists the rejected lines and warnings of a failed run.
func commitRun(ctx context.Context, st store.Store, info history.Info, write func(context.Context, store.Store) (load.Summary, error)) (load.Summary, error) {
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
