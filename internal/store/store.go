// Package store defines the store of record: the interface both stores (embedded
// and Neo4j) implement, and the errors they share. The conformance suite that every
// implementation must pass lives in the storetest subpackage.
//
// A store keeps records (see model.Record) by key. Writes happen in ingest runs: a
// Run collects puts and deletes and makes all of them visible at Commit, or none of
// them (Rollback, an error, or a killed process). A store also keeps the content
// hash of its data (model.Hash), maintained on every commit, which is the public
// dataVersion: two stores holding the same records report the same version.
package store

import (
	"context"
	"errors"

	"github.com/keiretsu/keiretsu/internal/model"
)

// ErrLocked is returned by Open when another process holds the store.
var ErrLocked = errors.New("store is in use by another process")

// ErrClosed is returned by operations on a closed store or a finished run.
var ErrClosed = errors.New("store or run is closed")

// Store is a store of record.
type Store interface {
	// Begin starts an ingest run. Only one run at a time may be open per store.
	Begin(ctx context.Context) (Run, error)
	// Scan calls fn for every record of one committed state, in no particular
	// order, and returns that state's mark. The record passed to fn is reused
	// after fn returns.
	Scan(ctx context.Context, fn func(*model.Record) error) (Mark, error)
	// Get returns the records with the given keys, in order; nil where none is stored.
	Get(ctx context.Context, keys []model.Key) ([]*model.Record, error)
	// Version returns the content hash of everything stored.
	Version(ctx context.Context) (model.Hash, error)
	// Position returns how many runs (and wipes) the store has committed.
	Position(ctx context.Context) (uint64, error)
	// Wipe deletes every record and the bookkeeping (Meta) with them.
	Wipe(ctx context.Context) error
	// UpdateMeta runs fn in one atomic transaction of the store's bookkeeping,
	// serialised with every other process's; an error from fn writes nothing.
	// ViewMeta runs fn over one consistent state of it.
	UpdateMeta(ctx context.Context, fn func(MetaTx) error) error
	ViewMeta(ctx context.Context, fn func(MetaTx) error) error
	// Describe names the store for logs and messages, e.g. "embedded ./keiretsu-data".
	Describe() string
	Close() error
}

// Run is one atomic ingest run.
type Run interface {
	// Put upserts a normalized, validated record.
	Put(ctx context.Context, r *model.Record) error
	// Delete removes the record with this key, if any.
	Delete(ctx context.Context, k model.Key) error
	// Missing returns those of ids that are not defined as nodes of kind (entity,
	// product or regime), counting records put earlier in this run.
	Missing(ctx context.Context, kind model.Kind, ids []string) ([]string, error)
	// Commit makes every write of the run visible at once and returns the store's
	// new version.
	Commit(ctx context.Context) (model.Hash, error)
	// Rollback abandons the run; it is a no-op after Commit.
	Rollback(ctx context.Context) error
}

// MetaTx reads and writes the store's bookkeeping: named buckets of keys and
// values beside the records (the run log, past states, watches, events),
// never part of the data or its version. Reads see the transaction's writes.
type MetaTx interface {
	Get(bucket, key string) ([]byte, error)
	Put(bucket, key string, value []byte) error
	Delete(bucket, key string) error
	// Scan calls fn for the keys >= from of bucket in byte order until fn
	// returns false.
	Scan(bucket, from string, fn func(key string, value []byte) bool) error
}

// Mark identifies a committed state of a store: its content hash (the
// dataVersion) and its position in the store's commit order.
type Mark struct {
	Version  model.Hash
	Position uint64
}

// Change is one committed write, as reported to a change follower.
type Change struct {
	Delete bool
	Key    model.Key
	Record *model.Record // nil for a delete
}

// Follower is implemented by stores that other processes can write to while
// this process serves (Neo4j). Changes returns what was committed after the
// position since (from an earlier Changes or Scan) and the mark of the state
// it leads to, one change per key (the last), so that removing every key and
// adding every put record gives that state. When the store cannot say (its
// log was truncated), it returns ErrResync and the caller scans again.
type Follower interface {
	Changes(ctx context.Context, since uint64) ([]Change, Mark, error)
}

// ErrResync is returned by Follower.Changes when the caller must scan again.
var ErrResync = errors.New("change log truncated: reload")
