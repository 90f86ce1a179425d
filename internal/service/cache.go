package service

import (
	"context"
	"sync"

	"github.com/keiretsu/keiretsu/internal/model"
)

// maxCached bounds the records a view keeps (see recordCache); tests lower it.
var maxCached = 100_000

// recordCache keeps the records a view's requests read from the store of
// record, and the keys it found no record for, so that requests naming the
// same entities do not read them again: a round trip to the server per request
// when the store is Neo4j. A reload starts with an empty cache; an update
// (Service.apply) starts with its predecessor's less every key the update
// wrote or deleted, so it never serves an older record and the requests after
// a small update do not all read the store again. When it holds maxCached
// records it starts over. Cached records are shared: readers must not change
// them.
type recordCache struct {
	mu sync.RWMutex
	m  map[model.Key]*model.Record
}

// Records returns the stored records with the given keys, in order, nil where
// none is stored, reading from the store only the keys the view's cache lacks.
func (v *View) Records(ctx context.Context, keys []model.Key) ([]*model.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err // the request is over: nothing more is read for it
	}
	out := make([]*model.Record, len(keys))
	var miss []model.Key
	var at []int
	c := &v.recs
	c.mu.RLock()
	for i, k := range keys {
		r, ok := c.m[k]
		if !ok {
			miss, at = append(miss, k), append(at, i)
		}
		out[i] = r
	}
	c.mu.RUnlock()
	if len(miss) == 0 {
		return out, nil
	}
	if err := v.health.check(); err != nil {
		return nil, err
	}
	recs, err := v.st.Get(ctx, miss)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, v.health.readFailed(err)
	}
	for j, r := range recs {
		out[at[j]] = r
	}
	if len(miss) > maxCached {
		return out, nil // more than the cache holds: not kept
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m)+len(miss) > maxCached {
		c.m = make(map[model.Key]*model.Record, len(miss))
	}
	for j, r := range recs {
		c.m[miss[j]] = r
	}
	return out, nil
}

// without returns a copy of the cache's records less the given keys (nil
// when the cache is empty).
func (c *recordCache) without(removed map[model.Key]bool) map[model.Key]*model.Record {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if len(c.m) == 0 {
		return nil
	}
	out := make(map[model.Key]*model.Record, len(c.m))
	for k, r := range c.m {
		if !removed[k] {
			out[k] = r
		}
	}
	return out
}
