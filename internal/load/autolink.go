package load

import (
	"context"
	"fmt"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/resolve"
	"github.com/keiretsu/keiretsu/internal/store"
)

// linkTracker remembers what a run did to entities and same_as records, so that
// automatic links can be computed at its end over the store's committed data with
// the run's changes on top. It keeps strong identifier keys, not records: a run's
// entity without strong identifiers costs its id only. A nil tracker does nothing.
type linkTracker struct {
	// ents is the run's last word on each entity it put or deleted: nil when the
	// entity has no strong identifier or was deleted.
	ents map[string]*resolve.Ident
	// links is the run's last word on each same_as key: nil when deleted.
	links   map[model.Key]*resolve.Link
	touched bool
}

func newLinkTracker() *linkTracker {
	return &linkTracker{ents: map[string]*resolve.Ident{}, links: map[model.Key]*resolve.Link{}}
}

func (t *linkTracker) put(r *model.Record) {
	if t == nil {
		return
	}
	switch r.Kind {
	case model.KindEntity:
		t.touched = true
		x := resolve.IdentOf(r)
		if len(x.Keys) == 0 {
			t.ents[r.ID] = nil
		} else {
			t.ents[r.ID] = &x
		}
	case model.KindSameAs:
		t.touched = true
		t.links[r.Key()] = &resolve.Link{Pair: resolve.Pair{A: r.Src, B: r.Dst}, From: r.Valid.From, Auto: r.Source == resolve.AutoSource}
	}
}

func (t *linkTracker) delete(k model.Key) {
	if t == nil {
		return
	}
	switch k.Kind {
	case model.KindEntity:
		t.touched = true
		t.ents[k.Src] = nil
	case model.KindSameAs:
		t.touched = true
		t.links[k] = nil
	}
}

// needed reports whether the run changed anything automatic links depend on.
func (t *linkTracker) needed() bool { return t != nil && t.touched }

// apply reads the committed entities' strong identifiers and the committed same_as
// records (one Scan, finished before any write), lays the run's changes over them,
// and writes the links resolve.AutoLinks asks for into the run.
func (t *linkTracker) apply(ctx context.Context, st store.Store, run store.Run, sum *Summary) error {
	ents := map[string]resolve.Ident{}
	var links []resolve.Link
	_, err := st.Scan(ctx, func(r *model.Record) error {
		switch r.Kind {
		case model.KindEntity:
			if _, mine := t.ents[r.ID]; mine {
				return nil
			}
			if x := resolve.IdentOf(r); len(x.Keys) > 0 {
				ents[r.ID] = x
			}
		case model.KindSameAs:
			k := r.Key()
			if _, mine := t.links[k]; mine {
				return nil
			}
			links = append(links, resolve.Link{Pair: resolve.Pair{A: r.Src, B: r.Dst}, From: r.Valid.From, Auto: r.Source == resolve.AutoSource})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("automatic links: %w", err)
	}
	for id, x := range t.ents {
		if x != nil {
			ents[id] = *x
		}
	}
	for _, l := range t.links {
		if l != nil {
			links = append(links, *l)
		}
	}
	res := resolve.AutoLinks(ents, links)
	for _, r := range res.Add {
		if err := run.Put(ctx, r); err != nil {
			return fmt.Errorf("automatic links: %w", err)
		}
	}
	for _, l := range res.Stale {
		if err := run.Delete(ctx, l.Key()); err != nil {
			return fmt.Errorf("automatic links: %w", err)
		}
	}
	sum.AutoLinked, sum.AutoUnlinked = len(res.Add), len(res.Stale)
	sum.AutoSkipped = res.Skipped[:min(len(res.Skipped), maxListed)]
	return nil
}
