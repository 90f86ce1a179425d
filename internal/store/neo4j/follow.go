package neo4j

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// Position returns the number of runs (and wipes) committed so far.
func (s *Store) Position(ctx context.Context) (uint64, error) {
	m, err := s.readMeta(ctx)
	if err != nil {
		return 0, fmt.Errorf("read position: %w", err)
	}
	return uint64(m.position), nil
}

// Changes returns the writes committed after position since, one per key (the
// last), runs in commit order (within a staged run, node records come before
// relationships), and the mark of the state they lead to. It returns
// store.ErrResync when the change log no longer reaches back to since: the log
// keeps KeepRuns runs, leaves out runs larger than LogMax, and a wipe restarts
// it.
func (s *Store) Changes(ctx context.Context, since uint64) ([]store.Change, store.Mark, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	type result struct {
		changes []store.Change
		pos     int64
		hash    model.Hash
	}
	res, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (result, error) {
		m, err := metaIn(ctx, tx)
		if err != nil {
			return result{}, err
		}
		from := int64(since)
		if from == m.position {
			return result{pos: m.position, hash: m.hash}, nil
		}
		if from > m.position || from < m.logFrom {
			return result{}, store.ErrResync
		}
		rs, err := tx.Run(ctx, cypherLogRead, map[string]any{"since": from, "pos": m.position})
		if err != nil {
			return result{}, err
		}
		var out []store.Change
		for rs.Next(ctx) {
			blob, _, err := neo4j.GetRecordValue[[]byte](rs.Record(), "ops")
			if err != nil {
				return result{}, err
			}
			ops, err := decodeOps(blob)
			if err != nil {
				return result{}, err
			}
			if out, err = changesOf(ops, out); err != nil {
				return result{}, err
			}
		}
		if err := rs.Err(); err != nil {
			return result{}, err
		}
		// The log may have been trimmed while we read it.
		after, err := metaIn(ctx, tx)
		if err != nil {
			return result{}, err
		}
		if after.logFrom > from {
			return result{}, store.ErrResync
		}
		return result{changes: lastPerKey(out), pos: m.position, hash: m.hash}, nil
	})
	if err != nil {
		return nil, store.Mark{}, fmt.Errorf("read changes since %d: %w", since, err)
	}
	return res.changes, store.Mark{Version: res.hash, Position: uint64(res.pos)}, nil
}

// lastPerKey keeps the last change of every key, in the order of those last
// changes, so that "remove every key, then add every put record" gives the
// committed state.
func lastPerKey(ch []store.Change) []store.Change {
	last := make(map[model.Key]int, len(ch))
	for i, c := range ch {
		last[c.Key] = i
	}
	out := ch[:0]
	for i, c := range ch {
		if last[c.Key] == i {
			out = append(out, c)
		}
	}
	return out
}
