package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrUnavailable is returned by a View's record reads while the store of
// record cannot be reached: screenings go on from the projection, reads of
// records fail at once instead of waiting for the store.
var ErrUnavailable = errors.New("the store of record is unreachable")

// health is what a Service knows of its store's reachability, shared by its
// views: degraded from the first failed probe (or read) until a probe
// succeeds. Only a Service that probes its store (Follow) marks it.
type health struct {
	mu     sync.Mutex
	probed bool
	reason string
	since  time.Time
}

// readFailed marks a failed read of a probed store and returns the error to
// give: ErrUnavailable for a probed store, err itself otherwise.
func (h *health) readFailed(err error) error {
	if h == nil {
		return err
	}
	h.mu.Lock()
	probed := h.probed
	h.mu.Unlock()
	if !probed {
		return err
	}
	h.fail(err)
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

func (h *health) fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.probed {
		return
	}
	if h.reason == "" {
		h.since = time.Now()
	}
	h.reason = err.Error()
}

func (h *health) ok() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reason = ""
}

// check returns ErrUnavailable, with the reason, while degraded.
func (h *health) check() error {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reason == "" {
		return nil
	}
	return fmt.Errorf("%w (since %s: %s): screening goes on from the loaded data; retry later", ErrUnavailable, h.since.UTC().Format(time.RFC3339), h.reason)
}

// Readiness reports whether the service's store of record is reachable; when
// it is not, reason says why and since when. A store that is not probed (the
// embedded one, which this process holds) is always ready.
func (s *Service) Readiness() (ready bool, reason string) {
	if err := s.health.check(); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// probeTimeout bounds one check of the store while following it.
const probeTimeout = 5 * time.Second

// probe runs one catch-up with the store, bounded in time, and records the
// store's health from its outcome.
func (s *Service) probe(ctx context.Context, catchUp func(context.Context) error) {
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	err := catchUp(pctx)
	switch {
	case ctx.Err() != nil:
	case err != nil:
		s.health.fail(err)
		s.opt.Log.Warn().Err(err).Msg("following store changes")
	default:
		s.health.ok()
	}
}
