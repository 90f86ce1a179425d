package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
	"unsafe"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// FileName is the database file inside the store directory.
const FileName = "keiretsu.db"

// ProjectionFileName is the persisted projection inside the store directory
// (written and read by the service, not the store: see package persist).
const ProjectionFileName = "projection.img"

const formatVersion = "1"

// initialMmap is the initial size of bbolt's memory map.
const initialMmap = 8 << 30

var (
	bucketRecords = []byte("records")
	bucketMeta    = []byte("meta")
	keyHash       = []byte("hash")
	keyPosition   = []byte("position")
	keyFormat     = []byte("format")
)

var _ store.Store = (*Store)(nil)

// Store is the embedded store.
type Store struct {
	dir      string
	path     string
	opt      Options
	readOnly bool
	mu       sync.Mutex // one run at a time
	// swap guards db, which an upgradable store replaces while it commits:
	// every use of db holds it for reading, a replacement for writing.
	swap sync.RWMutex
	db   *bolt.DB
	// held: the exclusive lock is held for the run in progress (upgradable).
	held bool
	// stats of the last run; hook, when set, is called at the points of a
	// staged run (the crash tests stop a process there). Both belong to the
	// holder of mu.
	stats RunStats
	hook  func(point string, n int)
}

// RunStats reports on a run's use of memory and transactions.
type RunStats struct {
	// MaxBuffered is the most bytes of writes (encoded records and their
	// index) the run held in memory at once.
	MaxBuffered int
	// Spills counts the chunks the run staged to disk (none for a run that
	// fits its buffer); Transactions the write transactions it took.
	Spills, Transactions int
}

// LastRun reports on the last run begun on the store (finished or not).
func (s *Store) LastRun() RunStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Options for Open.
type Options struct {
	// ReadOnly opens with a shared lock; Begin and Wipe then fail.
	ReadOnly bool
	// Upgradable, with ReadOnly, lets Begin and Wipe write all the same: the
	// store holds the shared lock, like any reader, and takes the exclusive one
	// only while a run commits or a wipe runs (serve, which commits the runs
	// other processes send it). Reads go on meanwhile.
	Upgradable bool
	// LockTimeout is how long to wait for another process's lock (default 1 s;
	// an upgrade waits up to UpgradeTimeout).
	LockTimeout time.Duration
	// UpgradeTimeout is how long an upgradable store's commit waits for other
	// processes' shared locks (short-lived readers such as screen; default 30 s).
	UpgradeTimeout time.Duration
	// RunBuffer is how many bytes of writes a run holds in memory before it
	// stages them to disk, and the most one staging transaction writes
	// (default DefaultRunBuffer).
	RunBuffer int
}

// DefaultRunBuffer is the default Options.RunBuffer.
const DefaultRunBuffer = 64 << 20

// Open opens (creating if needed) the store in directory dir.
func Open(dir string, opt Options) (*Store, error) {
	if opt.LockTimeout == 0 {
		opt.LockTimeout = time.Second
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	if err := checkFile(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
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
	if opt.UpgradeTimeout == 0 {
		opt.UpgradeTimeout = 30 * time.Second
	}
	if opt.RunBuffer <= 0 {
		opt.RunBuffer = DefaultRunBuffer
	}
	if !opt.ReadOnly {
		if err := walk(path, opt.LockTimeout); err != nil {
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	db, err := openBolt(path, opt.ReadOnly, opt.LockTimeout)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w (stop the other keiretsu process, or use Neo4j for concurrent ingest)", dir, store.ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{dir: dir, path: path, opt: opt, db: db, readOnly: opt.ReadOnly && !opt.Upgradable}
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
		if err == nil {
			err = s.recoverStage()
		}
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	return s, nil
}

// openBolt opens the data file; a file bbolt cannot read is ErrCorrupt.
func openBolt(path string, readOnly bool, timeout time.Duration) (db *bolt.DB, err error) {
	defer guard(path, &err)()
	db, err = bolt.Open(path, 0o644, &bolt.Options{
		Timeout:        timeout,
		ReadOnly:       readOnly,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		// A large initial map avoids remapping (which copies every dirty node to the
		// heap) while a big run commits; it is address space, not memory.
		InitialMmapSize: initialMmap,
	})
	switch {
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum),
		errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrInvalidMapping):
		err = fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	return db, err
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Describe names the store.
func (s *Store) Describe() string { return "embedded " + s.dir }

// Close closes the database.
func (s *Store) Close() error {
	s.swap.Lock()
	defer s.swap.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	return err
}

// view runs fn in a read transaction, guarded against a damaged file.
func (s *Store) view(fn func(*bolt.Tx) error) (err error) {
	s.swap.RLock()
	defer s.swap.RUnlock()
	if s.db == nil {
		return store.ErrClosed
	}
	defer guard(s.path, &err)()
	return s.db.View(fn)
}

// update runs fn in a write transaction; an upgradable store takes the
// exclusive lock for it (unless a run holds it) and gives it back after.
func (s *Store) update(fn func(*bolt.Tx) error) (err error) {
	if s.opt.Upgradable && !s.held {
		if err := s.acquire(); err != nil {
			return err
		}
		defer func() {
			if rerr := s.release(); rerr != nil && err == nil {
				err = rerr
			}
		}()
	}
	return s.write(fn)
}

// acquire takes the exclusive lock of an upgradable store until release;
// the caller holds mu.
func (s *Store) acquire() error {
	if !s.opt.Upgradable || s.held {
		return nil
	}
	if err := s.reopen(false); err != nil {
		return err
	}
	s.held = true
	return nil
}

// release gives back what acquire took.
func (s *Store) release() error {
	if !s.held {
		return nil
	}
	s.held = false
	return s.reopen(true)
}

// write runs fn in a write transaction of the handle as it is.
func (s *Store) write(fn func(*bolt.Tx) error) (err error) {
	s.swap.RLock()
	defer s.swap.RUnlock()
	if s.db == nil {
		return store.ErrClosed
	}
	defer guard(s.path, &err)()
	return s.db.Update(fn)
}

// upgradeAttempt is how long one attempt at the exclusive lock waits: readers
// in this process wait for the attempt, so it is short, and repeated.
const upgradeAttempt = 50 * time.Millisecond

// reopen replaces the database handle by one opened read-only (shared lock)
// or writable (exclusive lock), retrying until UpgradeTimeout while other
// processes hold the lock.
func (s *Store) reopen(readOnly bool) error {
	deadline := time.Now().Add(s.opt.UpgradeTimeout)
	for {
		s.swap.Lock()
		if s.db == nil {
			s.swap.Unlock()
			return store.ErrClosed
		}
		if s.db.IsReadOnly() == readOnly {
			s.swap.Unlock()
			return nil
		}
		if err := s.db.Close(); err != nil {
			s.swap.Unlock()
			return err
		}
		db, err := openBolt(s.path, readOnly, upgradeAttempt)
		if err == nil {
			s.db = db
			s.swap.Unlock()
			return nil
		}
		// Take back the handle we had, waiting as long as it takes: nothing
		// else holds the exclusive lock for long.
		back, berr := openBolt(s.path, !readOnly, s.opt.UpgradeTimeout)
		s.db = back
		s.swap.Unlock()
		if berr != nil {
			s.db = nil
			return fmt.Errorf("reopen store %s: %w", s.dir, berr)
		}
		if !errors.Is(err, bolterrors.ErrTimeout) {
			return fmt.Errorf("reopen store %s: %w", s.dir, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("commit to %s: %w (another process reads it: waited %s)", s.dir, store.ErrLocked, s.opt.UpgradeTimeout)
		}
		time.Sleep(upgradeAttempt)
	}
}

// Scan streams every record and returns the mark of the state read: one read
// transaction, so the records and the version belong together.
func (s *Store) Scan(ctx context.Context, fn func(*model.Record) error) (store.Mark, error) {
	var mark store.Mark
	err := s.view(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil {
			mark.Version = model.HashFromBytes(m.Get(keyHash))
			mark.Position = position(m)
		}
		var r model.Record
		n, read := 0, 0
		return forEach(tx, func(k, v []byte) error {
			if n++; n%65536 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if read += len(k) + len(v); read >= dropEvery {
				dropMapped(tx)
				read = 0
			}
			if err := r.Decode(v); err != nil {
				return fmt.Errorf("scan %s: record %q: %w", s.dir, k, err)
			}
			return fn(&r)
		})
	})
	return mark, err
}

// dropEvery is how many bytes a long read goes through between two calls to
// dropMapped: a scan's resident pages of the file stay under about this much.
var dropEvery = 64 << 20

// dropMappedPages gives back the map's pages read so far (dropMapped), after
// one of a staged run's transactions.
func (s *Store) dropMappedPages() {
	_ = s.view(func(tx *bolt.Tx) error {
		dropMapped(tx)
		return nil
	})
}

// Get returns the records with the keys.
func (s *Store) Get(_ context.Context, keys []model.Key) ([]*model.Record, error) {
	out := make([]*model.Record, len(keys))
	err := s.view(func(tx *bolt.Tx) error {
		var kb []byte
		for i, k := range keys {
			kb = k.AppendBytes(kb[:0])
			if v := lookup(tx, kb); v != nil {
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
	err := s.view(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil {
			h = model.HashFromBytes(m.Get(keyHash))
		}
		return nil
	})
	return h, err
}

// position reads the commit count from the meta bucket.
func position(meta *bolt.Bucket) uint64 {
	if v := meta.Get(keyPosition); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// advance counts one more commit in the meta bucket.
func advance(meta *bolt.Bucket) error {
	return meta.Put(keyPosition, binary.BigEndian.AppendUint64(nil, position(meta)+1))
}

// Position returns how many runs and wipes were committed.
func (s *Store) Position(context.Context) (uint64, error) {
	var p uint64
	err := s.view(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil {
			p = position(m)
		}
		return nil
	})
	return p, err
}

// Wipe deletes every record and the bookkeeping.
func (s *Store) Wipe(ctx context.Context) error {
	if s.readOnly {
		return fmt.Errorf("wipe %s: opened read-only", s.dir)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(tx *bolt.Tx) error {
		if err := dropStage(tx); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketRecords); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
		if _, err := tx.CreateBucket(bucketRecords); err != nil {
			return err
		}
		if err := advance(tx.Bucket(bucketMeta)); err != nil {
			return err
		}
		if err := s.wipeMeta(ctx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyHash, model.Hash{}.Bytes())
	})
}

// Begin starts a run. The run buffers its writes, encoded, up to
// Options.RunBuffer bytes; a run that fits is applied at Commit in key order
// within one bbolt write transaction (bbolt splits pages only at commit, so
// random-order inserts into one large transaction degrade quadratically, while
// sorted ones append). A larger run is staged to disk in chunks as its buffer
// fills (see the package comment).
func (s *Store) Begin(context.Context) (store.Run, error) {
	if s.readOnly {
		return nil, fmt.Errorf("ingest into %s: opened read-only", s.dir)
	}
	s.mu.Lock()
	s.stats = RunStats{}
	return &run{s: s}, nil
}

// op is one buffered write: its key and value lie in one arena chunk; the
// value is an op tag and, for a put, the record's encoding. prefix holds the
// key's first 8 bytes, big-endian, so most comparisons while sorting are one
// integer comparison.
type op struct {
	prefix          uint64
	chunk           uint32
	koff, voff, end uint32
	seq             uint32
	del             bool
}

// opSize is what one op costs in the buffer besides its bytes.
const opSize = int(unsafe.Sizeof(op{}))

// chunkSize is the arena's allocation unit; records never straddle chunks.
const chunkSize = 4 << 20

type run struct {
	s      *Store
	chunks [][]byte
	spare  [][]byte // emptied chunks, reused after a spill
	ops    []op
	sorted int // ops[:sorted] are sorted by key and deduplicated
	done   bool
	buf    []byte
	// bytes is what the buffer holds (arena bytes and ops); chunksSpilled
	// counts the chunks staged to disk.
	bytes         int
	chunksSpilled int
}

func (r *run) add(k model.Key, rec *model.Record, del bool) error {
	if r.done {
		return store.ErrClosed
	}
	b := k.AppendBytes(r.buf[:0])
	kl := len(b)
	if rec != nil {
		b = rec.Encode(append(b, opPut))
	} else {
		b = append(b, opDel)
	}
	r.buf = b
	if len(r.ops) > 0 && r.bytes+len(b)+opSize > r.s.opt.RunBuffer {
		if err := r.spill(); err != nil {
			return err
		}
	}
	if len(r.chunks) == 0 || len(r.chunks[len(r.chunks)-1])+len(b) > cap(r.chunks[len(r.chunks)-1]) {
		size := max(min(chunkSize, r.s.opt.RunBuffer), len(b))
		if n := len(r.spare); n > 0 && cap(r.spare[n-1]) >= size {
			r.chunks, r.spare = append(r.chunks, r.spare[n-1]), r.spare[:n-1]
		} else {
			r.chunks = append(r.chunks, make([]byte, 0, size))
		}
	}
	ci := len(r.chunks) - 1
	c := r.chunks[ci]
	o := op{chunk: uint32(ci), koff: uint32(len(c)), seq: uint32(len(r.ops)), del: del}
	o.voff, o.end = o.koff+uint32(kl), o.koff+uint32(len(b))
	r.chunks[ci] = append(c, b...)
	var pre [8]byte
	copy(pre[:], b[:kl])
	o.prefix = binary.BigEndian.Uint64(pre[:])
	r.ops = append(r.ops, o)
	r.bytes += len(b) + opSize
	r.s.stats.MaxBuffered = max(r.s.stats.MaxBuffered, r.bytes)
	return nil
}

// reset empties the buffer after a spill, keeping its chunks for reuse.
func (r *run) reset() {
	for _, c := range r.chunks {
		r.spare = append(r.spare, c[:0])
	}
	r.chunks, r.ops, r.sorted, r.bytes = r.chunks[:0], r.ops[:0], 0, 0
}

func (r *run) key(o op) []byte   { return r.chunks[o.chunk][o.koff:o.voff] }
func (r *run) value(o op) []byte { return r.chunks[o.chunk][o.voff:o.end] }

func (r *run) Put(_ context.Context, rec *model.Record) error { return r.add(rec.Key(), rec, false) }

func (r *run) Delete(_ context.Context, k model.Key) error { return r.add(k, nil, true) }

func (r *run) compare(a, b op) int {
	switch {
	case a.prefix < b.prefix:
		return -1
	case a.prefix > b.prefix:
		return 1
	}
	if c := bytes.Compare(r.key(a), r.key(b)); c != 0 {
		return c
	}
	return int(a.seq) - int(b.seq)
}

// sortOps orders the buffered writes by key, keeping only the last write of each
// key. The two halves are sorted in parallel and merged.
func (r *run) sortOps() {
	if r.sorted == len(r.ops) {
		return
	}
	ops := r.ops
	if len(ops) > 1<<16 {
		mid := len(ops) / 2
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); slices.SortFunc(ops[:mid], r.compare) }()
		slices.SortFunc(ops[mid:], r.compare)
		wg.Wait()
		merged := make([]op, 0, len(ops))
		i, j := 0, mid
		for i < mid && j < len(ops) {
			if r.compare(ops[i], ops[j]) <= 0 {
				merged, i = append(merged, ops[i]), i+1
			} else {
				merged, j = append(merged, ops[j]), j+1
			}
		}
		merged = append(append(merged, ops[i:mid]...), ops[j:]...)
		ops = merged
	} else {
		slices.SortFunc(ops, r.compare)
	}
	out := ops[:0]
	for i, o := range ops {
		if i+1 < len(ops) && o.prefix == ops[i+1].prefix && bytes.Equal(r.key(o), r.key(ops[i+1])) {
			continue // a later write of the same key wins
		}
		out = append(out, o)
	}
	r.ops = out
	r.sorted = len(out)
}

// pending returns the run's last buffered write of key kb, if any.
func (r *run) pending(kb []byte) (op, bool) {
	r.sortOps()
	i, ok := slices.BinarySearchFunc(r.ops, kb, func(o op, k []byte) int { return bytes.Compare(r.key(o), k) })
	if !ok {
		return op{}, false
	}
	return r.ops[i], true
}

func (r *run) Missing(_ context.Context, kind model.Kind, ids []string) ([]string, error) {
	if r.done {
		return nil, store.ErrClosed
	}
	r.sortOps()
	var out, unknown []string
	var kb []byte
	// Ids defined (or deleted) by the run itself need no store lookup. When the
	// ids come sorted (the loader sorts them) one forward walk over the sorted
	// writes finds them; otherwise each is a binary search.
	sorted := slices.IsSorted(ids)
	j := 0
	for _, id := range ids {
		kb = model.Key{Kind: kind, Src: id}.AppendBytes(kb[:0])
		var o op
		found := false
		if sorted {
			for j < len(r.ops) && bytes.Compare(r.key(r.ops[j]), kb) < 0 {
				j++
			}
			if j < len(r.ops) && bytes.Equal(r.key(r.ops[j]), kb) {
				o, found = r.ops[j], true
			}
		} else {
			o, found = r.pending(kb)
		}
		switch {
		case found && o.del:
			out = append(out, id)
		case !found:
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return out, nil
	}
	err := r.s.view(func(tx *bolt.Tx) error {
		// The run's spilled chunks, newest first, then the store.
		var walkers []*walker
		if sp := tx.Bucket(bucketSpill); sp != nil {
			for n := r.chunksSpilled - 1; n >= 0; n-- {
				if c := sp.Bucket(chunkName(n)); c != nil {
					walkers = append(walkers, &walker{c: c.Cursor()})
				}
			}
		}
	ids:
		for _, id := range unknown {
			kb = model.Key{Kind: kind, Src: id}.AppendBytes(kb[:0])
			for _, w := range walkers {
				if v, ok := w.find(kb, sorted); ok {
					if v[0] == opDel {
						out = append(out, id)
					}
					continue ids
				}
			}
			if lookup(tx, kb) == nil {
				out = append(out, id)
			}
		}
		dropMapped(tx)
		return nil
	})
	return out, err
}

// walker finds keys in a spilled chunk: for keys asked in order, it steps
// forward over a short gap instead of seeking from the root.
type walker struct {
	c       *bolt.Cursor
	k, v    []byte
	started bool
}

func (w *walker) find(kb []byte, ascending bool) ([]byte, bool) {
	if !w.started || !ascending {
		w.k, w.v = w.c.Seek(kb)
		w.started = true
	} else {
		for i := 0; w.k != nil && bytes.Compare(w.k, kb) < 0; i++ {
			if i == 8 {
				w.k, w.v = w.c.Seek(kb)
				break
			}
			w.k, w.v = w.c.Next()
		}
	}
	if w.k != nil && bytes.Equal(w.k, kb) {
		return w.v, true
	}
	return nil, false
}

func (r *run) Commit(context.Context) (model.Hash, error) {
	if r.done {
		return model.Hash{}, store.ErrClosed
	}
	r.done = true
	var h model.Hash
	var err error
	if r.chunksSpilled > 0 {
		h, err = r.commitStaged()
	} else {
		h, err = r.commitBuffered()
	}
	r.chunks, r.spare, r.ops = nil, nil, nil
	if rerr := r.s.release(); rerr != nil && err == nil {
		err = rerr
	}
	r.s.mu.Unlock()
	if err != nil {
		return model.Hash{}, fmt.Errorf("commit run: %w", err)
	}
	return h, nil
}

// commitBuffered commits a run that fits its buffer in one transaction.
func (r *run) commitBuffered() (model.Hash, error) {
	if err := r.s.acquire(); err != nil {
		return model.Hash{}, err
	}
	if err := r.s.recoverStage(); err != nil {
		return model.Hash{}, err
	}
	r.sortOps()
	var h model.Hash
	err := r.s.write(func(tx *bolt.Tx) error {
		b, meta := tx.Bucket(bucketRecords), tx.Bucket(bucketMeta)
		h = model.HashFromBytes(meta.Get(keyHash))
		for _, o := range r.ops {
			k, v := r.key(o), r.value(o)[1:]
			old := b.Get(k)
			if o.del {
				if old == nil {
					continue
				}
				h = h.Sub(model.HashOf(old))
				if err := b.Delete(k); err != nil {
					return err
				}
				continue
			}
			if old != nil {
				if bytes.Equal(old, v) {
					continue
				}
				h = h.Sub(model.HashOf(old))
			}
			h = h.Add(model.HashOf(v))
			if err := b.Put(k, v); err != nil {
				return err
			}
		}
		if err := advance(meta); err != nil {
			return err
		}
		return meta.Put(keyHash, h.Bytes())
	})
	r.s.stats.Transactions++
	return h, err
}

func (r *run) Rollback(context.Context) error {
	if r.done {
		return nil
	}
	r.done = true
	r.chunks, r.spare, r.ops = nil, nil, nil
	var err error
	if r.chunksSpilled > 0 {
		// Nothing is marked: what was staged is dropped now, or by the next
		// writer when this fails.
		err = r.s.write(dropStage)
	}
	if rerr := r.s.release(); rerr != nil && err == nil {
		err = rerr
	}
	r.s.mu.Unlock()
	return err
}
