package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/store"
)

// storedRegimes reads the regimes stored with the data by earlier runs, on demand
// and once each (a store may hold many records and few regimes).
type storedRegimes struct {
	ctx  context.Context
	st   store.Store
	defs map[string]*model.Record // nil value: not stored
	err  error
}

func newStoredRegimes(ctx context.Context, st store.Store) *storedRegimes {
	return &storedRegimes{ctx: ctx, st: st, defs: map[string]*model.Record{}}
}

// get returns the stored record of regime id, nil when none.
func (s *storedRegimes) get(id string) *model.Record {
	r, seen := s.defs[id]
	if !seen {
		recs, err := s.st.Get(s.ctx, []model.Key{{Kind: model.KindRegime, Src: id, From: model.MinDate}})
		if err != nil {
			if s.err == nil {
				s.err = fmt.Errorf("read stored regime %s: %w", id, err)
			}
		} else {
			r = recs[0]
		}
		s.defs[id] = r
	}
	return r
}

// has reports whether regime id is stored.
func (s *storedRegimes) has(id string) bool { return s.get(id) != nil }

// loadUserRegimes reads a --regimes file whose listingsOf may name, besides the
// built-in regimes and those of the file, the regimes stored by earlier runs
// (contract section 5.3). It checks that the file's regimes and the stored ones
// they reach close no cycle of listingsOf.
func loadUserRegimes(ctx context.Context, st store.Store, path string) ([]*rules.Regime, error) {
	stored := newStoredRegimes(ctx, st)
	extra, err := rules.LoadFileWith(path, stored.has)
	if stored.err != nil {
		return nil, stored.err
	}
	if err != nil {
		return nil, err
	}
	// The stored regimes the file reaches through listingsOf, transitively.
	known := map[string]bool{}
	for _, r := range rules.Builtin() {
		known[r.ID] = true
	}
	for _, r := range extra {
		known[r.ID] = true
	}
	var reached []*rules.Regime
	queue := slices.Clone(extra)
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for _, id := range r.ListingsOf() {
			if known[id] {
				continue
			}
			known[id] = true
			rec := stored.get(id)
			if rec == nil {
				continue
			}
			def, err := rules.ParseSpec(rec.Spec)
			if err != nil {
				return nil, fmt.Errorf("stored regime %s: %w", id, err)
			}
			reached = append(reached, def)
			queue = append(queue, def)
		}
	}
	if stored.err != nil {
		return nil, stored.err
	}
	if _, err := rules.NewSet(rules.Builtin(), reached, extra); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return extra, nil
}
