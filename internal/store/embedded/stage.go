package embedded

import (
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/keiretsu/keiretsu/internal/model"
)

// A run larger than its memory buffer is staged (see the package comment):
// spilled chunks, merged into one stage, marked, applied, cleaned up.
var (
	bucketSpill = []byte("spill")   // chunk number (8 bytes, big-endian) -> bucket: key -> op
	bucketStage = []byte("stage")   // key -> op: the run, merged, one op per key
	keyStaged   = []byte("staged")  // in meta: the stage is committed (the marker)
	keyApplied  = []byte("applied") // in meta: the stage is applied up to this key
)

// An op, as buffered, spilled and staged, is a tag byte followed, for a put,
// by the record's encoding.
const (
	opPut byte = 'p'
	opDel byte = 'd'
)

// maxTxOps bounds the writes of one merge or apply transaction besides
// their bytes: bbolt keeps every page a transaction touches in memory until
// it commits, and writes spread over a large tree touch about a page each.
const maxTxOps = 1 << 15

// Hook points, for the crash tests (see Store.hook).
const (
	hookSpill = "spill" // after a chunk is spilled; n counts the chunks
	hookMerge = "merge" // after a merge transaction; n counts them
	hookDrop  = "drop"  // after a merged chunk is removed; n counts them
	hookMark  = "mark"  // after the marker is written
	hookApply = "apply" // after an apply transaction; n counts them
)

func (s *Store) at(point string, n int) {
	if s.hook != nil {
		s.hook(point, n)
	}
}

// chunkName is the bucket name of spilled chunk n.
func chunkName(n int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// spill writes the run's buffer, sorted and deduplicated, as its next chunk
// in one transaction: keys in order, so the chunk is appended page by page.
func (r *run) spill() error {
	if len(r.ops) == 0 {
		return nil
	}
	if r.chunksSpilled == 0 {
		if err := r.s.acquire(); err != nil {
			return err
		}
		// A killed run may have left a stage behind: finish or drop it first.
		if err := r.s.recoverStage(); err != nil {
			return err
		}
	}
	r.sortOps()
	n := r.chunksSpilled
	err := r.s.write(func(tx *bolt.Tx) error {
		sp, err := tx.CreateBucketIfNotExists(bucketSpill)
		if err != nil {
			return err
		}
		c, err := sp.CreateBucket(chunkName(n))
		if err != nil {
			return err
		}
		c.FillPercent = 1
		for _, o := range r.ops {
			if err := c.Put(r.key(o), r.value(o)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("stage run: %w", err)
	}
	r.s.dropMappedPages()
	r.chunksSpilled++
	r.s.stats.Spills++
	r.s.stats.Transactions++
	r.reset()
	r.s.at(hookSpill, r.chunksSpilled)
	return nil
}

// spilledLookup returns the run's last spilled op of key kb in tx, if any.
func (r *run) spilledLookup(tx *bolt.Tx, kb []byte) ([]byte, bool) {
	sp := tx.Bucket(bucketSpill)
	if sp == nil {
		return nil, false
	}
	for n := r.chunksSpilled - 1; n >= 0; n-- {
		if c := sp.Bucket(chunkName(n)); c != nil {
			if v := c.Get(kb); v != nil {
				return v, true
			}
		}
	}
	return nil, false
}

// commitStaged commits a spilled run: the rest of the buffer is spilled, the
// chunks are merged into the stage (computing the new content hash), the
// marker makes the stage the store's state, and the stage is applied to the
// records.
func (r *run) commitStaged() (model.Hash, error) {
	if err := r.spill(); err != nil {
		return model.Hash{}, err
	}
	r.chunks, r.spare = nil, nil
	s := r.s
	var h model.Hash
	if err := s.view(func(tx *bolt.Tx) error {
		h = model.HashFromBytes(tx.Bucket(bucketMeta).Get(keyHash))
		return nil
	}); err != nil {
		return model.Hash{}, err
	}
	h, err := s.merge(r.chunksSpilled, h)
	if err == nil {
		err = s.dropChunks(r.chunksSpilled)
	}
	if err == nil {
		err = s.mark(h)
	}
	if err != nil {
		// Nothing is marked: drop what was staged (or the next writer will).
		_ = s.write(dropStage)
		return model.Hash{}, err
	}
	s.stats.Transactions++
	s.at(hookMark, 0)
	return h, s.applyStage()
}

// dropChunks removes the merged chunks, one transaction each: removing a
// bucket reads every page of it, so removing them all in one transaction would
// hold the whole run's chunks in the resident set at once (dropMapped). A
// process killed here leaves an unmarked stage, which the next writer drops.
func (s *Store) dropChunks(chunks int) error {
	for n := range chunks {
		if err := s.write(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketSpill).DeleteBucket(chunkName(n))
		}); err != nil {
			return fmt.Errorf("stage run: %w", err)
		}
		s.dropMappedPages()
		s.stats.Transactions++
		s.at(hookDrop, n+1)
	}
	return nil
}

// mark is the commit point of a staged run: one transaction writes the marker
// with the new hash and position; from it on, readers see the stage over the
// records, and a process killed after it leaves a run the next writer
// finishes applying.
func (s *Store) mark(h model.Hash) error {
	return s.write(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if err := tx.DeleteBucket(bucketSpill); err != nil {
			return err
		}
		if tx.Bucket(bucketStage) == nil {
			// Nothing changed: no stage to apply.
			if _, err := tx.CreateBucket(bucketStage); err != nil {
				return err
			}
		}
		if err := advance(meta); err != nil {
			return err
		}
		if err := meta.Put(keyHash, h.Bytes()); err != nil {
			return err
		}
		return meta.Put(keyStaged, []byte{1})
	})
}

// cursor is one spilled chunk being merged.
type cursor struct {
	c    *bolt.Cursor
	n    int // chunk number: the later chunk's op of a key wins
	k, v []byte
}

type cursors []*cursor

func (h cursors) Len() int { return len(h) }
func (h cursors) Less(i, j int) bool {
	if c := bytes.Compare(h[i].k, h[j].k); c != 0 {
		return c < 0
	}
	return h[i].n > h[j].n
}
func (h cursors) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursors) Push(x any)   { *h = append(*h, x.(*cursor)) }
func (h *cursors) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// merge merges the chunks into the stage bucket in bounded transactions, in
// key order (so the stage is appended to), keeping each key's last op and
// leaving out those that change nothing, and returns the content hash the
// records will have, starting from h. The records are not written.
func (s *Store) merge(chunks int, h model.Hash) (model.Hash, error) {
	resume := make([][]byte, chunks) // per chunk, the key to go on from
	done := make([]bool, chunks)
	bound := s.opt.RunBuffer
	for txn := 1; ; txn++ {
		more := false
		err := s.write(func(tx *bolt.Tx) error {
			sp, rec := tx.Bucket(bucketSpill), tx.Bucket(bucketRecords)
			st, err := tx.CreateBucketIfNotExists(bucketStage)
			if err != nil {
				return err
			}
			st.FillPercent = 1
			var hp cursors
			for n := range chunks {
				if done[n] {
					continue
				}
				c := &cursor{c: sp.Bucket(chunkName(n)).Cursor(), n: n}
				if resume[n] == nil {
					c.k, c.v = c.c.First()
				} else {
					c.k, c.v = c.c.Seek(resume[n])
				}
				if c.k == nil {
					done[n] = true
					continue
				}
				hp = append(hp, c)
			}
			heap.Init(&hp)
			bytesIn, ops := 0, 0
			for hp.Len() > 0 {
				if bytesIn >= bound || ops >= maxTxOps {
					more = true
					break
				}
				top := hp[0]
				k, v := top.k, top.v
				// Every chunk's op of this key moves on; the top one wins.
				for hp.Len() > 0 && bytes.Equal(hp[0].k, k) {
					c := hp[0]
					if c.k, c.v = c.c.Next(); c.k == nil {
						done[c.n] = true
						heap.Pop(&hp)
					} else {
						heap.Fix(&hp, 0)
					}
				}
				bytesIn += len(k) + len(v)
				ops++
				old := rec.Get(k)
				switch {
				case v[0] == opDel && old == nil:
					continue
				case v[0] == opDel:
					h = h.Sub(model.HashOf(old))
				case old != nil && bytes.Equal(old, v[1:]):
					continue
				default:
					if old != nil {
						h = h.Sub(model.HashOf(old))
					}
					h = h.Add(model.HashOf(v[1:]))
				}
				if err := st.Put(k, v); err != nil {
					return err
				}
			}
			for _, c := range hp {
				resume[c.n] = bytes.Clone(c.k)
			}
			return nil
		})
		if err != nil {
			return model.Hash{}, fmt.Errorf("merge run: %w", err)
		}
		s.dropMappedPages()
		s.stats.Transactions++
		s.at(hookMerge, txn)
		if !more {
			return h, nil
		}
	}
}

// applyStage applies a marked stage to the records in bounded transactions,
// in key order, each noting how far it got; the last one removes the stage
// and the marker. Applying an op twice does what applying it once does, so a
// process killed here leaves a stage the next writer applies again from
// where the last transaction got.
func (s *Store) applyStage() error {
	bound := s.opt.RunBuffer
	for txn := 1; ; txn++ {
		more := false
		err := s.write(func(tx *bolt.Tx) error {
			meta, rec, st := tx.Bucket(bucketMeta), tx.Bucket(bucketRecords), tx.Bucket(bucketStage)
			c := st.Cursor()
			var k, v []byte
			from := meta.Get(keyApplied)
			if from == nil {
				k, v = c.First()
			} else if k, v = c.Seek(from); bytes.Equal(k, from) {
				k, v = c.Next()
			}
			var last []byte
			bytesIn, ops := 0, 0
			for ; k != nil; k, v = c.Next() {
				if bytesIn >= bound || ops >= maxTxOps {
					more = true
					break
				}
				var err error
				if v[0] == opDel {
					err = rec.Delete(k)
				} else {
					err = rec.Put(k, v[1:])
				}
				if err != nil {
					return err
				}
				last = k
				bytesIn += len(k) + len(v)
				ops++
			}
			// What is applied leaves the stage in the same transaction (a
			// reader finds the same in the records), so the stage is empty
			// when it goes: removing a full one would read all of its pages
			// in one transaction.
			if last != nil {
				d := st.Cursor()
				for k, _ := d.First(); k != nil && bytes.Compare(k, last) <= 0; k, _ = d.First() {
					if err := d.Delete(); err != nil {
						return err
					}
				}
			}
			if more {
				return meta.Put(keyApplied, bytes.Clone(last))
			}
			return dropStage(tx)
		})
		if err != nil {
			return fmt.Errorf("apply run: %w", err)
		}
		s.dropMappedPages()
		s.stats.Transactions++
		if !more {
			return nil
		}
		s.at(hookApply, txn)
	}
}

// dropStage removes the spilled chunks, the stage and the marker.
func dropStage(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketSpill, bucketStage} {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	if err := meta.Delete(keyApplied); err != nil {
		return err
	}
	return meta.Delete(keyStaged)
}

// recoverStage finishes what a killed run left: a marked stage is applied (the
// run committed), anything else staged is dropped (it did not). The caller
// holds the exclusive lock.
func (s *Store) recoverStage() error {
	var marked, staged bool
	if err := s.view(func(tx *bolt.Tx) error {
		marked = tx.Bucket(bucketMeta).Get(keyStaged) != nil
		staged = tx.Bucket(bucketSpill) != nil || tx.Bucket(bucketStage) != nil
		return nil
	}); err != nil {
		return err
	}
	switch {
	case marked:
		return s.applyStage()
	case staged:
		return s.write(dropStage)
	}
	return nil
}

// overlay returns the stage when it is the store's state over the records
// (marked), else nil.
func overlay(tx *bolt.Tx) *bolt.Bucket {
	if m := tx.Bucket(bucketMeta); m == nil || m.Get(keyStaged) == nil {
		return nil
	}
	return tx.Bucket(bucketStage)
}

// lookup returns the stored encoding of key kb in tx (nil when none), the
// marked stage over the records.
func lookup(tx *bolt.Tx, kb []byte) []byte {
	if st := overlay(tx); st != nil {
		if v := st.Get(kb); v != nil {
			if v[0] == opDel {
				return nil
			}
			return v[1:]
		}
	}
	if b := tx.Bucket(bucketRecords); b != nil {
		return b.Get(kb)
	}
	return nil
}

// forEach calls fn for every stored key and encoding in tx, in key order,
// the marked stage over the records.
func forEach(tx *bolt.Tx, fn func(k, v []byte) error) error {
	b := tx.Bucket(bucketRecords)
	if b == nil {
		return nil
	}
	st := overlay(tx)
	if st == nil {
		return b.ForEach(fn)
	}
	rc, sc := b.Cursor(), st.Cursor()
	rk, rv := rc.First()
	sk, sv := sc.First()
	for rk != nil || sk != nil {
		c := -1
		switch {
		case rk == nil:
			c = 1
		case sk != nil:
			c = bytes.Compare(rk, sk)
		}
		if c < 0 {
			if err := fn(rk, rv); err != nil {
				return err
			}
			rk, rv = rc.Next()
			continue
		}
		if sv[0] == opPut {
			if err := fn(sk, sv[1:]); err != nil {
				return err
			}
		}
		if c == 0 {
			rk, rv = rc.Next()
		}
		sk, sv = sc.Next()
	}
	return nil
}
