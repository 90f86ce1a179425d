package main

import (
	"context"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/store"
)

// commitRun commits a command's run, in the command's own process or in the
// serve that holds an embedded store (live.go), by load.Commit: the one commit
// path of every run.
func commitRun(ctx context.Context, st store.Store, info history.Info, write func(context.Context, store.Store) (load.Summary, error)) (load.Summary, error) {
	return load.Commit(ctx, st, info, write)
}
