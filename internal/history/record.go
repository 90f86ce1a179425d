package history

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/spill"
	"github.com/keiretsu/keiretsu/internal/store"
)

// Info describes a run for the log.
type Info struct {
	// Snapshot, when set, declares the run a complete snapshot of the source
	// so named: at commit, the records last written by a snapshot of that name
	// that the run does not write are deleted.
	Snapshot string
	// Files are the run's FILE arguments as given.
	Files []string
	// Derived, when set, reports the records a run derives from others (the
	// automatic same_as links) rather than reads from its source: a snapshot
	// neither claims them nor deletes them, since the run that derived them
	// keeps them up to date.
	Derived func(*model.Record) bool
	// TempDir is where a run keeps the keys it wrote beyond a bounded part in
	// memory (package spill); the system's temporary directory when "".
	TempDir string
}

// Recording returns st with every run begun on it recorded: logged, its
// before-images kept and, with a snapshot name, completed by deleting what the
// snapshot no longer states. Result reports what the last run did.
func Recording(st store.Store, info Info) *Store {
	return &Store{Store: st, info: info}
}

// Store is a store whose runs are recorded.
type Store struct {
	store.Store
	info Info
	last Result
}

// Result is what a recorded run did beyond its own writes.
type Result struct {
	// Run is the run's number in the log (0 when it did not commit).
	Run int
	// SnapshotDeleted counts the records the snapshot deleted.
	SnapshotDeleted int
}

// Result reports the last committed run.
func (s *Store) Result() Result { return s.last }

// Begin starts a recorded run; a pending run of a killed process is finished
// or dropped first.
func (s *Store) Begin(ctx context.Context) (store.Run, error) {
	r, err := s.Store.Begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := Recover(ctx, s.Store, true); err != nil {
		r.Rollback(context.WithoutCancel(ctx))
		return nil, err
	}
	return &run{Run: r, s: s, touched: spill.New(s.info.TempDir, touchedLimit, byTouchedKey), derived: map[string]bool{}}, nil
}

// run records the keys a run writes, with the hash of the record put (none
// for a delete), in a spill.Sorter: a bounded part in memory, the rest on
// disk, so that a run of any size remembers its keys in bounded memory.
type run struct {
	store.Run
	s       *Store
	touched *spill.Sorter   // touchedRecords; the last of a key is the run's word
	derived map[string]bool // keys of the derived records put (Info.Derived)
	puts    int
	deletes int
	err     error // the first error of the sorter
	rec     []byte
}

// touchedLimit is the bytes of keys a run keeps in memory (0:
// spill.DefaultLimit); the tests lower it.
var touchedLimit = 0

// touchedRecord is a key (its length, then its bytes), then the hash of the
// record put, absent for a delete.
func touchedRecord(b, key []byte, h *[16]byte) []byte {
	b = spill.AppendField(b, key)
	if h != nil {
		b = append(b, h[:]...)
	}
	return b
}

// readTouched splits a touchedRecord.
func readTouched(b []byte) (key []byte, h *[16]byte) {
	key, rest := spill.Field(b)
	if len(rest) == 16 {
		h = (*[16]byte)(rest)
	}
	return key, h
}

func byTouchedKey(a, b []byte) int {
	ka, _ := readTouched(a)
	kb, _ := readTouched(b)
	return bytes.Compare(ka, kb)
}

func (r *run) touch(key []byte, h *[16]byte) {
	if r.err == nil {
		r.rec = touchedRecord(r.rec[:0], key, h)
		r.err = r.touched.Add(r.rec)
	}
}

// eachTouched calls fn for every key the run wrote, in order, with the hash
// of its last write (nil for a delete). key and h are valid during the call.
func (r *run) eachTouched(fn func(key []byte, h *[16]byte) error) error {
	it := r.touched.Sorted()
	var last []byte
	for it.Next() {
		rec := it.Rec()
		if last != nil {
			lk, lh := readTouched(last)
			if k, _ := readTouched(rec); !bytes.Equal(k, lk) {
				if err := fn(lk, lh); err != nil {
					return err
				}
			}
		}
		last = append(last[:0], rec...)
	}
	if err := it.Err(); err != nil {
		return err
	}
	if last != nil {
		return fn(readTouched(last))
	}
	return nil
}

func (r *run) Put(ctx context.Context, rec *model.Record) error {
	if err := r.Run.Put(ctx, rec); err != nil {
		return err
	}
	h := model.HashOf(rec.Encode(nil))
	b := [16]byte(h.Bytes())
	k := rec.Key().KeyBytes()
	r.touch(k, &b)
	if d := r.s.info.Derived; d != nil && d(rec) {
		r.derived[string(k)] = true
	}
	r.puts++
	return r.err
}

func (r *run) Delete(ctx context.Context, k model.Key) error {
	if err := r.Run.Delete(ctx, k); err != nil {
		return err
	}
	r.touch(k.KeyBytes(), nil)
	r.deletes++
	return r.err
}

func (r *run) Rollback(ctx context.Context) error {
	r.touched.Close()
	return r.Run.Rollback(ctx)
}

// getBatch is how many before-images are read per store call.
const getBatch = 1000

func (r *run) Commit(ctx context.Context) (model.Hash, error) {
	defer r.touched.Close()
	if r.err != nil {
		return model.Hash{}, r.err
	}
	st, info := r.s.Store, r.s.info
	before, err := st.Version(ctx)
	if err != nil {
		return model.Hash{}, err
	}
	posBefore, err := st.Position(ctx)
	if err != nil {
		return model.Hash{}, err
	}
	var p pending
	var last int
	var gone [][]byte    // keys the snapshot no longer states
	var deleted [][]byte // those of them it deletes (not derived)
	// The snapshot's deletions and the run number.
	err = st.ViewMeta(ctx, func(tx store.MetaTx) error {
		es, err := readEntries(tx)
		if err != nil {
			return err
		}
		if len(es) > 0 {
			last = es[len(es)-1].Run.Run
		}
		if info.Snapshot == "" {
			return nil
		}
		// The snapshot's keys and the run's, both in order: a merge.
		it := r.touched.Sorted()
		var cur []byte
		more := it.Next()
		if more {
			cur, _ = readTouched(it.Rec())
		}
		err = tx.Scan(bucketTagged+info.Snapshot, "", func(k string, _ []byte) bool {
			for more && string(cur) < k {
				if more = it.Next(); more {
					cur, _ = readTouched(it.Rec())
				}
			}
			if !more || string(cur) != k {
				gone = append(gone, []byte(k))
			}
			return true
		})
		return errors.Join(err, it.Err())
	})
	if err != nil {
		return model.Hash{}, err
	}
	keys := make([]model.Key, len(gone))
	for i, kb := range gone {
		if keys[i], err = model.ParseKey(kb); err != nil {
			return model.Hash{}, err
		}
	}
	derived, err := r.derivedOf(ctx, keys)
	if err != nil {
		return model.Hash{}, err
	}
	for i, k := range keys {
		if derived[i] {
			// Claimed by an earlier snapshot run: the claim goes, the record stays.
			p.Tags = append(p.Tags, tagSet{Key: gone[i]})
			continue
		}
		if err := r.Run.Delete(ctx, k); err != nil {
			return model.Hash{}, err
		}
		deleted = append(deleted, gone[i])
		p.SnapDeleted++
	}
	for _, k := range deleted {
		p.Tags = append(p.Tags, tagSet{Key: k, Delete: true})
	}
	// A key's tag names the snapshot that last wrote it; a plain run's keys
	// lose theirs. Before any snapshot run there are no tags to lose, so a
	// plain run then records none.
	tags := info.Snapshot != ""
	if !tags {
		if tags, err = anyTag(ctx, st); err != nil {
			return model.Hash{}, err
		}
	}
	if tags {
		if err := r.eachTouched(func(k []byte, h *[16]byte) error {
			name := info.Snapshot
			if r.derived[string(k)] {
				name = ""
			}
			p.Tags = append(p.Tags, tagSet{Key: bytes.Clone(k), Name: name, Delete: h == nil})
			return nil
		}); err != nil {
			return model.Hash{}, err
		}
	}
	now := model.Now().UTC()
	e := entry{Run: Run{Run: last + 1, Time: now.Format("2006-01-02T15:04:05Z"), Files: info.Files,
		Written: r.puts, Deleted: r.deletes + p.SnapDeleted}, EmptyBefore: before == (model.Hash{})}
	if e.Files == nil {
		e.Files = []string{}
	}
	if info.Snapshot != "" {
		name := info.Snapshot
		e.Snapshot = &name
	}
	if last > 0 {
		v := before.String()
		e.DataVersionBefore = &v
	}
	p.Entry, p.PosBefore = e, posBefore
	undo, err := r.beforeImages(ctx, e.EmptyBefore, deleted)
	if err != nil {
		return model.Hash{}, err
	}
	blob, err := json.Marshal(p)
	if err != nil {
		return model.Hash{}, err
	}
	if err := st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		prefix := runKey(e.Run.Run) + "/"
		for k, v := range undo {
			if err := tx.Put(bucketUndo, prefix+k, v); err != nil {
				return err
			}
		}
		return tx.Put(bucketPending, "run", blob)
	}); err != nil {
		return model.Hash{}, err
	}
	v, err := r.Run.Commit(ctx)
	if err != nil {
		return model.Hash{}, err
	}
	if err := finish(ctx, st, &p, v); err != nil {
		return v, err
	}
	r.s.last = Result{Run: e.Run.Run, SnapshotDeleted: p.SnapDeleted}
	return v, nil
}

// beforeImages reads what each key the run writes (and each key of deleted)
// held before it (encoded; empty for none), leaving out keys whose record the
// run puts unchanged.
func (r *run) beforeImages(ctx context.Context, empty bool, deleted [][]byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	if empty {
		return out, nil
	}
	keys := make([]model.Key, 0, getBatch)
	names := make([]string, 0, getBatch)
	hashes := make([]*[16]byte, 0, getBatch)
	flush := func() error {
		recs, err := r.s.Store.Get(ctx, keys)
		if err != nil {
			return err
		}
		for i, rec := range recs {
			h := hashes[i]
			switch {
			case rec == nil && h == nil: // deleting what is not there
			case rec == nil:
				out[names[i]] = []byte{}
			default:
				enc := rec.Encode(nil)
				if h != nil && [16]byte(model.HashOf(enc).Bytes()) == *h {
					continue
				}
				out[names[i]] = enc
			}
		}
		keys, names, hashes = keys[:0], names[:0], hashes[:0]
		return nil
	}
	add := func(k []byte, h *[16]byte) error {
		key, err := model.ParseKey(k)
		if err != nil {
			return err
		}
		var hc *[16]byte
		if h != nil {
			c := *h
			hc = &c
		}
		keys, names, hashes = append(keys, key), append(names, string(k)), append(hashes, hc)
		if len(keys) == getBatch {
			return flush()
		}
		return nil
	}
	if err := r.eachTouched(add); err != nil {
		return nil, err
	}
	for _, k := range deleted {
		if err := add(k, nil); err != nil {
			return nil, err
		}
	}
	if len(keys) > 0 {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// anyTag reports whether any key carries a snapshot's tag.
func anyTag(ctx context.Context, st store.Store) (bool, error) {
	found := false
	err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
		return tx.Scan(bucketTag, "", func(string, []byte) bool {
			found = true
			return false
		})
	})
	return found, err
}

// derivedOf reports which of the committed records of keys are derived
// (Info.Derived), reading them getBatch at a time; none without Info.Derived.
func (r *run) derivedOf(ctx context.Context, keys []model.Key) ([]bool, error) {
	out := make([]bool, len(keys))
	d := r.s.info.Derived
	if d == nil {
		return out, nil
	}
	for i := 0; i < len(keys); i += getBatch {
		recs, err := r.s.Store.Get(ctx, keys[i:min(i+getBatch, len(keys))])
		if err != nil {
			return nil, err
		}
		for j, rec := range recs {
			out[i+j] = rec != nil && d(rec)
		}
	}
	return out, nil
}
