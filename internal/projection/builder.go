package projection

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

// Builder collects records and builds a Snapshot. Records may come in any order;
// an edge may name nodes that come later or never.
type Builder struct {
	ents    interner
	entType []uint8
	entCtry []uint16 // country code (countryCode), 0 when none
	entHQ   []uint16 // hqCountry code, 0 when none
	entDef  bitset
	prods   interner
	prodCat []uint16
	prodDef bitset
	pcats   interner
	lcats   interner
	regimes interner
	sites   interner

	own, ctl, same, comp, srcg []edgeRec
	ranges                     [][2]uint32
	lst                        []listRec
	regimeRecs                 []*model.Record
	err                        error
}

type listRec struct {
	ent      uint32
	regime   uint16
	from, to model.Date
	cats     uint64
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{ents: newInterner(), prods: newInterner(), pcats: newInterner(), lcats: newInterner(), regimes: newInterner(), sites: newInterner()}
}

func (b *Builder) entity(id string) uint32 {
	i := b.ents.intern(id)
	if int(i) == len(b.entType) {
		b.entType = append(b.entType, typeCompany)
		b.entCtry = append(b.entCtry, 0)
		b.entHQ = append(b.entHQ, 0)
	}
	return i
}

func (b *Builder) product(id string) uint32 {
	i := b.prods.intern(id)
	if int(i) == len(b.prodCat) {
		b.prodCat = append(b.prodCat, 0)
	}
	return i
}

func (b *Builder) share(s model.Share) uint32 {
	switch s.Mode {
	case model.ShareExact:
		return s.Min
	case model.ShareRange:
		b.ranges = append(b.ranges, [2]uint32{s.Min, s.Max})
		return shareRangeBit | uint32(len(b.ranges)-1)
	}
	return shareUnknown
}

func (b *Builder) catMask(cats []string) uint64 {
	var m uint64
	for _, c := range cats {
		i := b.lcats.intern(c)
		if i >= 64 {
			if b.err == nil {
				b.err = fmt.Errorf("projection: more than 64 distinct listing categories (at %q)", c)
			}
			continue
		}
		m |= 1 << i
	}
	return m
}

// Add adds one normalized record.
func (b *Builder) Add(r *model.Record) {
	switch r.Kind {
	case model.KindEntity:
		i := b.entity(r.ID)
		b.entType[i] = typeCode(r.Type)
		b.entCtry[i], b.entHQ[i] = countryCode(r.Country), countryCode(r.HQCountry)
		b.entDef.set(i)
	case model.KindProduct:
		i := b.product(r.ID)
		b.prodCat[i] = 0
		if r.Category != "" {
			b.prodCat[i] = uint16(b.pcats.intern(r.Category) + 1)
		}
		b.prodDef.set(i)
	case model.KindRegime:
		cp := *r
		b.regimeRecs = append(b.regimeRecs, &cp)
	case model.KindOwnership:
		b.own = append(b.own, edgeRec{b.entity(r.Src), b.entity(r.Dst), r.Valid.From, r.Valid.To, b.share(r.Share)})
	case model.KindControl:
		b.ctl = append(b.ctl, edgeRec{b.entity(r.Src), b.entity(r.Dst), r.Valid.From, r.Valid.To, 0})
	case model.KindSameAs:
		b.same = append(b.same, edgeRec{b.entity(r.Src), b.entity(r.Dst), r.Valid.From, r.Valid.To, 0})
	case model.KindComponent:
		var ess uint32
		if r.Essential {
			ess = 1
		}
		b.comp = append(b.comp, edgeRec{b.product(r.Src), b.product(r.Dst), r.Valid.From, r.Valid.To, ess})
	case model.KindSourcing:
		var site uint32
		if r.Site != "" {
			site = b.sites.intern(r.Site) + 1
		}
		b.srcg = append(b.srcg, edgeRec{b.product(r.Src), b.entity(r.Dst), r.Valid.From, r.Valid.To, site})
	case model.KindListing:
		reg := b.regimes.intern(r.Dst)
		b.lst = append(b.lst, listRec{b.entity(r.Src), uint16(reg), r.Valid.From, r.Valid.To, b.catMask(r.Categories)})
	}
}

// Build lays out the snapshot. The builder must not be used afterwards.
func (b *Builder) Build(version model.Hash) (*Snapshot, error) {
	if b.err != nil {
		return nil, b.err
	}
	if b.sites.len() >= 0xFFFF {
		return nil, fmt.Errorf("projection: too many distinct sourcing sites (%d)", b.sites.len())
	}
	if b.regimes.len() > 0xFFFF {
		return nil, fmt.Errorf("projection: too many regimes (%d)", b.regimes.len())
	}
	var all []model.Date
	for _, set := range [][]edgeRec{b.own, b.ctl, b.same, b.comp, b.srcg} {
		for i := range set {
			all = appendDates(all, set[i].from, set[i].to)
		}
	}
	for i := range b.lst {
		all = appendDates(all, b.lst[i].from, b.lst[i].to)
	}
	dd, err := buildDateDict(all)
	if err != nil {
		return nil, err
	}
	ne, np := b.ents.len(), b.prods.len()
	s := &Snapshot{
		version: version, dates: dd,
		ents: b.ents, entType: b.entType, entCtry: b.entCtry, entHQ: b.entHQ, entDef: b.entDef,
		prods: b.prods, prodCat: b.prodCat, prodDef: b.prodDef,
		pcats: b.pcats, lcats: b.lcats, regimes: b.regimes, sites: b.sites,
		regimeRecs: b.regimeRecs,
	}
	entOrder, entRank := idOrder(&s.ents)
	prodOrder, prodRank := idOrder(&s.prods)
	s.Own = buildEdges(b.own, ne, ne, entOrder, entRank, dd, b.ranges, model.KindOwnership)
	s.Ctl = buildEdges(b.ctl, ne, ne, entOrder, entRank, dd, nil, model.KindControl)
	s.Same = buildEdges(b.same, ne, ne, entOrder, entRank, dd, nil, model.KindSameAs)
	s.Comp = buildEdges(b.comp, np, np, prodOrder, prodRank, dd, nil, model.KindComponent)
	s.Srcg = buildEdges(b.srcg, np, ne, prodOrder, entRank, dd, nil, model.KindSourcing)
	s.pcatMask = make([]uint64, b.pcats.len())
	for i := range uint32(b.pcats.len()) {
		c := b.pcats.str(i)
		if li, ok := b.lcats.lookup(c); ok {
			s.pcatMask[i] = 1 << li
		}
	}
	// Listings in (entity id, regime id, from) order, so seeds and listing hops
	// come in the same order whatever order the records came in.
	slices.SortFunc(b.lst, func(x, y listRec) int {
		if x.ent != y.ent {
			return int(entRank[x.ent]) - int(entRank[y.ent])
		}
		if c := strings.Compare(s.regimes.str(uint32(x.regime)), s.regimes.str(uint32(y.regime))); c != 0 {
			return c
		}
		return cmp.Compare(x.from, y.from)
	})
	s.Lists = buildListings(b.lst, ne, b.regimes.len(), dd)
	*b = Builder{}
	return s, nil
}

func appendDates(all []model.Date, from, to model.Date) []model.Date {
	if from != model.MinDate {
		all = append(all, from)
	}
	if to != model.MaxDate {
		all = append(all, to)
	}
	return all
}

func buildListings(recs []listRec, ne, nreg int, dd dateDict) Listings {
	l := Listings{
		Entity: make([]uint32, len(recs)), Regime: make([]uint16, len(recs)),
		from: make([]DateCode, len(recs)), to: make([]DateCode, len(recs)), Cats: make([]uint64, len(recs)),
		byRegime: make([][]uint32, nreg), byEntOff: make([]uint32, ne+1), byEntIdx: make([]uint32, len(recs)),
	}
	for i, r := range recs {
		l.Entity[i], l.Regime[i], l.Cats[i] = r.ent, r.regime, r.cats
		l.from[i], l.to[i] = dd.codeFrom(r.from), dd.codeTo(r.to)
		l.byRegime[r.regime] = append(l.byRegime[r.regime], uint32(i))
		l.byEntOff[r.ent+1]++
	}
	for x := 1; x <= ne; x++ {
		l.byEntOff[x] += l.byEntOff[x-1]
	}
	next := make([]uint32, ne)
	copy(next, l.byEntOff[:ne])
	for i, r := range recs {
		l.byEntIdx[next[r.ent]] = uint32(i)
		next[r.ent]++
	}
	return l
}

// Build builds a snapshot from every record scan yields.
func Build(version model.Hash, scan func(fn func(*model.Record) error) error) (*Snapshot, error) {
	b := NewBuilder()
	if err := scan(func(r *model.Record) error { b.Add(r); return nil }); err != nil {
		return nil, err
	}
	return b.Build(version)
}

// Apply returns a new snapshot: s without the records whose keys are in removed,
// plus the records in added (a record replacing an old one must have its key in
// removed too).
func (s *Snapshot) Apply(version model.Hash, removed map[model.Key]bool, added []*model.Record) (*Snapshot, error) {
	b := NewBuilder()
	s.emit(b, removed)
	for _, r := range added {
		b.Add(r)
	}
	return b.Build(version)
}

// emit re-adds the snapshot's content to b, except records with keys in skip.
func (s *Snapshot) emit(b *Builder, skip map[model.Key]bool) {
	for x := range uint32(s.ents.len()) {
		id := s.ents.str(x)
		if s.entDef.get(x) && !skip[model.Key{Kind: model.KindEntity, Src: id, From: model.MinDate}] {
			b.Add(&model.Record{Kind: model.KindEntity, ID: id, Type: typeNames[s.entType[x]],
				Country: s.EntityCountry(x), HQCountry: s.EntityHQCountry(x)})
		}
	}
	for p := range uint32(s.prods.len()) {
		id := s.prods.str(p)
		if s.prodDef.get(p) && !skip[model.Key{Kind: model.KindProduct, Src: id, From: model.MinDate}] {
			b.Add(&model.Record{Kind: model.KindProduct, ID: id, Category: s.ProductCategory(p)})
		}
	}
	for _, r := range s.regimeRecs {
		if !skip[r.Key()] {
			b.Add(r)
		}
	}
	ent, prod := s.EntityID, s.ProductID
	s.emitEdges(b, model.KindOwnership, &s.Own, ent, ent, skip)
	s.emitEdges(b, model.KindControl, &s.Ctl, ent, ent, skip)
	s.emitEdges(b, model.KindSameAs, &s.Same, ent, ent, skip)
	s.emitEdges(b, model.KindComponent, &s.Comp, prod, prod, skip)
	s.emitEdges(b, model.KindSourcing, &s.Srcg, prod, ent, skip)
	l := &s.Lists
	for i := range uint32(l.Len()) {
		r := model.Record{Kind: model.KindListing, Src: s.EntityID(l.Entity[i]), Dst: s.RegimeID(l.Regime[i]),
			Valid: s.ListingPeriod(i), Categories: s.ListingCategories(l.Cats[i])}
		if !skip[r.Key()] {
			b.Add(&r)
		}
	}
}

func (s *Snapshot) emitEdges(b *Builder, kind model.Kind, e *Edges, srcID, dstID func(uint32) string, skip map[model.Key]bool) {
	nsrc := len(e.off) - 1
	for x := range uint32(max(nsrc, 0)) {
		lo, hi := e.Out(x)
		for i := lo; i < hi; i++ {
			r := model.Record{Kind: kind, Src: srcID(x), Dst: dstID(e.dst[i]), Valid: s.EdgePeriod(e, i)}
			if skip[r.Key()] {
				continue
			}
			switch kind {
			case model.KindOwnership:
				r.Share = e.Share(i)
			case model.KindComponent:
				r.Essential = e.Essential(i)
			case model.KindSourcing:
				r.Site = s.SiteName(e.Site(i))
			}
			b.Add(&r)
		}
	}
}
