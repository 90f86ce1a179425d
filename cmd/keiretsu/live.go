package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/live"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// dialLive connects to the serve that holds the embedded store the command
// names, if one does; nil otherwise (Neo4j, or no serve).
func (c *common) dialLive() *live.Client {
	spec := c.resolveStore()
	if spec.dir == "" {
		return nil
	}
	cl, err := live.Dial(spec.dir)
	if err != nil {
		return nil
	}
	return cl
}

// openWriter opens the command's store for a run, or, when a serve holds the
// embedded store, connects to it (the run then goes there: live.go).
func (c *common) openWriter(ctx context.Context, log zerolog.Logger) (store.Store, *live.Client, error) {
	if cl := c.dialLive(); cl != nil {
		return nil, cl, nil
	}
	st, err := c.openStore(ctx, log, false)
	if errors.Is(err, store.ErrLocked) {
		// A serve that was starting up may be listening by now.
		if cl := c.dialLive(); cl != nil {
			return nil, cl, nil
		}
	}
	return st, nil, err
}

// liveRun sends a run to the serve holding the store and returns its summary
// and error as the serve's load.Commit produced them.
func liveRun(ctx context.Context, cl *live.Client, info history.Info, opt load.Options, sources []ingest.Source, progress func(int)) (load.Summary, error) {
	req := live.Request{Op: live.OpIngest, Files: info.Files, Snapshot: info.Snapshot,
		Strict: opt.Strict, SkipInvalid: opt.SkipInvalid, AutoLink: opt.AutoLink}
	for _, r := range opt.Extra {
		req.Extra = append(req.Extra, r.Encode(nil))
	}
	res, err := cl.Do(ctx, req, sources, progress)
	if err != nil {
		return load.Summary{}, err
	}
	if res.Err != "" {
		return res.Summary, errors.New(res.Err)
	}
	return res.Summary, nil
}

// liveHandler commits, in serve, the runs that other processes send to the
// embedded store it holds, and swaps the served view to the new data.
type liveHandler struct {
	st  *embedded.Store
	svc *service.Service
	log zerolog.Logger
	// events is how the runs' events are recorded (eventOptions).
	events watch.Options
}

func (h *liveHandler) Hello(context.Context) live.Hello {
	var ids []string
	for _, r := range h.svc.View().Engine().Snapshot().RegimeRecords() {
		ids = append(ids, r.ID)
	}
	return live.Hello{Store: h.st.Describe(), Regimes: ids}
}

func (h *liveHandler) Ingest(ctx context.Context, req live.Request, extra []*model.Record, sources []ingest.Source) (load.Summary, error) {
	if err := h.checkRegimes(extra); err != nil {
		return load.Summary{}, err
	}
	opt := load.Options{Strict: req.Strict, SkipInvalid: req.SkipInvalid, Extra: extra, AutoLink: req.AutoLink}
	t := &tracking{Store: h.st}
	refreshed := false
	refresh := func(ctx context.Context) {
		if t.committed && !refreshed {
			refreshed = true
			h.refresh(ctx, t.changed())
		}
	}
	sum, err := load.Commit(ctx, t, history.Info{Snapshot: req.Snapshot, Files: req.Files}, h.eventsAfter(refresh),
		func(ctx context.Context, st store.Store) (load.Summary, error) {
			return load.Run(ctx, st, sources, opt)
		})
	refresh(ctx)
	return sum, h.committed(err)
}

// eventsAfter returns the options that record a run's events, screening with
// the served view once refresh has swapped it to the run's data.
func (h *liveHandler) eventsAfter(refresh func(context.Context)) watch.Options {
	opt := h.events
	if eng := opt.Engine; eng != nil {
		opt.Engine = func(ctx context.Context, version string) (*rules.Engine, error) {
			refresh(ctx)
			return eng(ctx, version)
		}
	}
	return opt
}

// committed is a run's error as the client sees it: a run that committed but
// whose events were not recorded is a success there; the serve's event loop
// records them (recordEvents).
func (h *liveHandler) committed(err error) error {
	if errors.Is(err, load.ErrEvents) {
		h.log.Warn().Err(err).Msg("live run committed; recording its events later")
		return nil
	}
	return err
}

// checkRegimes refuses a client's --regimes file whose listingsOf close a cycle
// through the regimes stored here (the client knew only their ids).
func (h *liveHandler) checkRegimes(extra []*model.Record) error {
	var mine []*rules.Regime
	for _, r := range extra {
		if r.Kind != model.KindRegime {
			continue
		}
		def, err := rules.ParseSpec(r.Spec)
		if err != nil {
			return fmt.Errorf("regime %s: %w", r.ID, err)
		}
		mine = append(mine, def)
	}
	if len(mine) == 0 {
		return nil
	}
	_, err := rules.SetOf(h.svc.View().Engine().Snapshot(), mine)
	return err
}

func (h *liveHandler) Wipe(ctx context.Context) error {
	// A recorded run, as a local wipe: the run log, watches and events stay.
	refreshed := false
	refresh := func(ctx context.Context) {
		if !refreshed {
			refreshed = true
			h.refresh(ctx, nil)
		}
	}
	_, _, err := load.Wipe(ctx, h.st, h.eventsAfter(refresh))
	if err != nil && !errors.Is(err, load.ErrEvents) {
		return err
	}
	refresh(ctx)
	return h.committed(err)
}

// refresh swaps the view; a failure leaves the previous view served and is
// logged (the next run or a restart loads the store again).
func (h *liveHandler) refresh(ctx context.Context, keys []model.Key) {
	if err := h.svc.Refresh(context.WithoutCancel(ctx), keys); err != nil {
		h.log.Error().Err(err).Msg("live run committed but the view was not updated")
	}
}

// maxTracked bounds the keys a live run remembers for the view's update; a
// bigger run reloads the whole view instead.
const maxTracked = 1 << 20

// tracking is a store whose run remembers the keys it writes.
type tracking struct {
	store.Store
	mu        sync.Mutex
	keys      map[model.Key]struct{}
	overflow  bool
	committed bool
}

func (t *tracking) Begin(ctx context.Context) (store.Run, error) {
	r, err := t.Store.Begin(ctx)
	if err != nil {
		return nil, err
	}
	t.keys = map[model.Key]struct{}{}
	return &trackingRun{Run: r, t: t}, nil
}

func (t *tracking) note(k model.Key) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.overflow {
		return
	}
	if t.keys[k] = struct{}{}; len(t.keys) > maxTracked {
		t.overflow, t.keys = true, nil
	}
}

// changed returns the keys written, or nil when there were too many.
func (t *tracking) changed() []model.Key {
	if t.overflow {
		return nil
	}
	out := make([]model.Key, 0, len(t.keys))
	for k := range t.keys {
		out = append(out, k)
	}
	return out
}

type trackingRun struct {
	store.Run
	t *tracking
}

func (r *trackingRun) Put(ctx context.Context, rec *model.Record) error {
	if err := r.Run.Put(ctx, rec); err != nil {
		return err
	}
	r.t.note(rec.Key())
	return nil
}

func (r *trackingRun) Delete(ctx context.Context, k model.Key) error {
	if err := r.Run.Delete(ctx, k); err != nil {
		return err
	}
	r.t.note(k)
	return nil
}

func (r *trackingRun) Commit(ctx context.Context) (model.Hash, error) {
	v, err := r.Run.Commit(ctx)
	if err == nil {
		r.t.committed = true
	}
	return v, err
}
