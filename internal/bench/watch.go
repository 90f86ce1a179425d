package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// errLater defers a run's events, so that recording them is timed on its own.
var errLater = errors.New("events recorded by the benchmark")

// watchRescreen measures watch_rescreen_s: c.Watches watches on subjects
// sampled from the served view (every default regime, as of today), then a
// ChangeRun committed with its events deferred, then the events recorded as
// the committing command records them.
func watchRescreen(ctx context.Context, c Config, st store.Store, svc *service.Service, res *Result) error {
	// The view of the state historyCost's run left.
	if err := svc.Reload(ctx); err != nil {
		return err
	}
	v := svc.View()
	var specs []watch.Spec
	for _, id := range sampleIDs(v, true, c.Watches/2, c.Seed+11) {
		specs = append(specs, watch.Spec{Kind: watch.KindProduct, Subject: id, AsOf: watch.Today})
	}
	for _, id := range sampleIDs(v, false, c.Watches-len(specs), c.Seed+12) {
		specs = append(specs, watch.Spec{Kind: watch.KindEntity, Subject: id, AsOf: watch.Today})
	}
	// The engine of the current state, as a serving process adds watches.
	cur := func(ctx context.Context, version string) (*rules.Engine, error) {
		if v.Version() != version {
			return nil, fmt.Errorf("bench: the store moved to %s", version)
		}
		return v.Engine(), nil
	}
	start := time.Now()
	if _, err := watch.Add(ctx, st, specs, watch.Options{Log: c.Log, Engine: cur}); err != nil {
		return fmt.Errorf("watch add: %w", err)
	}
	c.Log.Info().Int("watches", len(specs)).Float64("seconds", round3(time.Since(start).Seconds())).Msg("watches added")
	later := watch.Options{Engine: func(context.Context, string) (*rules.Engine, error) { return nil, errLater }}
	if _, err := ChangeRun(ctx, st, 1, later); !errors.Is(err, load.ErrEvents) {
		return fmt.Errorf("change run: %v", err)
	}
	before, err := watch.Events(ctx, st, 0, -1)
	if err != nil {
		return err
	}
	rescreened := 0
	start = time.Now()
	if err := watch.AfterCommit(ctx, st, watch.Options{Log: c.Log, Screening: func(ws []watch.Watch) { rescreened += len(ws) }}); err != nil {
		return fmt.Errorf("recording events: %w", err)
	}
	res.WatchRescreenS = round3(time.Since(start).Seconds())
	after, err := watch.Events(ctx, st, len(before), -1)
	if err != nil {
		return err
	}
	res.Watches, res.WatchRescreened, res.WatchEvents = len(specs), rescreened, len(after)
	c.Log.Info().Float64("seconds", res.WatchRescreenS).Int("rescreened", rescreened).Int("events", len(after)).Msg("watch events recorded")

	// The same in a serving process that committed the run (the live
	// handler): the view updated with the run's keys, then its engine.
	if err := svc.Reload(ctx); err != nil {
		return err
	}
	sum, err := ChangeRun(ctx, st, 2, later)
	if !errors.Is(err, load.ErrEvents) {
		return fmt.Errorf("change run: %v", err)
	}
	runs, err := history.Runs(ctx, st)
	if err != nil {
		return err
	}
	start = time.Now()
	keys, _, err := history.Changed(ctx, st, runs[len(runs)-1].Run)
	if err != nil {
		return err
	}
	if err := svc.Refresh(ctx, keys); err != nil {
		return err
	}
	served := func(ctx context.Context, version string) (*rules.Engine, error) {
		if v := svc.View(); v.Version() == version {
			return v.Engine(), nil
		}
		return nil, fmt.Errorf("bench: the view is not at %s", version)
	}
	if err := watch.AfterCommit(ctx, st, watch.Options{Log: c.Log, Engine: served}); err != nil {
		return fmt.Errorf("recording events (served): %w", err)
	}
	res.WatchRescreenServedS = round3(time.Since(start).Seconds())
	c.Log.Info().Float64("seconds", res.WatchRescreenServedS).Str("data_version", sum.Version.String()).Msg("watch events recorded (served)")
	return nil
}
