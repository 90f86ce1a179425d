package projection

import (
	"slices"
	"sync"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/persist"
)

// WriteImage writes the snapshot's arrays to an image body (see package
// persist): the date dictionary; the entity ids and attributes; the product
// ids and attributes; the category, regime and site tables; the five edge
// kinds (offsets, targets, dates, reverse index, then shares, ranges,
// essential flags and sites); the listings (their per-regime lists flattened
// behind offsets); the stored regime records, encoded. The interners' hash
// tables are not written: ReadImage rebuilds them.
func (s *Snapshot) WriteImage(w *persist.Writer) {
	persist.Put(w, s.dates)
	writeInterner(w, &s.ents)
	persist.Put(w, s.entType)
	persist.Put(w, s.entCtry)
	persist.Put(w, s.entHQ)
	persist.Put(w, s.entDef)
	writeInterner(w, &s.prods)
	persist.Put(w, s.prodCat)
	persist.Put(w, s.prodDef)
	writeInterner(w, &s.pcats)
	persist.Put(w, s.pcatMask)
	writeInterner(w, &s.lcats)
	writeInterner(w, &s.regimes)
	writeInterner(w, &s.sites)
	for _, e := range []*Edges{&s.Own, &s.Ctl, &s.Same, &s.Comp, &s.Srcg} {
		persist.Put(w, e.off)
		persist.Put(w, e.dst)
		persist.Put(w, e.from)
		persist.Put(w, e.to)
		persist.Put(w, e.inOff)
		persist.Put(w, e.inIdx)
		persist.Put(w, e.share)
		persist.Put(w, e.ranges)
		persist.Put(w, e.essential)
		persist.Put(w, e.site)
	}
	l := &s.Lists
	persist.Put(w, l.Entity)
	persist.Put(w, l.Regime)
	persist.Put(w, l.from)
	persist.Put(w, l.to)
	persist.Put(w, l.Cats)
	regOff := make([]uint32, 1, len(l.byRegime)+1)
	var regIdx []uint32
	for _, list := range l.byRegime {
		regIdx = append(regIdx, list...)
		regOff = append(regOff, uint32(len(regIdx)))
	}
	persist.Put(w, regOff)
	persist.Put(w, regIdx)
	persist.Put(w, l.byEntOff)
	persist.Put(w, l.byEntIdx)
	var enc []byte
	recOff := []uint32{0}
	for _, r := range s.regimeRecs {
		enc = r.Encode(enc)
		recOff = append(recOff, uint32(len(enc)))
	}
	persist.Put(w, recOff)
	persist.Put(w, enc)
}

func writeInterner(w *persist.Writer, in *interner) {
	persist.Put(w, in.off)
	persist.Put(w, in.data)
}

// ReadImage reads a snapshot of dataVersion version that WriteImage wrote.
// Its arrays are views of the image's body. It checks that the arrays' lengths
// fit together (so that no accessor can index out of range), not their
// values: the image's checksum stands for those.
func ReadImage(r *persist.Reader, version model.Hash) (*Snapshot, error) {
	s := &Snapshot{version: version}
	s.dates = persist.Get[model.Date](r)
	if len(s.dates) > maxDates || !slices.IsSorted(s.dates) {
		r.Fail("date dictionary of %d dates", len(s.dates))
	}
	s.ents = readInterner(r)
	ne := s.ents.len()
	s.entType = persist.GetN[uint8](r, ne)
	s.entCtry = persist.GetN[uint16](r, ne)
	s.entHQ = persist.GetN[uint16](r, ne)
	s.entDef = bitsetN(r, ne)
	s.prods = readInterner(r)
	np := s.prods.len()
	s.prodCat = persist.GetN[uint16](r, np)
	s.prodDef = bitsetN(r, np)
	s.pcats = readInterner(r)
	s.pcatMask = persist.GetN[uint64](r, s.pcats.len())
	s.lcats = readInterner(r)
	s.regimes = readInterner(r)
	s.sites = readInterner(r)
	for _, k := range []struct {
		e          *Edges
		kind       model.Kind
		nsrc, ndst int
	}{
		{&s.Own, model.KindOwnership, ne, ne}, {&s.Ctl, model.KindControl, ne, ne}, {&s.Same, model.KindSameAs, ne, ne},
		{&s.Comp, model.KindComponent, np, np}, {&s.Srcg, model.KindSourcing, np, ne},
	} {
		s.readEdges(r, k.e, k.kind, k.nsrc, k.ndst)
	}
	l := &s.Lists
	l.Entity = persist.Get[uint32](r)
	nl := len(l.Entity)
	l.Regime = persist.GetN[uint16](r, nl)
	l.from = persist.GetN[DateCode](r, nl)
	l.to = persist.GetN[DateCode](r, nl)
	l.Cats = persist.GetN[uint64](r, nl)
	nreg := s.regimes.len()
	regOff := offsets(r, nreg, nl)
	regIdx := persist.GetN[uint32](r, nl)
	l.byEntOff = offsets(r, ne, nl)
	l.byEntIdx = persist.GetN[uint32](r, nl)
	recOff := persist.Get[uint32](r)
	enc := persist.Get[byte](r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	below(r, "entity type", s.entType, uint8(len(typeNames)))
	below(r, "product category", s.prodCat, uint16(s.pcats.len()+1))
	if s.lcats.len() > 64 || s.regimes.len() > 0xFFFF || s.sites.len() >= 0xFFFF {
		r.Fail("%d listing categories, %d regimes, %d sites", s.lcats.len(), s.regimes.len(), s.sites.len())
	}
	below(r, "listing entity", l.Entity, uint32(ne))
	below(r, "listing regime", l.Regime, uint16(nreg))
	s.checkDates(r, l.from, l.to)
	below(r, "listing of regime", regIdx, uint32(nl))
	below(r, "listing of entity", l.byEntIdx, uint32(nl))
	if r.Err() == nil {
		l.byRegime = make([][]uint32, nreg)
		for i := range l.byRegime {
			if regOff[i] != regOff[i+1] {
				l.byRegime[i] = regIdx[regOff[i]:regOff[i+1]:regOff[i+1]]
			}
		}
	}
	if len(recOff) == 0 || int(recOff[len(recOff)-1]) != len(enc) {
		r.Fail("regime records")
	}
	for i := 0; r.Err() == nil && i+1 < len(recOff); i++ {
		if recOff[i] > recOff[i+1] {
			r.Fail("regime record %d", i)
			break
		}
		rec := &model.Record{}
		if err := rec.Decode(enc[recOff[i]:recOff[i+1]]); err != nil {
			r.Fail("regime record %d: %v", i, err)
			break
		}
		s.regimeRecs = append(s.regimeRecs, rec)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	s.rebuildTables()
	return s, nil
}

// readEdges reads one edge kind as writeImage wrote it.
func (s *Snapshot) readEdges(r *persist.Reader, e *Edges, kind model.Kind, nsrc, ndst int) {
	e.off = persist.GetN[uint32](r, nsrc+1)
	e.dst = persist.Get[uint32](r)
	m := len(e.dst)
	e.from = persist.GetN[DateCode](r, m)
	e.to = persist.GetN[DateCode](r, m)
	e.inOff = persist.GetN[uint32](r, ndst+1)
	e.inIdx = persist.GetN[uint32](r, m)
	e.share = persist.Get[uint32](r)
	e.ranges = persist.Get[[2]uint32](r)
	e.essential = persist.Get[uint64](r)
	e.site = persist.Get[uint16](r)
	if r.Err() != nil {
		return
	}
	monotonic(r, "edge offsets", e.off, m)
	monotonic(r, "reverse edge offsets", e.inOff, m)
	below(r, "edge target", e.dst, uint32(ndst))
	below(r, "reverse edge", e.inIdx, uint32(m))
	s.checkDates(r, e.from, e.to)
	want := func(what string, got, n int) {
		if got != n {
			r.Fail("%s: %d values, want %d", what, got, n)
		}
	}
	switch kind {
	case model.KindOwnership:
		want("shares", len(e.share), m)
		for i, v := range e.share {
			if v != shareUnknown && v&shareRangeBit != 0 && int(v&^shareRangeBit) >= len(e.ranges) {
				r.Fail("share %d", i)
				break
			}
		}
	case model.KindComponent:
		want("essential flags", len(e.essential), (m+63)/64)
	case model.KindSourcing:
		if e.site != nil {
			want("sites", len(e.site), m)
			below(r, "site", e.site, uint16(s.sites.len()+1))
		}
	}
	if kind != model.KindOwnership && (e.share != nil || e.ranges != nil) {
		r.Fail("shares of %s edges", kind)
	}
}

// rebuildTables rebuilds the interners' hash tables (not part of an image),
// the two large ones in parallel.
func (s *Snapshot) rebuildTables() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.ents.rehash() }()
	s.prods.rehash()
	for _, in := range []*interner{&s.pcats, &s.lcats, &s.regimes, &s.sites} {
		in.rehash()
	}
	wg.Wait()
}

func readInterner(r *persist.Reader) interner {
	off := persist.Get[uint32](r)
	data := persist.Get[byte](r)
	if r.Err() != nil {
		return interner{off: []uint32{0}}
	}
	if len(off) == 0 {
		r.Fail("interner without offsets")
		return interner{off: []uint32{0}}
	}
	monotonic(r, "id offsets", off, len(data))
	return interner{off: off, data: data}
}

// bitsetN reads a bitset of n bits (its words as the builder left them: up to
// the highest bit set).
func bitsetN(r *persist.Reader, n int) bitset {
	b := persist.Get[uint64](r)
	if len(b) > (n+63)/64 {
		r.Fail("bitset of %d words for %d bits", len(b), n)
	}
	return bitset(b)
}

// offsets reads a CSR offset array over n nodes and m items.
func offsets(r *persist.Reader, n, m int) []uint32 {
	off := persist.GetN[uint32](r, n+1)
	monotonic(r, "offsets", off, m)
	return off
}

// monotonic checks that offsets start at 0, never decrease and end at m.
func monotonic(r *persist.Reader, what string, off []uint32, m int) {
	if len(off) == 0 {
		return // GetN recorded the error
	}
	if off[0] != 0 || int(off[len(off)-1]) != m {
		r.Fail("%s do not run from 0 to %d", what, m)
		return
	}
	for i := 1; i < len(off); i++ {
		if off[i] < off[i-1] {
			r.Fail("%s decrease at %d", what, i)
			return
		}
	}
}

func below[T uint8 | uint16 | uint32](r *persist.Reader, what string, s []T, n T) {
	for i, v := range s {
		if v >= n {
			r.Fail("%s %d is %d, beyond %d", what, i, v, n)
			return
		}
	}
}

// checkDates checks coded validity bounds against the date dictionary.
func (s *Snapshot) checkDates(r *persist.Reader, from, to []DateCode) {
	nd := DateCode(len(s.dates))
	for i := range from {
		// from is open (0) or a rank 1..nd; to a rank 1..nd or open.
		if from[i] > nd || to[i] == 0 || (to[i] > nd && to[i] != openTo) {
			r.Fail("dates of fact %d", i)
			return
		}
	}
}
