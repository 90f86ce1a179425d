// Package spill sorts more records than memory holds: a Sorter keeps records
// in memory up to a bound, then sorts them and writes them to a temporary file
// (a run), and reading merges the runs. The loader uses it for what a run
// must remember about every id it writes (the references to check, the
// entities' strong identifiers), so that an ingest run's memory does not grow
// with its size.
//
// Records are byte strings, compared by the Sorter's function; records that
// compare equal come out in the order they were added. The run files are
// removed as soon as they are created (they live while open), so a killed
// process leaves nothing behind.
package spill

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// DefaultLimit is the default bound on a Sorter's records in memory.
const DefaultLimit = 16 << 20

// Sorter sorts records, spilling them to temporary files in sorted runs.
type Sorter struct {
	dir   string
	limit int
	cmp   func(a, b []byte) int
	arena []byte
	recs  []span
	runs  []*os.File
	n     int
	read  bool
}

// span is a record in the arena.
type span struct{ off, end int }

// New returns a sorter that keeps up to limit bytes of records in memory
// (DefaultLimit when limit <= 0) and writes its runs in dir (the system's
// temporary directory when "").
func New(dir string, limit int, cmp func(a, b []byte) int) *Sorter {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return &Sorter{dir: dir, limit: limit, cmp: cmp}
}

// Len is how many records were added.
func (s *Sorter) Len() int { return s.n }

// Spilled is how many runs were written to files.
func (s *Sorter) Spilled() int { return len(s.runs) }

// Add adds a copy of rec.
func (s *Sorter) Add(rec []byte) error {
	if s.read {
		return errors.New("spill: Add after Sorted")
	}
	if len(s.arena)+len(rec) > s.limit && len(s.recs) > 0 {
		if err := s.spill(); err != nil {
			return err
		}
	}
	off := len(s.arena)
	s.arena = append(s.arena, rec...)
	s.recs = append(s.recs, span{off, len(s.arena)})
	s.n++
	return nil
}

func (s *Sorter) rec(x span) []byte { return s.arena[x.off:x.end] }

func (s *Sorter) sort() {
	slices.SortStableFunc(s.recs, func(a, b span) int { return s.cmp(s.rec(a), s.rec(b)) })
}

// spill writes the records in memory, sorted, as the next run.
func (s *Sorter) spill() error {
	s.sort()
	f, err := os.CreateTemp(s.dir, "keiretsu-spill-*")
	if err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	// Unlinked at once: the file lives while it is open.
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return fmt.Errorf("spill: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	var hdr [binary.MaxVarintLen64]byte
	for _, x := range s.recs {
		r := s.rec(x)
		if _, err := w.Write(hdr[:binary.PutUvarint(hdr[:], uint64(len(r)))]); err != nil {
			f.Close()
			return fmt.Errorf("spill: %w", err)
		}
		if _, err := w.Write(r); err != nil {
			f.Close()
			return fmt.Errorf("spill: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("spill: %w", err)
	}
	s.runs = append(s.runs, f)
	s.arena, s.recs = s.arena[:0], s.recs[:0]
	return nil
}

// Close removes the runs (their files) and drops the records.
func (s *Sorter) Close() error {
	var err error
	for _, f := range s.runs {
		err = errors.Join(err, f.Close())
	}
	s.runs, s.arena, s.recs = nil, nil, nil
	return err
}

// Sorted returns the records in order; the sorter takes no more records. It
// may be called again for another pass, but the iterators read the same
// files: one at a time.
func (s *Sorter) Sorted() *Iter {
	if !s.read {
		s.read = true
		s.sort()
	}
	it := &Iter{cmp: s.cmp}
	for i, f := range s.runs {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			it.err = fmt.Errorf("spill: %w", err)
			return it
		}
		it.srcs = append(it.srcs, &source{n: i, r: bufio.NewReaderSize(f, 256<<10)})
	}
	it.srcs = append(it.srcs, &source{n: len(s.runs), mem: s})
	for _, src := range it.srcs {
		ok, err := src.next()
		if err != nil {
			it.err = err
			return it
		}
		if ok {
			it.h.s = append(it.h.s, src)
		}
	}
	it.h.cmp = s.cmp
	heap.Init(&it.h)
	return it
}

// Iter reads a Sorter's records in order.
type Iter struct {
	cmp  func(a, b []byte) int
	srcs []*source
	h    sources
	cur  *source
	err  error
}

// Next moves to the next record, reporting false at the end or an error.
func (it *Iter) Next() bool {
	if it.err != nil {
		return false
	}
	if it.cur != nil {
		ok, err := it.cur.next()
		if err != nil {
			it.err = err
			return false
		}
		if ok {
			heap.Fix(&it.h, 0)
		} else {
			heap.Pop(&it.h)
		}
		it.cur = nil
	}
	if len(it.h.s) == 0 {
		return false
	}
	it.cur = it.h.s[0]
	return true
}

// Rec is the current record, valid until the next call to Next.
func (it *Iter) Rec() []byte { return it.cur.rec }

// Err is the error that ended the iteration, if any.
func (it *Iter) Err() error { return it.err }

// source is one run (a file, or the records left in memory).
type source struct {
	n   int // runs added earlier come first among equal records
	r   *bufio.Reader
	mem *Sorter
	i   int
	buf []byte
	rec []byte
}

func (src *source) next() (bool, error) {
	if src.mem != nil {
		if src.i == len(src.mem.recs) {
			return false, nil
		}
		src.rec = src.mem.rec(src.mem.recs[src.i])
		src.i++
		return true, nil
	}
	n, err := binary.ReadUvarint(src.r)
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("spill: read run: %w", err)
	}
	src.buf = slices.Grow(src.buf[:0], int(n))[:n]
	if _, err := io.ReadFull(src.r, src.buf); err != nil {
		return false, fmt.Errorf("spill: read run: %w", err)
	}
	src.rec = src.buf
	return true, nil
}

// sources is a heap of sources by their current record, then run.
type sources struct {
	s   []*source
	cmp func(a, b []byte) int
}

func (h sources) Len() int { return len(h.s) }
func (h sources) Less(i, j int) bool {
	if c := h.cmp(h.s[i].rec, h.s[j].rec); c != 0 {
		return c < 0
	}
	return h.s[i].n < h.s[j].n
}
func (h sources) Swap(i, j int) { h.s[i], h.s[j] = h.s[j], h.s[i] }
func (h *sources) Push(x any)   { h.s = append(h.s, x.(*source)) }
func (h *sources) Pop() any {
	x := h.s[len(h.s)-1]
	h.s = h.s[:len(h.s)-1]
	return x
}

// AppendField appends b with its length before it: records made of fields so
// written can be compared field by field (Field).
func AppendField[T string | []byte](dst []byte, b T) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(b))), b...)
}

// Field reads the field AppendField wrote at the start of b, returning the rest.
func Field(b []byte) (field, rest []byte) {
	n, w := binary.Uvarint(b)
	return b[w : w+int(n)], b[w+int(n):]
}
