package load

import (
	"bytes"
	"context"
	"fmt"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/resolve"
	"github.com/keiretsu/keiretsu/internal/spill"
	"github.com/keiretsu/keiretsu/internal/store"
)

// linkTracker remembers what a run did to entities and same_as records, so that
// automatic links can be computed at its end over the store's committed data with
// the run's changes on top. It keeps strong identifier keys, not records, and
// keeps them in a spill.Sorter (a bounded part in memory, the rest on disk), so
// that a run of any number of entities remembers them in bounded memory; the
// same_as records it keeps in memory. A nil tracker does nothing.
type linkTracker struct {
	// ents holds the run's word on each entity it put or deleted (identRecord,
	// tag fromRun), and at apply the committed entities' (tag fromStore).
	ents *spill.Sorter
	// links is the run's last word on each same_as key: nil when deleted.
	links   map[model.Key]*resolve.Link
	touched bool
	tempDir string
	err     error // the first error of the sorter
	rec     []byte
}

// The tags of identRecord: for one id, the run's records sort after the
// store's, and the last one is the entity's state after the run.
const (
	fromStore byte = 0
	fromRun   byte = 1
)

func newLinkTracker(tempDir string) *linkTracker {
	return &linkTracker{ents: spill.New(tempDir, spillLimit, byIdentID), links: map[model.Key]*resolve.Link{}, tempDir: tempDir}
}

// identRecord is an entity's id, a tag, then its Ident: a byte (0 for no
// strong keys or deleted, 1 for an organisation, 2 for a person) and its keys.
func identRecord(b []byte, id string, tag byte, x resolve.Ident) []byte {
	b = append(spill.AppendField(b, id), tag)
	switch {
	case len(x.Keys) == 0:
		return append(b, 0)
	case x.Person:
		b = append(b, 2)
	default:
		b = append(b, 1)
	}
	for _, k := range x.Keys {
		b = spill.AppendField(b, k)
	}
	return b
}

// readIdent reads the Ident of an identRecord after its tag.
func readIdent(b []byte) resolve.Ident {
	return resolve.Ident{Person: b[0] == 2, Keys: readKeys(b[1:])}
}

// readKeys reads the strings appendString wrote, to the end of b.
func readKeys(b []byte) []string {
	var out []string
	for len(b) > 0 {
		var k []byte
		k, b = spill.Field(b)
		out = append(out, string(k))
	}
	return out
}

// byIdentID orders identRecords by id, then tag.
func byIdentID(a, b []byte) int {
	ia, ra := spill.Field(a)
	ib, rb := spill.Field(b)
	if c := bytes.Compare(ia, ib); c != 0 {
		return c
	}
	return int(ra[0]) - int(rb[0])
}

// holderRecord is a resolve.Holder: key, person byte, id, then all the keys.
func holderRecord(b []byte, key, id string, x resolve.Ident) []byte {
	b = spill.AppendField(b, key)
	if x.Person {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = spill.AppendField(b, id)
	for _, k := range x.Keys {
		b = spill.AppendField(b, k)
	}
	return b
}

func readHolder(b []byte) resolve.Holder {
	key, b := spill.Field(b)
	h := resolve.Holder{Key: string(key), Person: b[0] == 1}
	id, b := spill.Field(b[1:])
	h.ID, h.Keys = string(id), readKeys(b)
	return h
}

// byHolder orders holderRecords as resolve.CompareHolders does.
func byHolder(a, b []byte) int {
	ka, ra := spill.Field(a)
	kb, rb := spill.Field(b)
	if c := bytes.Compare(ka, kb); c != 0 {
		return c
	}
	if c := int(ra[0]) - int(rb[0]); c != 0 {
		return c
	}
	ia, _ := spill.Field(ra[1:])
	ib, _ := spill.Field(rb[1:])
	return bytes.Compare(ia, ib)
}

func (t *linkTracker) addIdent(id string, tag byte, x resolve.Ident) {
	if t.err != nil {
		return
	}
	t.rec = identRecord(t.rec[:0], id, tag, x)
	t.err = t.ents.Add(t.rec)
}

func (t *linkTracker) put(r *model.Record) {
	if t == nil {
		return
	}
	switch r.Kind {
	case model.KindEntity:
		t.touched = true
		t.addIdent(r.ID, fromRun, resolve.IdentOf(r))
	case model.KindSameAs:
		t.touched = true
		t.links[r.Key()] = &resolve.Link{Pair: resolve.Pair{A: r.Src, B: r.Dst}, From: r.Valid.From, Auto: r.Source == resolve.AutoSource}
	}
}

func (t *linkTracker) delete(k model.Key) {
	if t == nil {
		return
	}
	switch k.Kind {
	case model.KindEntity:
		t.touched = true
		t.addIdent(k.Src, fromRun, resolve.Ident{})
	case model.KindSameAs:
		t.touched = true
		t.links[k] = nil
	}
}

// needed reports whether the run changed anything automatic links depend on.
func (t *linkTracker) needed() bool { return t != nil && t.touched }

// close removes the tracker's files.
func (t *linkTracker) close() {
	if t != nil {
		closeSorter(t.ents)
	}
}

// apply reads the committed entities' strong identifiers and the committed same_as
// records (one Scan, finished before any write), lays the run's changes over them,
// and writes the links resolve.AutoLinks asks for into the run. The entities
// go through two sorts on disk, by id (the run's word over the store's) and by
// strong key (resolve.AutoLinksOf's order), so memory holds one key's holders
// at a time, the same_as records, and the Idents of the automatic links' ends.
func (t *linkTracker) apply(ctx context.Context, st store.Store, run store.Run, sum *Summary) error {
	var links []resolve.Link
	_, err := st.Scan(ctx, func(r *model.Record) error {
		switch r.Kind {
		case model.KindEntity:
			if x := resolve.IdentOf(r); len(x.Keys) > 0 {
				t.addIdent(r.ID, fromStore, x)
			}
		case model.KindSameAs:
			k := r.Key()
			if _, mine := t.links[k]; mine {
				return nil
			}
			links = append(links, resolve.Link{Pair: resolve.Pair{A: r.Src, B: r.Dst}, From: r.Valid.From, Auto: r.Source == resolve.AutoSource})
		}
		return t.err
	})
	if err == nil {
		err = t.err
	}
	if err != nil {
		return fmt.Errorf("automatic links: %w", err)
	}
	for _, l := range t.links {
		if l != nil {
			links = append(links, *l)
		}
	}
	ends := map[string]resolve.Ident{}
	for _, l := range links {
		if l.Auto {
			ends[l.A], ends[l.B] = resolve.Ident{}, resolve.Ident{}
		}
	}
	holders := spill.New(t.tempDir, spillLimit, byHolder)
	defer closeSorter(holders)
	// The last record of each id is its state after the run.
	var last []byte
	var rec []byte
	flush := func() error {
		if last == nil {
			return nil
		}
		id, rest := spill.Field(last)
		x := readIdent(rest[1:])
		if _, ok := ends[string(id)]; ok {
			ends[string(id)] = x
		}
		for _, k := range x.Keys {
			rec = holderRecord(rec[:0], k, string(id), x)
			if err := holders.Add(rec); err != nil {
				return err
			}
		}
		return nil
	}
	it := t.ents.Sorted()
	for it.Next() {
		r := it.Rec()
		if last != nil {
			a, _ := spill.Field(last)
			b, _ := spill.Field(r)
			if !bytes.Equal(a, b) {
				if err := flush(); err != nil {
					return fmt.Errorf("automatic links: %w", err)
				}
			}
		}
		last = append(last[:0], r...)
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("automatic links: %w", err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("automatic links: %w", err)
	}
	hs := holders.Sorted()
	seq := func(yield func(resolve.Holder) bool) {
		for hs.Next() {
			if !yield(readHolder(hs.Rec())) {
				return
			}
		}
	}
	endOf := func(id string) (resolve.Ident, bool) {
		x := ends[id]
		return x, len(x.Keys) > 0
	}
	res := resolve.AutoLinksOf(seq, endOf, links)
	if err := hs.Err(); err != nil {
		return fmt.Errorf("automatic links: %w", err)
	}
	for _, r := range res.Add {
		if err := run.Put(ctx, r); err != nil {
			return fmt.Errorf("automatic links: %w", err)
		}
	}
	for _, l := range res.Stale {
		if err := run.Delete(ctx, l.Key()); err != nil {
			return fmt.Errorf("automatic links: %w", err)
		}
	}
	sum.AutoLinked, sum.AutoUnlinked = len(res.Add), len(res.Stale)
	sum.AutoSkipped = res.Skipped[:min(len(res.Skipped), maxListed)]
	return nil
}
