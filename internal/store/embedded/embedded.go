package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// FileName is the database file inside the store directory.
const FileName = "keiretsu.db"

const formatVersion = "1"

var (
	bucketRecords = []byte("records")
	bucketMeta    = []byte("meta")
	keyHash       = []byte("hash")
	keyFormat     = []byte("format")
)

// Store is the embedded store.
type Store struct {
	dir      string
	db       *bolt.DB
	readOnly bool
	mu       sync.Mutex // one run at a time
}

// Options for Open.
type Options struct {
	// ReadOnly opens with a shared lock; Begin and Wipe then fail.
	ReadOnly bool
	// LockTimeout is how long to wait for another process's lock (default 1 s).
	LockTimeout time.Duration
}

// Open opens (creating if needed) the store in directory dir.
func Open(dir string, opt Options) (*Store, error) {
	if opt.LockTimeout == 0 {
		opt.LockTimeout = time.Second
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && opt.ReadOnly {
		// Create an empty store first: a read-only open needs the file.
		s, err := Open(dir, Options{LockTimeout: opt.LockTimeout})
		if err != nil {
			return nil, err
		}
		if err := s.Close(); err != nil {
			return nil, err
		}
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{
		Timeout:        opt.LockTimeout,
		ReadOnly:       opt.ReadOnly,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w (stop the other keiretsu process, e.g. a running serve, or use Neo4j for concurrent ingest)", dir, store.ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{dir: dir, db: db, readOnly: opt.ReadOnly}
	if !opt.ReadOnly {
		err = db.Update(func(tx *bolt.Tx) error {
			if _, err := tx.CreateBucketIfNotExists(bucketRecords); err != nil {
				return err
			}
			meta, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			if f := meta.Get(keyFormat); f != nil && string(f) != formatVersion {
				return fmt.Errorf("store format %q, this keiretsu reads %q", f, formatVersion)
			}
			return meta.Put(keyFormat, []byte(formatVersion))
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	return s, nil
}

// Describe names the store.
func (s *Store) Describe() string { return "embedded " + s.dir }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Scan streams every record.
func (s *Store) Scan(ctx context.Context, fn func(*model.Record) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords)
		if b == nil {
			return nil
		}
		var r model.Record
		n := 0
		return b.ForEach(func(k, v []byte) error {
			if n++; n%65536 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := r.Decode(v); err != nil {
				return fmt.Errorf("scan %s: record %q: %w", s.dir, k, err)
			}
			return fn(&r)
		})
	})
}

// Get returns the records with the keys.
func (s *Store) Get(_ context.Context, keys []model.Key) ([]*model.Record, error) {
	out := make([]*model.Record, len(keys))
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords)
		if b == nil {
			return nil
		}
		var kb []byte
		for i, k := range keys {
			kb = k.AppendBytes(kb[:0])
			if v := b.Get(kb); v != nil {
				r := &model.Record{}
				if err := r.Decode(v); err != nil {
					return fmt.Errorf("get %s: %w", k, err)
				}
				out[i] = r
			}
		}
		return nil
	})
	return out, err
}

// Version returns the content hash.
func (s *Store) Version(context.Context) (model.Hash, error) {
	var h model.Hash
	err := s.db.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil {
			h = model.HashFromBytes(m.Get(keyHash))
		}
		return nil
	})
	return h, err
}

// Wipe deletes every record.
func (s *Store) Wipe(context.Context) error {
	if s.readOnly {
		return fmt.Errorf("wipe %s: opened read-only", s.dir)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketRecords); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
		if _, err := tx.CreateBucket(bucketRecords); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyHash, model.Hash{}.Bytes())
	})
}

// Begin starts a run: one bbolt write transaction.
func (s *Store) Begin(context.Context) (store.Run, error) {
	if s.readOnly {
		return nil, fmt.Errorf("ingest into %s: opened read-only", s.dir)
	}
	s.mu.Lock()
	tx, err := s.db.Begin(true)
	if err != nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("begin run: %w", err)
	}
	return &run{s: s, tx: tx, b: tx.Bucket(bucketRecords), hash: model.HashFromBytes(tx.Bucket(bucketMeta).Get(keyHash))}, nil
}

type run struct {
	s    *Store
	tx   *bolt.Tx
	b    *bolt.Bucket
	hash model.Hash
	done bool
}

func (r *run) Put(_ context.Context, rec *model.Record) error {
	if r.done {
		return store.ErrClosed
	}
	k := rec.Key().KeyBytes()
	v := rec.Encode(make([]byte, 0, 64))
	if old := r.b.Get(k); old != nil {
		if bytes.Equal(old, v) {
			return nil
		}
		r.hash = r.hash.Sub(model.HashOf(old))
	}
	r.hash = r.hash.Add(model.HashOf(v))
	return r.b.Put(k, v)
}

func (r *run) Delete(_ context.Context, k model.Key) error {
	if r.done {
		return store.ErrClosed
	}
	kb := k.KeyBytes()
	old := r.b.Get(kb)
	if old == nil {
		return nil
	}
	r.hash = r.hash.Sub(model.HashOf(old))
	return r.b.Delete(kb)
}

func (r *run) Missing(_ context.Context, kind model.Kind, ids []string) ([]string, error) {
	if r.done {
		return nil, store.ErrClosed
	}
	var out []string
	var kb []byte
	for _, id := range ids {
		kb = model.Key{Kind: kind, Src: id}.AppendBytes(kb[:0])
		if r.b.Get(kb) == nil {
			out = append(out, id)
		}
	}
	return out, nil
}

func (r *run) Commit(context.Context) (model.Hash, error) {
	if r.done {
		return model.Hash{}, store.ErrClosed
	}
	r.done = true
	defer r.s.mu.Unlock()
	if err := r.tx.Bucket(bucketMeta).Put(keyHash, r.hash.Bytes()); err != nil {
		_ = r.tx.Rollback()
		return model.Hash{}, err
	}
	if err := r.tx.Commit(); err != nil {
		return model.Hash{}, fmt.Errorf("commit run: %w", err)
	}
	return r.hash, nil
}

func (r *run) Rollback(context.Context) error {
	if r.done {
		return nil
	}
	r.done = true
	defer r.s.mu.Unlock()
	return r.tx.Rollback()
}
