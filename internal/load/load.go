// Package load runs ingest: it reads operations from feed sources, checks the
// references between records, and writes them to a store in one atomic run.
//
// Memory. What a run must remember of every id it writes or refers to (the
// references to check at its end, the entities' strong identifiers for the
// automatic links) is sorted on disk past a bounded part in memory (package
// spill), as are the keys the history records (internal/history), and the
// embedded store stages a large run in bounded transactions: a run's memory
// does not grow with its size. What still does: the same_as records of the run
// and of the store (automatic links are computed over all of them), and a
// recorded run's before-images and snapshot tags, which the history writes
// in one transaction.
package load

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/spill"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// Options control a run.
type Options struct {
	// Strict fails the run when records reference ids that are never defined, and
	// at the first warning (replacements included).
	Strict bool
	// SkipInvalid writes the valid records and reports the invalid ones instead of
	// failing the whole run at the first.
	SkipInvalid bool
	// Extra records written first (e.g. regime definitions given with --regimes).
	Extra []*model.Record
	// Progress, when set, is called every few thousand records with the count read.
	Progress func(read int)
	// AutoLink links entities that share a strong identifier (LEI, USCC, DUNS, a
	// registration number with its country: see resolve.StrongKey) with same_as
	// records written in the same run, and removes the automatic links whose
	// entities no longer share one (see resolve.AutoLinks). The CLI turns it on.
	AutoLink bool
	// TempDir is where the run keeps what it must remember of every id it
	// writes or refers to beyond a bounded part in memory (package spill);
	// the system's temporary directory when "".
	TempDir string
	// Events records the run's events once it committed (Recorded); the zero
	// value screens with engines built from the store.
	Events watch.Options
}

// Summary reports what a run did.
type Summary struct {
	// Written counts upserts; Deleted the records removed by deletes (and, set
	// by the caller, by a snapshot).
	Read, Written, Deleted, Rejected int
	// Dangling counts references to ids that are defined neither in the store nor
	// in the run; DanglingIDs lists some of them.
	Dangling    int
	DanglingIDs []string
	// Rejections lists the invalid lines (with SkipInvalid).
	Rejections []*ingest.LineError
	// Warnings counts what the sources dropped or ignored in valid files (see
	// ingest.Warning), and a file that held no records; Replaced the records that
	// replaced an earlier record of their file with the same key. WarningList
	// lists some of both, in the order read.
	Warnings, Replaced int
	WarningList        []*ingest.Warning
	// AutoLinked counts the same_as records written because entities share a
	// strong identifier, AutoUnlinked the automatic ones removed because they no
	// longer do (with AutoLink; not counted in Written or Deleted).
	AutoLinked, AutoUnlinked int
	// AutoSkipped lists strong identifiers that linked nothing (see
	// resolve.AutoResult.Skipped); at most a hundred.
	AutoSkipped []string
	Seconds     float64
	Version     model.Hash
}

// String is the one-line summary printed after an ingest (CONTRACT section 2: its
// fields and their order are relied upon, so later fields are appended; see
// AutoLinkNote for the links).
func (s Summary) String() string {
	return fmt.Sprintf("read %d records, wrote %d, rejected %d, dangling references %d, %.2f s, warnings %d, replaced %d, deleted %d",
		s.Read, s.Written, s.Rejected, s.Dangling, s.Seconds, s.Warnings, s.Replaced, s.Deleted)
}

// AutoLinkNote describes the automatic links of the run ("same_as by identifier:
// 2 added, 1 removed"), or is "" when there were none.
func (s Summary) AutoLinkNote() string {
	if s.AutoLinked == 0 && s.AutoUnlinked == 0 {
		return ""
	}
	return fmt.Sprintf("same_as by identifier: %d added, %d removed", s.AutoLinked, s.AutoUnlinked)
}

// ErrDangling is returned (wrapped) by a strict run with dangling references.
var ErrDangling = errors.New("dangling references")

// ErrWarning is returned (wrapped, with the *ingest.Warning) by a strict run at
// its first warning.
var ErrWarning = errors.New("a warning, and --strict makes warnings errors")

// ErrNothingRead is returned (wrapped, naming the file) when every record of a
// file was invalid: skipping invalid lines loads nothing of it, which is a failed
// run, not a loaded file.
var ErrNothingRead = errors.New("nothing could be read")

// maxListed bounds the ids and rejections kept for the summary.
const maxListed = 100

// refBatch is how many ids are checked per store call.
const refBatch = 10_000

// Run reads every source and writes the operations to st in one run: all of them
// or, on an error, none.
func Run(ctx context.Context, st store.Store, sources []ingest.Source, opt Options) (Summary, error) {
	start := time.Now()
	var sum Summary
	run, err := st.Begin(ctx)
	if err != nil {
		return sum, err
	}
	done := false
	defer func() {
		if !done {
			_ = run.Rollback(context.WithoutCancel(ctx))
		}
	}()
	var links *linkTracker
	if opt.AutoLink {
		links = newLinkTracker(opt.TempDir)
		defer links.close()
	}
	for _, r := range opt.Extra {
		if err := run.Put(ctx, r); err != nil {
			return sum, err
		}
		links.put(r)
		sum.Written++
	}
	// Parsing runs in its own goroutine, ahead of the writes, and counting the
	// references it reads in a third, so the work uses two cores.
	stop := make(chan struct{})
	defer close(stop)
	refs := newRefCounter(stop, opt.TempDir)
	read := make(map[ingest.Source]*fileCounts, len(sources))
	for _, src := range sources {
		read[src] = &fileCounts{}
	}
	for batch := range produce(sources, refs.note, stop) {
		for i := range batch {
			it := &batch[i]
			fc := read[it.src]
			var w *ingest.Warning
			if errors.As(it.err, &w) {
				fc.warnings++
				if err := sum.warn(w, opt.Strict); err != nil {
					return sum, err
				}
				continue
			}
			var le *ingest.LineError
			if errors.As(it.err, &le) {
				fc.rejected++
				sum.Read++
				if !opt.SkipInvalid {
					return sum, le
				}
				sum.Rejected++
				if len(sum.Rejections) < maxListed {
					sum.Rejections = append(sum.Rejections, le)
				}
				continue
			}
			if it.err != nil {
				return sum, it.err
			}
			sum.Read++
			fc.ops++
			if opt.Progress != nil && sum.Read%4096 == 0 {
				opt.Progress(sum.Read)
			}
			op := &it.op
			var err error
			if op.Delete {
				err = run.Delete(ctx, op.Record.Key())
				links.delete(op.Record.Key())
				sum.Deleted++
			} else {
				err = run.Put(ctx, &op.Record)
				links.put(&op.Record)
			}
			if err != nil {
				return sum, fmt.Errorf("%s:%d: %w", it.src.Name(), op.Line, err)
			}
			if !op.Delete {
				sum.Written++
			}
		}
	}
	for _, src := range sources {
		switch fc := read[src]; {
		case fc.ops == 0 && fc.rejected > 0:
			return sum, fmt.Errorf("%s: %w: all %d of its records are invalid", src.Name(), ErrNothingRead, fc.rejected)
		case fc.ops == 0 && fc.warnings == 0:
			w := &ingest.Warning{File: src.Name(), Reason: "the file holds no records: nothing of it is loaded"}
			if err := sum.warn(w, opt.Strict); err != nil {
				return sum, err
			}
		}
	}
	counts, err := refs.wait()
	defer closeSorter(counts)
	if err != nil {
		return sum, err
	}
	if err := checkRefs(ctx, run, counts, &sum); err != nil {
		return sum, err
	}
	if opt.Strict && sum.Dangling > 0 {
		return sum, fmt.Errorf("%w: %d references to ids never defined, e.g. %v", ErrDangling, sum.Dangling, sum.DanglingIDs[:min(5, len(sum.DanglingIDs))])
	}
	if links.needed() {
		if err := links.apply(ctx, st, run, &sum); err != nil {
			return sum, err
		}
	}
	v, err := run.Commit(ctx)
	if err != nil {
		return sum, err
	}
	done = true
	sum.Version = v
	sum.Seconds = time.Since(start).Seconds()
	return sum, nil
}

// fileCounts is what a run read from one source.
type fileCounts struct{ ops, rejected, warnings int }

// warn counts and lists a warning, or returns it as the error of a strict run.
func (s *Summary) warn(w *ingest.Warning, strict bool) error {
	if strict {
		return fmt.Errorf("%w (%w)", w, ErrWarning)
	}
	if w.Replaced {
		s.Replaced++
	} else {
		s.Warnings++
	}
	if len(s.WarningList) < maxListed {
		s.WarningList = append(s.WarningList, w)
	}
	return nil
}

// item is one operation read, or the error reading it.
type item struct {
	op  ingest.Op
	err error
	src ingest.Source
}

// produce reads the sources in a goroutine and sends what it reads in batches,
// calling note for every upsert. It stops after a read error that is not a bad
// line, or when stop is closed. The channel is closed when it is done, so note's
// effects are visible to the receiver once the channel is drained.
func produce(sources []ingest.Source, note func(*model.Record), stop <-chan struct{}) <-chan []item {
	out := make(chan []item, 4)
	go func() {
		defer close(out)
		const size = 1024
		batch := make([]item, 0, size)
		send := func() bool {
			select {
			case out <- batch:
				batch = make([]item, 0, size)
				return true
			case <-stop:
				return false
			}
		}
		for _, src := range sources {
			for {
				batch = append(batch, item{src: src})
				it := &batch[len(batch)-1]
				it.err = src.Next(&it.op)
				if errors.Is(it.err, io.EOF) {
					batch = batch[:len(batch)-1]
					break
				}
				var le *ingest.LineError
				var w *ingest.Warning
				fatal := it.err != nil && !errors.As(it.err, &le) && !errors.As(it.err, &w)
				if it.err == nil && !it.op.Delete {
					note(&it.op.Record)
				}
				if fatal {
					send()
					return
				}
				if len(batch) == size && !send() {
					return
				}
			}
		}
		if len(batch) > 0 {
			send()
		}
	}()
	return out
}

// refCounter counts how often a run's edges refer to each entity and product
// id. The parser hands it the references in chunks and a goroutine of its own
// counts them, keeping the map updates off the parser (which the writes wait
// for). The map holds at most refMapMax ids: past that it goes, sorted, to a
// spill.Sorter, which keeps a bounded part in memory and the rest on disk, so
// a run's memory does not grow with the ids it refers to.
type refCounter struct {
	in     chan []ref
	done   chan struct{}
	stop   <-chan struct{}
	buf    []ref
	counts map[string]uint32 // kind byte and id
	sorted *spill.Sorter     // records: kind byte, id, count (4 bytes)
	err    error
}

type ref struct {
	kind model.Kind
	id   string
}

const refChunk = 4096

// refMapMax bounds the ids counted in memory before they are spilled, and
// spillLimit the bytes a run's sorters keep in memory (0: spill.DefaultLimit).
var refMapMax, spillLimit = 1 << 18, 0

// spilledRuns counts the sorted runs the sorters of all runs wrote to disk
// (for the tests: that a small limit spills).
var spilledRuns atomic.Int64

// closeSorter counts and removes a sorter's runs.
func closeSorter(s *spill.Sorter) {
	spilledRuns.Add(int64(s.Spilled()))
	s.Close()
}

func newRefCounter(stop <-chan struct{}, tempDir string) *refCounter {
	c := &refCounter{in: make(chan []ref, 8), done: make(chan struct{}), stop: stop,
		buf: make([]ref, 0, refChunk), counts: map[string]uint32{}, sorted: spill.New(tempDir, spillLimit, byRefID)}
	go func() {
		defer close(c.done)
		var kb []byte
		for {
			select {
			case refs, ok := <-c.in:
				if !ok {
					return
				}
				for _, r := range refs {
					kb = append(append(kb[:0], byte(r.kind)), r.id...)
					c.counts[string(kb)]++
				}
				if len(c.counts) >= refMapMax && c.err == nil {
					c.err = c.flush()
				}
			case <-stop:
				return
			}
		}
	}()
	return c
}

// byRefID orders refCounter's records by kind and id (the count is the last
// four bytes).
func byRefID(a, b []byte) int { return bytes.Compare(a[:len(a)-4], b[:len(b)-4]) }

// flush moves the counts in memory to the sorter.
func (c *refCounter) flush() error {
	var rec []byte
	for k, n := range c.counts {
		rec = binary.BigEndian.AppendUint32(append(rec[:0], k...), n)
		if err := c.sorted.Add(rec); err != nil {
			return err
		}
	}
	clear(c.counts)
	return nil
}

// note records the references of an upserted record (the parser calls it).
func (c *refCounter) note(r *model.Record) {
	if r.Kind.IsNode() {
		return
	}
	_, _, sk, dk := r.Kind.Ends()
	if sk == model.KindEntity || sk == model.KindProduct {
		c.buf = append(c.buf, ref{sk, r.Src})
	}
	if dk == model.KindEntity || dk == model.KindProduct {
		c.buf = append(c.buf, ref{dk, r.Dst})
	}
	if len(c.buf) >= refChunk {
		c.send()
	}
}

func (c *refCounter) send() {
	select {
	case c.in <- c.buf:
	case <-c.stop:
	}
	c.buf = make([]ref, 0, refChunk)
}

// wait returns the sorter holding the counts (by kind and id; an id's
// counts may be split over several records), once the parser is done. The
// caller closes it.
func (c *refCounter) wait() (*spill.Sorter, error) {
	if len(c.buf) > 0 {
		c.send()
	}
	close(c.in)
	<-c.done
	if c.err == nil {
		c.err = c.flush()
	}
	return c.sorted, c.err
}

// checkRefs asks the run, refBatch ids at a time in order, which referenced
// ids are defined neither in the store nor in the run, and counts the
// references to them.
func checkRefs(ctx context.Context, run store.Run, refs *spill.Sorter, sum *Summary) error {
	var kind model.Kind
	var ids []string
	var counts []int
	check := func() error {
		if len(ids) == 0 {
			return nil
		}
		missing, err := run.Missing(ctx, kind, ids)
		if err != nil {
			return err
		}
		at := make(map[string]int, len(ids))
		for i, id := range ids {
			at[id] = i
		}
		for _, id := range missing {
			sum.Dangling += counts[at[id]]
			if len(sum.DanglingIDs) < maxListed {
				sum.DanglingIDs = append(sum.DanglingIDs, kind.String()+" "+id)
			}
		}
		ids, counts = ids[:0], counts[:0]
		return nil
	}
	it := refs.Sorted()
	for it.Next() {
		rec := it.Rec()
		k, id, n := model.Kind(rec[0]), rec[1:len(rec)-4], int(binary.BigEndian.Uint32(rec[len(rec)-4:]))
		if len(ids) > 0 && k == kind && ids[len(ids)-1] == string(id) {
			counts[len(counts)-1] += n
			continue
		}
		if k != kind || len(ids) == refBatch {
			if err := check(); err != nil {
				return err
			}
			kind = k
		}
		ids, counts = append(ids, string(id)), append(counts, n)
	}
	if err := it.Err(); err != nil {
		return err
	}
	return check()
}
