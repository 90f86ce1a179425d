package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/keiretsu/keiretsu/internal/store"
)

// MetaFileName is the bookkeeping database inside the store directory: the
// run log, past states, watches and events. It is a file of its own, opened
// for each transaction and closed after it, so that processes holding the data
// file read-only (serve, screen) can write bookkeeping too, one at a time.
const MetaFileName = "meta.db"

// metaLockWait is how long a bookkeeping transaction waits for another
// process's.
const metaLockWait = 30 * time.Second

func (s *Store) metaPath() string { return filepath.Join(s.dir, MetaFileName) }

func (s *Store) openMeta(readOnly bool) (*bolt.DB, error) {
	path := s.metaPath()
	if err := checkFile(path); err != nil {
		return nil, err
	}
	if readOnly {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	db, err := openMetaBolt(path, readOnly)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w", path, store.ErrLocked)
	}
	if errors.Is(err, ErrCorrupt) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func openMetaBolt(path string, readOnly bool) (db *bolt.DB, err error) {
	defer guard(path, &err)()
	db, err = bolt.Open(path, 0o644, &bolt.Options{Timeout: metaLockWait, ReadOnly: readOnly})
	switch {
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum),
		errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrInvalidMapping):
		err = fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	return db, err
}

// UpdateMeta runs fn in one bbolt write transaction of the bookkeeping file.
func (s *Store) UpdateMeta(ctx context.Context, fn func(store.MetaTx) error) (err error) {
	db, err := s.openMeta(false)
	if err != nil {
		return err
	}
	defer db.Close()
	defer guard(s.metaPath(), &err)()
	return db.Update(func(tx *bolt.Tx) error { return fn(metaTx{tx}) })
}

// ViewMeta runs fn in one read transaction of the bookkeeping file (empty when
// there is none yet).
func (s *Store) ViewMeta(ctx context.Context, fn func(store.MetaTx) error) (err error) {
	db, err := s.openMeta(true)
	if err != nil {
		return err
	}
	if db == nil {
		return fn(metaTx{})
	}
	defer db.Close()
	defer guard(s.metaPath(), &err)()
	return db.View(func(tx *bolt.Tx) error { return fn(metaTx{tx}) })
}

// wipeMeta removes the bookkeeping file.
func (s *Store) wipeMeta(context.Context) error {
	db, err := s.openMeta(false)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		var names [][]byte
		if err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, bytes.Clone(name))
			return nil
		}); err != nil {
			return err
		}
		for _, n := range names {
			if err := tx.DeleteBucket(n); err != nil {
				return err
			}
		}
		return nil
	})
}

// metaTx is a bookkeeping transaction; a nil tx is the empty bookkeeping.
type metaTx struct{ tx *bolt.Tx }

func (m metaTx) bucket(name string, create bool) (*bolt.Bucket, error) {
	if m.tx == nil {
		return nil, nil
	}
	if create && m.tx.Writable() {
		return m.tx.CreateBucketIfNotExists([]byte(name))
	}
	return m.tx.Bucket([]byte(name)), nil
}

func (m metaTx) Get(bucket, key string) ([]byte, error) {
	b, err := m.bucket(bucket, false)
	if b == nil || err != nil {
		return nil, err
	}
	return bytes.Clone(b.Get([]byte(key))), nil
}

func (m metaTx) Put(bucket, key string, value []byte) error {
	b, err := m.bucket(bucket, true)
	if err != nil {
		return err
	}
	if b == nil {
		return fmt.Errorf("bookkeeping: write in a read transaction")
	}
	return b.Put([]byte(key), value)
}

func (m metaTx) Delete(bucket, key string) error {
	b, err := m.bucket(bucket, false)
	if b == nil || err != nil {
		return err
	}
	return b.Delete([]byte(key))
}

func (m metaTx) Scan(bucket, from string, fn func(string, []byte) bool) error {
	b, err := m.bucket(bucket, false)
	if b == nil || err != nil {
		return err
	}
	c := b.Cursor()
	for k, v := c.Seek([]byte(from)); k != nil; k, v = c.Next() {
		if !fn(string(k), bytes.Clone(v)) {
			return nil
		}
	}
	return nil
}
