// Package history keeps what a screening service must remember of the data
// (contract section 6): the run log, the states of past runs, so that any
// retained dataVersion can be screened again and two of them compared, and the
// snapshot each record was last written by, so that a complete snapshot of a
// source deletes what the source no longer states.
//
// It sits above the store, in the store's bookkeeping (store.MetaTx), and so
// works the same on every store. A run is recorded by wrapping the store
// (Recording): the run's writes go to the store as before, and at Commit the
// run's before-images (the record each written or deleted key held, or none)
// are read from the store and kept, keyed by run. The state after run k is the
// current state with the before-images of runs n, n-1, ..., k+1 put back.
// Storage costs one stored record per record a run changes or deletes and one
// key per record it adds (a run into an empty store costs nothing: its state
// before is the empty one); unchanged records written again cost nothing.
// Neo4j keeps these in :KeiretsuKV bookkeeping nodes, apart from the record
// labels, so analysts' Cypher sees only the current graph.
//
// Crash safety: before the store commits, a pending entry is written with the
// run's before-images and the store's position; after, the run is logged and
// the pending entry removed. A pending entry whose run the store did commit
// (its position moved on) is logged by the next process that opens the store;
// one whose run did not commit is dropped by the next writer.
package history

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// Bookkeeping buckets.
const (
	bucketRuns    = "runs"    // run number (12 digits) -> JSON entry
	bucketUndo    = "undo"    // run number + "/" + record key bytes -> before-image (empty: none)
	bucketPending = "pending" // "run" -> JSON pending entry
	bucketTag     = "tag"     // record key bytes -> snapshot name
	bucketTagged  = "tagged:" // + snapshot name: record key bytes -> ""
)

// Run is one committed run, as `keiretsu history --json` and GraphQL print it.
type Run struct {
	Run               int      `json:"run"`
	Time              string   `json:"time"`
	Snapshot          *string  `json:"snapshot"`
	Files             []string `json:"files"`
	Written           int      `json:"written"`
	Deleted           int      `json:"deleted"`
	DataVersionBefore *string  `json:"dataVersionBefore"`
	DataVersion       string   `json:"dataVersion"`
	Retained          bool     `json:"retained"`
}

// entry is a run as kept: the run and what reconstructing states needs.
type entry struct {
	Run
	// EmptyBefore: the store was empty before the run, which kept no
	// before-images.
	EmptyBefore bool `json:"emptyBefore,omitempty"`
}

// pending is a run being committed.
type pending struct {
	Entry       entry    `json:"entry"`
	PosBefore   uint64   `json:"posBefore"`
	Tags        []tagSet `json:"tags"`
	SnapDeleted int      `json:"snapDeleted"`
}

// tagSet records the snapshot name a key is last written by ("" for a plain
// run; Delete for a deleted record).
type tagSet struct {
	Key    []byte `json:"k"`
	Name   string `json:"n,omitempty"`
	Delete bool   `json:"d,omitempty"`
}

// ValidSnapshot reports whether name is a snapshot name (contract section 6.1).
func ValidSnapshot(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i, c := range name {
		alnum := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

func runKey(n int) string { return fmt.Sprintf("%012d", n) }

// Runs returns the run log, oldest first.
func Runs(ctx context.Context, st store.Store) ([]Run, error) {
	es, err := entries(ctx, st)
	out := make([]Run, len(es))
	for i, e := range es {
		out[i] = e.Run
	}
	return out, err
}

func entries(ctx context.Context, st store.Store) ([]entry, error) {
	var out []entry
	err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
		var err error
		out, err = readEntries(tx)
		return err
	})
	return out, err
}

func readEntries(tx store.MetaTx) ([]entry, error) {
	var out []entry
	var bad error
	err := tx.Scan(bucketRuns, "", func(_ string, v []byte) bool {
		var e entry
		if bad = json.Unmarshal(v, &e); bad != nil {
			return false
		}
		out = append(out, e)
		return true
	})
	if err == nil {
		err = bad
	}
	return out, err
}

// Recover logs a run that a killed process committed without logging it.
// With writer (the caller holds the store's run), it also drops the pending
// entry of a run that did not commit.
func Recover(ctx context.Context, st store.Store, writer bool) error {
	pos, err := st.Position(ctx)
	if err != nil {
		return err
	}
	var p *pending
	if err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
		var err error
		p, err = readPending(tx)
		return err
	}); err != nil || p == nil {
		return err
	}
	switch {
	case pos > p.PosBefore:
		v, err := st.Version(ctx)
		if err != nil {
			return err
		}
		return finish(ctx, st, p, v)
	case writer:
		return st.UpdateMeta(ctx, func(tx store.MetaTx) error {
			if err := deleteUndo(tx, p.Entry.Run.Run); err != nil {
				return err
			}
			return tx.Delete(bucketPending, "run")
		})
	}
	return nil
}

func readPending(tx store.MetaTx) (*pending, error) {
	v, err := tx.Get(bucketPending, "run")
	if err != nil || v == nil {
		return nil, err
	}
	p := &pending{}
	if err := json.Unmarshal(v, p); err != nil {
		return nil, fmt.Errorf("pending run: %w", err)
	}
	return p, nil
}

// finish logs a committed pending run and applies its snapshot names.
func finish(ctx context.Context, st store.Store, p *pending, v model.Hash) error {
	e := p.Entry
	e.DataVersion = v.String()
	e.Retained = true
	return st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		cur, err := readPending(tx)
		if err != nil || cur == nil || cur.Entry.Run.Run != e.Run.Run {
			return err // logged by another process meanwhile
		}
		for _, t := range p.Tags {
			old, err := tx.Get(bucketTag, string(t.Key))
			if err != nil {
				return err
			}
			if old != nil {
				if err := tx.Delete(bucketTagged+string(old), string(t.Key)); err != nil {
					return err
				}
			}
			if t.Delete || t.Name == "" {
				if err := tx.Delete(bucketTag, string(t.Key)); err != nil {
					return err
				}
				continue
			}
			if err := tx.Put(bucketTag, string(t.Key), []byte(t.Name)); err != nil {
				return err
			}
			if err := tx.Put(bucketTagged+t.Name, string(t.Key), []byte{}); err != nil {
				return err
			}
		}
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := tx.Put(bucketRuns, runKey(e.Run.Run), b); err != nil {
			return err
		}
		return tx.Delete(bucketPending, "run")
	})
}

func deleteUndo(tx store.MetaTx, run int) error {
	prefix := runKey(run) + "/"
	var keys []string
	if err := tx.Scan(bucketUndo, prefix, func(k string, _ []byte) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		keys = append(keys, k)
		return true
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Delete(bucketUndo, k); err != nil {
			return err
		}
	}
	return nil
}

// SetCounts sets the written and deleted counts of a logged run to those of
// the run's summary.
func SetCounts(ctx context.Context, st store.Store, run, written, deleted int) error {
	return st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		v, err := tx.Get(bucketRuns, runKey(run))
		if err != nil || v == nil {
			return err
		}
		var e entry
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		e.Written, e.Deleted = written, deleted
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return tx.Put(bucketRuns, runKey(run), b)
	})
}

// Prune keeps the states of the last keep runs: the before-images that only
// older states need are removed and those runs marked not retained. The run
// log keeps every run.
func Prune(ctx context.Context, st store.Store, keep int) (pruned int, err error) {
	if keep < 1 {
		return 0, fmt.Errorf("%w: --keep must be at least 1", model.ErrBadInput)
	}
	err = st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		es, err := readEntries(tx)
		if err != nil || len(es) == 0 {
			return err
		}
		last := es[len(es)-1].Run.Run
		for _, e := range es {
			// The state after run k needs the before-images of runs k+1..last.
			if e.Run.Run <= last-keep+1 {
				if err := deleteUndo(tx, e.Run.Run); err != nil {
					return err
				}
			}
			if e.Run.Run <= last-keep && e.Retained {
				e.Retained = false
				pruned++
				b, err := json.Marshal(e)
				if err != nil {
					return err
				}
				if err := tx.Put(bucketRuns, runKey(e.Run.Run), b); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return pruned, err
}

// ErrNotRetained is returned for a dataVersion that no retained run produced.
var ErrNotRetained = errors.New("no retained run produced this dataVersion")

// StoredBytes is what the history keeps of past states: the bytes of the
// keys and before-images of every retained run, as written to the store's
// bookkeeping (the store's own overhead per entry comes on top).
func StoredBytes(ctx context.Context, st store.Store) (int64, error) {
	var n int64
	err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
		return tx.Scan(bucketUndo, "", func(k string, v []byte) bool {
			n += int64(len(k) + len(v))
			return true
		})
	})
	return n, err
}

// Retained reports whether version is the store's current one or was produced
// by a retained run: whether At would find it.
func Retained(ctx context.Context, st store.Store, version string) (bool, error) {
	cur, err := st.Version(ctx)
	if err != nil || cur.String() == version {
		return err == nil, err
	}
	es, err := entries(ctx, st)
	if err != nil {
		return false, err
	}
	for _, e := range es {
		if e.DataVersion == version && e.Retained {
			return true, nil
		}
	}
	return false, nil
}

// State is the data as it was after a past run: the current records with the
// before-images of the later runs put back.
type State struct {
	st      store.Store
	Version model.Hash
	// empty: no current record is part of the state, only overlay's.
	empty   bool
	overlay map[string]*model.Record // by key bytes; nil: absent
}

// At returns the state whose dataVersion is version: the latest retained run
// that produced it (or the current state).
func At(ctx context.Context, st store.Store, version string) (*State, error) {
	cur, err := st.Version(ctx)
	if err != nil {
		return nil, err
	}
	if cur.String() == version {
		return &State{st: st, Version: cur}, nil
	}
	var s *State
	err = st.ViewMeta(ctx, func(tx store.MetaTx) error {
		es, err := readEntries(tx)
		if err != nil {
			return err
		}
		k := -1
		for i := len(es) - 1; i >= 0; i-- {
			if es[i].DataVersion == version && es[i].Retained {
				k = i
				break
			}
		}
		if k < 0 {
			return fmt.Errorf("%w: %w: %q", model.ErrBadInput, ErrNotRetained, version)
		}
		s = &State{st: st, Version: versionOf(es[k].DataVersion), overlay: map[string]*model.Record{}}
		for j := len(es) - 1; j > k; j-- {
			if es[j].EmptyBefore {
				s.empty = true
				clear(s.overlay)
				continue
			}
			prefix := runKey(es[j].Run.Run) + "/"
			var bad error
			if err := tx.Scan(bucketUndo, prefix, func(key string, v []byte) bool {
				if !strings.HasPrefix(key, prefix) {
					return false
				}
				var r *model.Record
				if len(v) > 0 {
					r = &model.Record{}
					if bad = r.Decode(v); bad != nil {
						return false
					}
				}
				s.overlay[key[len(prefix):]] = r
				return true
			}); err != nil {
				return err
			}
			if bad != nil {
				return bad
			}
		}
		return nil
	})
	return s, err
}

func versionOf(s string) model.Hash {
	var h model.Hash
	if len(s) != 32 {
		return h
	}
	for lane := 0; lane < 2; lane++ {
		v, err := strconv.ParseUint(s[lane*16:lane*16+16], 16, 64)
		if err != nil {
			return model.Hash{}
		}
		h[lane] = v
	}
	return h
}

// Current reports whether the state is the store's current one.
func (s *State) Current() bool { return s.overlay == nil && !s.empty }

// Scan calls fn for every record of the state.
func (s *State) Scan(ctx context.Context, fn func(*model.Record) error) error {
	if !s.empty {
		var kb []byte
		if _, err := s.st.Scan(ctx, func(r *model.Record) error {
			if s.overlay != nil {
				kb = r.Key().AppendBytes(kb[:0])
				if _, ok := s.overlay[string(kb)]; ok {
					return nil
				}
			}
			return fn(r)
		}); err != nil {
			return err
		}
	}
	for _, r := range s.overlay {
		if r != nil {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// Get returns the state's records with the keys, nil where it has none.
func (s *State) Get(ctx context.Context, keys []model.Key) ([]*model.Record, error) {
	if s.Current() {
		return s.st.Get(ctx, keys)
	}
	out := make([]*model.Record, len(keys))
	var rest []model.Key
	var at []int
	for i, k := range keys {
		if r, ok := s.overlay[string(k.KeyBytes())]; ok {
			out[i] = r
		} else if !s.empty {
			rest, at = append(rest, k), append(at, i)
		}
	}
	if len(rest) > 0 {
		got, err := s.st.Get(ctx, rest)
		if err != nil {
			return nil, err
		}
		for j, r := range got {
			out[at[j]] = r
		}
	}
	return out, nil
}

// Records returns every record of the state by key bytes, encoded.
func (s *State) Records(ctx context.Context) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.Scan(ctx, func(r *model.Record) error {
		out[string(r.Key().KeyBytes())] = r.Encode(nil)
		return nil
	})
	return out, err
}

// Diff is what differs between two states, as records.
type Diff struct {
	Added, Deleted []*model.Record
	Changed        [][2]*model.Record // before, after
}

// Compare returns the records added, deleted and changed from a to b, in key
// order.
func Compare(ctx context.Context, a, b *State) (*Diff, error) {
	ra, err := a.Records(ctx)
	if err != nil {
		return nil, err
	}
	rb, err := b.Records(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(ra)+len(rb))
	for k := range ra {
		keys = append(keys, k)
	}
	for k := range rb {
		if _, ok := ra[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	d := &Diff{}
	dec := func(v []byte) *model.Record {
		r := &model.Record{}
		if err == nil {
			err = r.Decode(v)
		}
		return r
	}
	for _, k := range keys {
		va, inA := ra[k]
		vb, inB := rb[k]
		switch {
		case !inA:
			d.Added = append(d.Added, dec(vb))
		case !inB:
			d.Deleted = append(d.Deleted, dec(va))
		case !bytes.Equal(va, vb):
			d.Changed = append(d.Changed, [2]*model.Record{dec(va), dec(vb)})
		}
	}
	return d, err
}
