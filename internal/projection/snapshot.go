package projection

import (
	"github.com/keiretsu/keiretsu/internal/model"
)

// Entity type codes.
const (
	typeCompany uint8 = iota
	typePerson
	typeStateBody
	typeOrganization
)

var typeNames = [...]string{model.TypeCompany, model.TypePerson, model.TypeStateBody, model.TypeOrganization}

func typeCode(t string) uint8 {
	for i, n := range typeNames {
		if n == t {
			return uint8(i)
		}
	}
	return typeCompany
}

type bitset []uint64

func (b bitset) get(i uint32) bool { return int(i>>6) < len(b) && b[i>>6]&(1<<(i&63)) != 0 }

func (b *bitset) set(i uint32) {
	for int(i>>6) >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i>>6] |= 1 << (i & 63)
}

// Listings is the table of listing facts.
type Listings struct {
	Entity []uint32
	Regime []uint16
	from   []DateCode
	to     []DateCode
	// Cats is the listing's category mask (bits from the snapshot's listing
	// categories); 0 means the listing counts for every product.
	Cats     []uint64
	byRegime [][]uint32
	byEntOff []uint32
	byEntIdx []uint32
}

// Len is the number of listings.
func (l *Listings) Len() int { return len(l.Entity) }

// Holds reports whether listing i is valid on the coded day q.
func (l *Listings) Holds(i uint32, q DateCode) bool { return holds(l.from[i], l.to[i], q) }

// OfRegime returns the listings of regime r (a projection regime index).
func (l *Listings) OfRegime(r uint16) []uint32 {
	if int(r) >= len(l.byRegime) {
		return nil
	}
	return l.byRegime[r]
}

// OfEntity returns the listings of entity x.
func (l *Listings) OfEntity(x uint32) []uint32 {
	if int(x)+1 >= len(l.byEntOff) {
		return nil
	}
	return l.byEntIdx[l.byEntOff[x]:l.byEntOff[x+1]]
}

// Snapshot is an immutable projection of a store at one version.
type Snapshot struct {
	version model.Hash
	dates   dateDict

	ents     interner
	entType  []uint8
	entCtry  []uint16 // country code (countryCode), 0 when none
	entHQ    []uint16 // hqCountry code, 0 when none
	entDef   bitset
	prods    interner
	prodCat  []uint16 // index+1 into pcats, 0 = none
	prodDef  bitset
	pcats    interner
	pcatMask []uint64 // per product category: its bit among listing categories, or 0
	lcats    interner // listing categories, at most 64
	regimes  interner
	sites    interner // sourcing sites, numbered from 1 on the edges

	// Own, Ctl and Same link entities (same_as edges are stored once, a -> b with
	// a < b); Comp links products (parent -> child); Srcg links products to entities.
	Own, Ctl, Same, Comp, Srcg Edges
	Lists                      Listings

	regimeRecs []*model.Record
}

// EdgesOf returns the edges of a node-to-node kind (ownership, control,
// same_as, component, sourcing) and the kinds of their source and target
// nodes; nil for another kind.
func (s *Snapshot) EdgesOf(kind model.Kind) (e *Edges, src, dst model.Kind) {
	switch kind {
	case model.KindOwnership:
		return &s.Own, model.KindEntity, model.KindEntity
	case model.KindControl:
		return &s.Ctl, model.KindEntity, model.KindEntity
	case model.KindSameAs:
		return &s.Same, model.KindEntity, model.KindEntity
	case model.KindComponent:
		return &s.Comp, model.KindProduct, model.KindProduct
	case model.KindSourcing:
		return &s.Srcg, model.KindProduct, model.KindEntity
	}
	return nil, 0, 0
}

// NodeID returns the id of node x of a kind (entity or product).
func (s *Snapshot) NodeID(kind model.Kind, x uint32) string {
	if kind == model.KindProduct {
		return s.ProductID(x)
	}
	return s.EntityID(x)
}

// Node returns the number of the node of a kind (entity or product) with the id.
func (s *Snapshot) Node(kind model.Kind, id string) (uint32, bool) {
	if kind == model.KindProduct {
		return s.Product(id)
	}
	return s.Entity(id)
}

// Version is the content hash of the data the snapshot was built from.
func (s *Snapshot) Version() model.Hash { return s.version }

// Query codes day d for the snapshot's Holds methods.
func (s *Snapshot) Query(d model.Date) DateCode { return s.dates.query(d) }

// FromDate and ToDate decode an edge's validity bounds.
func (s *Snapshot) FromDate(c DateCode) model.Date { return s.dates.decodeFrom(c) }

// ToDate decodes a coded `to` bound.
func (s *Snapshot) ToDate(c DateCode) model.Date { return s.dates.decodeTo(c) }

// EdgePeriod returns edge i's validity period.
func (s *Snapshot) EdgePeriod(e *Edges, i uint32) model.Period {
	return model.Period{From: s.dates.decodeFrom(e.from[i]), To: s.dates.decodeTo(e.to[i])}
}

// ListingPeriod returns listing i's validity period.
func (s *Snapshot) ListingPeriod(i uint32) model.Period {
	return model.Period{From: s.dates.decodeFrom(s.Lists.from[i]), To: s.dates.decodeTo(s.Lists.to[i])}
}

// NumEntities is the number of entity nodes (defined or only referenced).
func (s *Snapshot) NumEntities() int { return s.ents.len() }

// NumProducts is the number of product nodes (defined or only referenced).
func (s *Snapshot) NumProducts() int { return s.prods.len() }

// Entity returns the index of entity id.
func (s *Snapshot) Entity(id string) (uint32, bool) { return s.ents.lookup(id) }

// EntityID returns the id of entity x.
func (s *Snapshot) EntityID(x uint32) string { return s.ents.str(x) }

// EntityDefined reports whether an entity record defines x.
func (s *Snapshot) EntityDefined(x uint32) bool { return s.entDef.get(x) }

// IsStateBody reports whether entity x is a state body.
func (s *Snapshot) IsStateBody(x uint32) bool { return s.entType[x] == typeStateBody }

// EntityType returns entity x's type.
func (s *Snapshot) EntityType(x uint32) string { return typeNames[s.entType[x]] }

// EntityCountry returns entity x's country (ISO 3166 alpha-2), or "".
func (s *Snapshot) EntityCountry(x uint32) string { return countryName(s.entCtry[x]) }

// EntityHQCountry returns entity x's headquarters country, or "".
func (s *Snapshot) EntityHQCountry(x uint32) string { return countryName(s.entHQ[x]) }

// EntityCountryCode and EntityHQCountryCode return entity x's countries as
// CountryCode values (0 when none), for comparisons without strings.
func (s *Snapshot) EntityCountryCode(x uint32) uint16 { return s.entCtry[x] }

// EntityHQCountryCode: see EntityCountryCode.
func (s *Snapshot) EntityHQCountryCode(x uint32) uint16 { return s.entHQ[x] }

// NumSites is the number of distinct sourcing sites; site numbers run 1..NumSites.
func (s *Snapshot) NumSites() int { return s.sites.len() }

// SiteName returns the site of site number n (as Edges.Site gives it), or "" for 0.
func (s *Snapshot) SiteName(n uint16) string {
	if n == 0 {
		return ""
	}
	return s.sites.str(uint32(n - 1))
}

// Product returns the index of product id.
func (s *Snapshot) Product(id string) (uint32, bool) { return s.prods.lookup(id) }

// ProductID returns the id of product p.
func (s *Snapshot) ProductID(p uint32) string { return s.prods.str(p) }

// ProductDefined reports whether a product record defines p.
func (s *Snapshot) ProductDefined(p uint32) bool { return s.prodDef.get(p) }

// ProductCategory returns product p's category, or "".
func (s *Snapshot) ProductCategory(p uint32) string {
	if c := s.prodCat[p]; c != 0 {
		return s.pcats.str(uint32(c - 1))
	}
	return ""
}

// HasCategory reports whether product p has a category.
func (s *Snapshot) HasCategory(p uint32) bool { return s.prodCat[p] != 0 }

// CategoryMask returns the listing-category bit of product p's own category (0 if
// it has none, or one no listing names).
func (s *Snapshot) CategoryMask(p uint32) uint64 {
	if c := s.prodCat[p]; c != 0 {
		return s.pcatMask[c-1]
	}
	return 0
}

// ListingCategories returns the categories of a listing category mask.
func (s *Snapshot) ListingCategories(mask uint64) []string {
	var out []string
	for i := 0; i < s.lcats.len(); i++ {
		if mask&(1<<uint(i)) != 0 {
			out = append(out, s.lcats.str(uint32(i)))
		}
	}
	return out
}

// Regime returns the projection index of a regime id that listings name.
func (s *Snapshot) Regime(id string) (uint16, bool) {
	i, ok := s.regimes.lookup(id)
	return uint16(i), ok
}

// RegimeID returns the id of projection regime index r.
func (s *Snapshot) RegimeID(r uint16) string { return s.regimes.str(uint32(r)) }

// RegimeRecords returns the regime definitions stored with the data.
func (s *Snapshot) RegimeRecords() []*model.Record { return s.regimeRecs }

// Stats counts what the snapshot holds.
type Stats struct {
	Entities, Products                                       int
	Ownership, Control, SameAs, Component, Sourcing, Listing int
	Dates                                                    int
	// Bytes is the memory of the graph structure: EdgeBytes (edge arrays,
	// listings, the date dictionary) plus NodeBytes (interned ids, per-node
	// attributes and the per-node offsets of every adjacency).
	Bytes, EdgeBytes, NodeBytes int
}

// Edges is the total number of edges, listings included.
func (st Stats) Edges() int {
	return st.Ownership + st.Control + st.SameAs + st.Component + st.Sourcing + st.Listing
}

// Stats reports counts and the estimated memory of the snapshot.
func (s *Snapshot) Stats() Stats {
	st := Stats{
		Entities: s.ents.len(), Products: s.prods.len(),
		Ownership: s.Own.Len(), Control: s.Ctl.Len(), SameAs: s.Same.Len(), Component: s.Comp.Len(),
		Sourcing: s.Srcg.Len(), Listing: s.Lists.Len(), Dates: len(s.dates),
	}
	l := &s.Lists
	edgeArrays := func(e *Edges) int {
		return 4*(len(e.dst)+len(e.inIdx)+len(e.share)) + 2*(len(e.from)+len(e.to)) + 8*(len(e.ranges)+len(e.essential))
	}
	offsets := func(e *Edges) int { return 4 * (len(e.off) + len(e.inOff)) }
	st.EdgeBytes = edgeArrays(&s.Own) + edgeArrays(&s.Ctl) + edgeArrays(&s.Same) + edgeArrays(&s.Comp) + edgeArrays(&s.Srcg) +
		2*len(s.Srcg.site) + 4*len(l.Entity) + 2*len(l.Regime) + 4*len(l.from) + 8*len(l.Cats) + 4*len(l.byEntIdx) + 4*len(s.dates)
	st.NodeBytes = s.ents.bytes() + s.prods.bytes() + s.sites.bytes() + len(s.entType) + 2*(len(s.entCtry)+len(s.entHQ)) + 2*len(s.prodCat) + 8*(len(s.entDef)+len(s.prodDef)) +
		offsets(&s.Own) + offsets(&s.Ctl) + offsets(&s.Same) + offsets(&s.Comp) + offsets(&s.Srcg) + 4*len(l.byEntOff)
	st.Bytes = st.EdgeBytes + st.NodeBytes
	return st
}

// CountryCode codes a two-letter country (upper case, as records store it) in a
// uint16; "" and anything not two letters code as 0.
func CountryCode(c string) uint16 { return countryCode(c) }

func countryCode(c string) uint16 {
	if len(c) != 2 {
		return 0
	}
	return uint16(c[0])<<8 | uint16(c[1])
}

func countryName(code uint16) string {
	if code == 0 {
		return ""
	}
	return string([]byte{byte(code >> 8), byte(code)})
}

// NumListingCategories is the number of listing categories; they own the low
// bits of the category masks.
func (s *Snapshot) NumListingCategories() int { return s.lcats.len() }

// NumProductCategories is the number of distinct product categories.
func (s *Snapshot) NumProductCategories() int { return s.pcats.len() }

// ProductCategoryNumber returns product p's category number, 1..NumProductCategories,
// or 0 when it has none.
func (s *Snapshot) ProductCategoryNumber(p uint32) uint16 { return s.prodCat[p] }

// ProductCategoryName returns the category of number n (as ProductCategoryNumber gives it).
func (s *Snapshot) ProductCategoryName(n uint16) string {
	if n == 0 {
		return ""
	}
	return s.pcats.str(uint32(n - 1))
}
