package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrCorrupt is returned when a store file is empty, truncated or damaged: the
// store is left as it is (never replaced), and the error names the file.
var ErrCorrupt = errors.New("not a readable keiretsu store file")

// bbolt's meta page, as laid out in every page 0 and 1 of its files: a 16-byte
// page header, then magic, version, page size, flags (4 bytes each), the root
// bucket (page id and sequence), the freelist page id, the high-water page id,
// the transaction id and an FNV-64a checksum of everything before it.
const (
	boltMagic     = 0xED0CDAED
	boltVersion   = 2
	pageHeader    = 16
	metaSize      = 64
	metaChecksum  = 56 // offset of the checksum within the meta
	metaHighWater = 40
	metaTxid      = 48
)

// checkFile verifies, before bbolt maps the file, that path (if it exists) is
// a bbolt file whose newest valid meta page describes no more pages than the
// file holds. bbolt itself would initialise a zero-length file (replacing what
// was meant to be a store) and, for a truncated one, fault on the first read
// past the end of the file (SIGBUS); a damaged meta it reports in its own words,
// without the file's name.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if size == 0 {
		return fmt.Errorf("%s: %w: the file is empty (zero length); move it away or remove it to start an empty store", path, ErrCorrupt)
	}
	head := make([]byte, min(size, 64<<10))
	if _, err := io.ReadFull(f, head); err != nil {
		return fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	var best *meta
	if m, ok := readMeta(head, 0); ok {
		best = &m
	}
	// The second meta page follows the first, one page size on.
	ps := os.Getpagesize()
	if best != nil {
		ps = int(best.pageSize)
	}
	if m, ok := readMeta(head, ps); ok && (best == nil || m.txid > best.txid) {
		best = &m
	}
	if best == nil {
		return fmt.Errorf("%s: %w: no valid meta page (damaged, or not a keiretsu store)", path, ErrCorrupt)
	}
	if need := int64(best.highWater) * int64(best.pageSize); size < need {
		return fmt.Errorf("%s: %w: the file is truncated (%d bytes, its pages need %d)", path, ErrCorrupt, size, need)
	}
	return nil
}

type meta struct {
	pageSize  uint32
	highWater uint64
	txid      uint64
}

// readMeta parses and validates the meta page at offset off of head.
func readMeta(head []byte, off int) (meta, bool) {
	if off < 0 || off+pageHeader+metaSize > len(head) {
		return meta{}, false
	}
	b := head[off+pageHeader : off+pageHeader+metaSize]
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != boltMagic || le.Uint32(b[4:]) != boltVersion {
		return meta{}, false
	}
	h := fnv.New64a()
	h.Write(b[:metaChecksum])
	if h.Sum64() != le.Uint64(b[metaChecksum:]) {
		return meta{}, false
	}
	m := meta{pageSize: le.Uint32(b[8:]), highWater: le.Uint64(b[metaHighWater:]), txid: le.Uint64(b[metaTxid:])}
	if m.pageSize < 512 || m.pageSize > 1<<20 {
		return meta{}, false
	}
	return m, true
}

// guard turns a panic or a memory fault while reading or writing the file at
// path (bbolt panics on damaged pages, and a page past a file truncated while
// open faults) into an ErrCorrupt error naming the file. Use it as
//
//	defer guard(path, &err)()
//
// in the goroutine that touches the database.
func guard(path string, err *error) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		if p := recover(); p != nil {
			*err = fmt.Errorf("%s: %w: %v", path, ErrCorrupt, p)
		}
	}
}

// walk reads every page of an existing file, read-only and in this goroutine,
// before a writable open: bbolt's writable open rebuilds its free list by
// checking every page in a goroutine of its own, where a damaged page is a
// panic that no caller can recover (the process dies with a stack dump).
func walk(path string, timeout time.Duration) (err error) {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	db, err := openBolt(path, true, timeout)
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil // held by another process: the writable open says so
		}
		return err
	}
	defer db.Close()
	defer guard(path, &err)()
	return db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walkBucket(b) })
	})
}

func walkBucket(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if nb := b.Bucket(k); nb != nil {
				return walkBucket(nb)
			}
		}
		return nil
	})
}
