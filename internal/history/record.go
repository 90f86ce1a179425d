package history

import (
	"context"
	"encoding/json"

	"github.com/keiretsu/keiretsu/internal/model"
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
	return &run{Run: r, s: s, touched: map[string]*[16]byte{}, derived: map[string]bool{}}, nil
}

// run records the keys a run writes (with the hash of the record put, nil for
// a delete).
type run struct {
	store.Run
	s       *Store
	touched map[string]*[16]byte
	derived map[string]bool // keys of the derived records put (Info.Derived)
	puts    int
	deletes int
}

func (r *run) Put(ctx context.Context, rec *model.Record) error {
	if err := r.Run.Put(ctx, rec); err != nil {
		return err
	}
	h := model.HashOf(rec.Encode(nil))
	b := [16]byte(h.Bytes())
	k := string(rec.Key().KeyBytes())
	r.touched[k] = &b
	if d := r.s.info.Derived; d != nil && d(rec) {
		r.derived[k] = true
	}
	r.puts++
	return nil
}

func (r *run) Delete(ctx context.Context, k model.Key) error {
	if err := r.Run.Delete(ctx, k); err != nil {
		return err
	}
	r.touched[string(k.KeyBytes())] = nil
	r.deletes++
	return nil
}

// getBatch is how many before-images are read per store call.
const getBatch = 1000

func (r *run) Commit(ctx context.Context) (model.Hash, error) {
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
	var gone [][]byte // keys the snapshot deletes
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
		return tx.Scan(bucketTagged+info.Snapshot, "", func(k string, _ []byte) bool {
			if _, ok := r.touched[k]; !ok {
				gone = append(gone, []byte(k))
			}
			return true
		})
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
		r.touched[string(gone[i])] = nil
		p.SnapDeleted++
	}
	for k, h := range r.touched {
		name := info.Snapshot
		if r.derived[k] {
			name = ""
		}
		p.Tags = append(p.Tags, tagSet{Key: []byte(k), Name: name, Delete: h == nil})
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
	undo, err := r.beforeImages(ctx, e.EmptyBefore)
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

// beforeImages reads what each key the run writes held before it (encoded;
// empty for none), leaving out keys whose record the run puts unchanged.
func (r *run) beforeImages(ctx context.Context, empty bool) (map[string][]byte, error) {
	out := map[string][]byte{}
	if empty {
		return out, nil
	}
	keys := make([]model.Key, 0, getBatch)
	names := make([]string, 0, getBatch)
	flush := func() error {
		recs, err := r.s.Store.Get(ctx, keys)
		if err != nil {
			return err
		}
		for i, rec := range recs {
			h := r.touched[names[i]]
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
		keys, names = keys[:0], names[:0]
		return nil
	}
	for k := range r.touched {
		key, err := model.ParseKey([]byte(k))
		if err != nil {
			return nil, err
		}
		keys, names = append(keys, key), append(names, k)
		if len(keys) == getBatch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if len(keys) > 0 {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return out, nil
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
