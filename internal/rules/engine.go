package rules

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// maxCachedEvals bounds the evaluation cache of one engine; evalCacheBytes bounds
// the memory of the cached evaluations (each holds up to two bytes per entity,
// plus the index of its caught entities, at most a third of a byte per entity,
// and the explanations it has memoized).
const (
	maxCachedEvals = 256
	evalCacheBytes = 512 << 20
)

// Engine evaluates regimes over one snapshot.
type Engine struct {
	snap *projection.Snapshot
	set  *Set

	mu       sync.Mutex
	cache    map[evalKey]*evalEntry
	order    []evalKey // insertion order, for eviction
	maxEvals int
	// fast maps the arguments of Eval to its evaluation, read without a lock:
	// copied on write (evaluations are few), dropped when one is evicted.
	fast atomic.Pointer[map[fastKey]*Eval]

	classMu sync.Mutex
	classes map[projection.DateCode]*classes

	scratch sync.Pool     // *productScratch
	accs    sync.Pool     // *accumulator
	evals   atomic.Uint32 // evaluations made, numbering them (Eval.seq)

	// Category bits: the snapshot's listing categories, then the regimes'
	// categories no listing names. catMask is indexed by product category number
	// (0: none); regCats is each regime's mask (0: every product).
	catMask []uint64
	catBit  map[string]uint64

	countryOnce sync.Once
	stateBodies map[uint16][]uint32 // state bodies by country
	juris       map[uint16][]uint32 // companies and organizations by country and by hqCountry
}

// NewEngine binds the regimes to a snapshot.
func NewEngine(snap *projection.Snapshot, set *Set) *Engine {
	limit := maxCachedEvals
	if per := 2*snap.NumEntities() + snap.NumEntities()/3; per > 0 {
		limit = max(16, min(maxCachedEvals, evalCacheBytes/per))
	}
	e := &Engine{snap: snap, set: set, cache: map[evalKey]*evalEntry{}, classes: map[projection.DateCode]*classes{}, maxEvals: limit}
	e.categories()
	return e
}

// categories numbers the regimes' categories after the listing categories and
// gives every product category its mask.
func (e *Engine) categories() {
	s := e.snap
	e.catBit = map[string]uint64{}
	next := s.NumListingCategories()
	for i := 0; i < next; i++ {
		e.catBit[s.ListingCategories(1 << uint(i))[0]] = 1 << uint(i)
	}
	for _, r := range e.set.All() {
		for _, c := range r.Categories {
			if _, ok := e.catBit[c]; !ok && next < 64 {
				// Beyond 64 categories in all, a regime's category gets no bit
				// and matches no product.
				e.catBit[c] = 1 << uint(next)
				next++
			}
		}
	}
	e.catMask = make([]uint64, s.NumProductCategories()+1)
	for n := 1; n < len(e.catMask); n++ {
		e.catMask[n] = e.catBit[s.ProductCategoryName(uint16(n))]
	}
}

// categoryMask returns the category bits of product p's own category (0 if it has
// none, or one no listing or regime names).
func (e *Engine) categoryMask(p uint32) uint64 { return e.catMask[e.snap.ProductCategoryNumber(p)] }

// regimeCats returns regime r's category mask and whether it has categories (a
// category no product has gets no bit).
func (e *Engine) regimeCats(r *Regime) (uint64, bool) {
	var m uint64
	for _, c := range r.Categories {
		m |= e.catBit[c]
	}
	return m, len(r.Categories) > 0
}

// byCountry indexes the entities the criteria seeds meet, once per engine: the
// state bodies, and the companies and organizations, of the countries some
// regime's stateBodiesOf or jurisdictions names (a few), by country.
func (e *Engine) byCountry() (stateBodies, juris map[uint16][]uint32) {
	e.countryOnce.Do(func() {
		s := e.snap
		e.stateBodies, e.juris = map[uint16][]uint32{}, map[uint16][]uint32{}
		// named[code] says whether a regime names the country: 1 for state
		// bodies, 2 for jurisdictions.
		named := make([]uint8, 1<<16)
		some := false
		for _, r := range e.set.All() {
			for i := range r.Prongs {
				for _, c := range r.Prongs[i].Seeds.StateBodiesOf {
					named[projection.CountryCode(c)] |= 1
					some = true
				}
				for _, c := range r.Prongs[i].Seeds.Jurisdictions {
					named[projection.CountryCode(c)] |= 2
					some = true
				}
			}
		}
		if !some {
			return
		}
		for x := uint32(0); x < uint32(s.NumEntities()); x++ {
			c, hq := s.EntityCountryCode(x), s.EntityHQCountryCode(x)
			if named[c]|named[hq] == 0 {
				continue
			}
			switch {
			case s.IsStateBody(x):
				if c != 0 && named[c]&1 != 0 {
					e.stateBodies[c] = append(e.stateBodies[c], x)
				}
			case isCompanyOrOrg(s, x):
				if c != 0 && named[c]&2 != 0 {
					e.juris[c] = append(e.juris[c], x)
				}
				if hq != 0 && hq != c && named[hq]&2 != 0 {
					e.juris[hq] = append(e.juris[hq], x)
				}
			}
		}
	})
	return e.stateBodies, e.juris
}

// Snapshot returns the engine's snapshot.
func (e *Engine) Snapshot() *projection.Snapshot { return e.snap }

// Regimes returns the engine's regimes.
func (e *Engine) Regimes() *Set { return e.set }

// allListings is the category mask meaning "every listing counts" (entity screening).
const allListings = ^uint64(0)

// keyProngs is how many prongs' rule windows and thresholds an evaluation key
// holds; a regime with more is keyed by its exact day.
const keyProngs = 4

type evalKey struct {
	regime  *Regime
	q       projection.DateCode
	day     model.Date // MinDate unless the regime has more than keyProngs prongs
	inForce uint8      // bit i: prong i's rule is in force
	thr     [keyProngs]Threshold
	mask    uint64
}

type evalEntry struct {
	once sync.Once
	ev   *Eval
}

// level values stored per entity in an evaluation.
const (
	lvlMask  = 0x0F
	seedFlag = 0x80
)

// Eval is one regime's evaluation on one day for one listing filter: the
// evaluations of its prongs, and the worst level any of them gives each entity.
type Eval struct {
	eng    *Engine
	regime *Regime
	day    model.Date
	q      projection.DateCode
	mask   uint64
	cls    *classes
	// critOK says whether the regime's criteria seeds and its listings without
	// categories count for the mask (the regime's categories).
	critOK bool

	seq    uint32 // its number among the engine's evaluations, from 1
	prongs []*prongEval
	// origins are the prongs with origins seeds, for product screening.
	origins []*prongEval

	level []uint8 // per entity representative: the worst prong level | seedFlag; nil when nothing is caught

	// caught indexes the raw entities whose level is not CLEAR: a bitset (an
	// eighth of level's size, so a screening's many clear entities cost a read
	// that mostly stays in cache) and the number of caught entities before each
	// word, which numbers the caught ones for memo.
	caught bitset
	rank   []uint32
	// memo holds the explanations searched so far (once each, read lock-free),
	// by the caught entity's number: in chunks made on first use, so an
	// evaluation pays for the entities screenings met, not for all it catches.
	memo []atomic.Pointer[memoChunk]
}

// prongEval is one prong's evaluation: the levels it gives and what its
// explanations search.
type prongEval struct {
	ev      *Eval
	eng     *Engine
	p       *Prong
	q       projection.DateCode
	cls     *classes
	inForce bool
	thr     Threshold
	// regs are the projection's indexes of the regimes whose listings seed the
	// prong (its own with listings, and those of listingsOf).
	regs []uint16
	// origin[n] says whether site number n is one of the prong's origins.
	origin []bool

	level []uint8 // per entity representative: verdict | seedFlag; nil when no seed
	aff   []uint8 // affiliate rule: up/down membership bits per level
	// groups are the seed groups of a grouped aggregate (aggregateBy seed or
	// country), members the groups each caught entity is caught through.
	groups  []group
	members memberIndex
}

// Eval returns the (cached) evaluation of regime r on day d counting the listings
// that match the category mask (allListings for entity screening).
func (e *Engine) Eval(r *Regime, d model.Date, mask uint64) *Eval {
	fk := fastKey{r, d, mask}
	if m := e.fast.Load(); m != nil {
		if ev, ok := (*m)[fk]; ok {
			return ev
		}
	}
	ev, evicted := e.eval(r, d, mask)
	e.mu.Lock()
	defer e.mu.Unlock()
	var next map[fastKey]*Eval
	if old := e.fast.Load(); old != nil && !evicted && len(*old) < maxFast {
		next = make(map[fastKey]*Eval, len(*old)+1)
		for k, v := range *old {
			next[k] = v
		}
	} else {
		next = map[fastKey]*Eval{}
	}
	next[fk] = ev
	e.fast.Store(&next)
	return ev
}

// fastKey is what Eval is called with; maxFast bounds how many are kept.
type fastKey struct {
	r    *Regime
	d    model.Date
	mask uint64
}

const maxFast = 1024

// eval returns the cached evaluation for the arguments of Eval, and whether
// caching it evicted another.
func (e *Engine) eval(r *Regime, d model.Date, mask uint64) (*Eval, bool) {
	// Days with the same coded date see the same facts, but the regime's own dates
	// (when it applies, its rule windows, its thresholds) are part of the key too.
	k := evalKey{regime: r, q: e.snap.Query(d), mask: mask}
	if len(r.Prongs) > keyProngs {
		k.day = d
	} else {
		for i := range r.Prongs {
			if p := &r.Prongs[i]; p.RuleInForce(d) {
				k.inForce |= 1 << i
				k.thr[i] = p.ThresholdOn(d)
			}
		}
	}
	evicted := false
	e.mu.Lock()
	ent, ok := e.cache[k]
	if !ok {
		ent = &evalEntry{}
		e.cache[k] = ent
		e.order = append(e.order, k)
		if len(e.order) > e.maxEvals {
			delete(e.cache, e.order[0])
			e.order = e.order[1:]
			evicted = true
		}
	}
	e.mu.Unlock()
	ent.once.Do(func() { ent.ev = e.evaluate(r, d, k) })
	return ent.ev, evicted
}

func (e *Engine) classesOn(q projection.DateCode) *classes {
	e.classMu.Lock()
	defer e.classMu.Unlock()
	c, ok := e.classes[q]
	if !ok {
		c = newClasses(e.snap, q)
		if len(e.classes) > maxCachedEvals {
			clear(e.classes)
		}
		e.classes[q] = c
	}
	return c
}

func (e *Engine) evaluate(r *Regime, d model.Date, k evalKey) *Eval {
	ev := e.fixpoint(r, d, k)
	ev.index()
	return ev
}

// fixpoint computes the levels of an evaluation: each prong's, then the worst.
func (e *Engine) fixpoint(r *Regime, d model.Date, k evalKey) *Eval {
	s := e.snap
	ev := &Eval{eng: e, regime: r, day: d, q: k.q, mask: k.mask, cls: e.classesOn(k.q), seq: e.evals.Add(1)}
	cats, restricted := e.regimeCats(r)
	ev.critOK = !restricted || k.mask == allListings || cats&k.mask != 0
	var with []*prongEval
	for i := range r.Prongs {
		p := &r.Prongs[i]
		pe := &prongEval{ev: ev, eng: e, p: p, q: k.q, cls: ev.cls, inForce: p.RuleInForce(d), thr: p.ThresholdOn(d)}
		if p.Seeds.Listings {
			if reg, ok := s.Regime(r.ID); ok {
				pe.regs = append(pe.regs, reg)
			}
		}
		for _, id := range p.Seeds.ListingsOf {
			if reg, ok := s.Regime(id); ok && !slices.Contains(pe.regs, reg) {
				pe.regs = append(pe.regs, reg)
			}
		}
		if len(p.Seeds.Origins) > 0 {
			pe.origin = make([]bool, s.NumSites()+1)
			for n := 1; n <= s.NumSites(); n++ {
				pe.origin[n] = siteMatches(s.SiteName(uint16(n)), p.Seeds.Origins)
			}
			ev.origins = append(ev.origins, pe)
		}
		pe.run()
		ev.prongs = append(ev.prongs, pe)
		if pe.level != nil {
			with = append(with, pe)
		}
	}
	switch len(with) {
	case 0:
	case 1:
		ev.level = with[0].level
	default:
		ev.level = make([]uint8, s.NumEntities())
		for _, pe := range with {
			for x, l := range pe.level {
				if l == 0 {
					continue
				}
				if v := l & lvlMask; v > ev.level[x]&lvlMask {
					ev.level[x] = ev.level[x]&seedFlag | v
				}
				ev.level[x] |= l & seedFlag
			}
		}
	}
	return ev
}

// siteMatches reports whether a sourcing site is one of the origins: equal to a
// code, or a subdivision of a two-letter code.
func siteMatches(site string, origins []string) bool {
	for _, o := range origins {
		if site == o || len(o) == 2 && len(site) > 3 && site[:2] == o && site[2] == '-' {
			return true
		}
	}
	return false
}

// listingCounts reports whether listing li counts for the evaluation's mask: its
// own categories, or when it has none the regime's.
func (ev *Eval) listingCounts(li uint32) bool {
	c := ev.eng.snap.Lists.Cats[li]
	if c == 0 {
		return ev.critOK
	}
	return c&ev.mask != 0
}

// criteriaCount reports whether the criteria seeds count for the evaluation's mask.
func (ev *Eval) criteriaCount() bool { return ev.critOK }

// seedsRegime reports whether listings of projection regime reg seed the prong.
func (pe *prongEval) seedsRegime(reg uint16) bool {
	for _, r := range pe.regs {
		if r == reg {
			return true
		}
	}
	return false
}

// run computes the prong's levels: its seeds on the day, spread by its rule when
// in force.
func (pe *prongEval) run() {
	s := pe.eng.snap
	// Seeds as (representative, country) pairs, then sorted by entity, so the
	// groups and searches do not depend on the order of the seed keys, and merged.
	sd := &pe.p.Seeds
	criteria := pe.ev.critOK && (len(sd.StateBodiesOf) > 0 || len(sd.Jurisdictions) > 0)
	var bodies, juris map[uint16][]uint32
	n := 0
	if criteria {
		bodies, juris = pe.eng.byCountry()
		for _, c := range sd.StateBodiesOf {
			n += len(bodies[projection.CountryCode(c)])
		}
		for _, c := range sd.Jurisdictions {
			n += len(juris[projection.CountryCode(c)])
		}
	}
	pairs := make([]seedPair, 0, n)
	add := func(m uint32, c uint16) { pairs = append(pairs, seedPair{pe.cls.of(m), c, uint32(len(pairs))}) }
	for _, reg := range pe.regs {
		for _, li := range s.Lists.OfRegime(reg) {
			if s.Lists.Holds(li, pe.q) && pe.ev.listingCounts(li) {
				m := s.Lists.Entity[li]
				add(m, s.EntityCountryCode(m))
			}
		}
	}
	if criteria {
		for _, c := range sd.StateBodiesOf {
			cc := projection.CountryCode(c)
			for _, m := range bodies[cc] {
				add(m, cc)
			}
		}
		for _, c := range sd.Jurisdictions {
			cc := projection.CountryCode(c)
			for _, m := range juris[cc] {
				add(m, cc)
			}
		}
	}
	if len(pairs) == 0 {
		return
	}
	pairs = sortSeeds(pairs, s.NumEntities())
	var seeds []uint32
	for i, p := range pairs {
		if i == 0 || p.x != pairs[i-1].x {
			seeds = append(seeds, p.x)
		}
	}
	pe.level = make([]uint8, s.NumEntities())
	for _, x := range seeds {
		pe.level[x] = uint8(model.Exposed) | seedFlag
	}
	if !pe.inForce {
		return
	}
	switch pe.p.Rule {
	case RuleAggregate:
		switch pe.p.AggregateBy {
		case AggregateSeed:
			groups := make([][]uint32, len(seeds))
			for i := range seeds {
				groups[i] = seeds[i : i+1 : i+1]
			}
			pe.grouped(groups)
		case AggregateCountry:
			pe.grouped(countryGroups(pairs))
		default:
			pe.aggregate(seeds)
		}
	case RuleAffiliate:
		pe.affiliate(seeds)
	}
}

// seedPair is a seed entity (class representative) and one country it is met
// with (0: none).
type seedPair struct {
	x uint32
	c uint16
	i uint32 // the order it was met in
}

// sortSeeds sorts seed pairs by entity (n entities in all), each entity's in the
// order they were met: by counting when there are many (criteria seeds may be a
// large share of the entities), else by comparing.
func sortSeeds(pairs []seedPair, n int) []seedPair {
	if len(pairs) < n/64 {
		slices.SortFunc(pairs, func(a, b seedPair) int {
			if a.x != b.x {
				return cmp.Compare(a.x, b.x)
			}
			return cmp.Compare(a.i, b.i)
		})
		return pairs
	}
	at := make([]uint32, n+1)
	for _, p := range pairs {
		at[p.x+1]++
	}
	for x := 1; x <= n; x++ {
		at[x] += at[x-1]
	}
	out := make([]seedPair, len(pairs))
	for _, p := range pairs { // in the order met: stable
		out[at[p.x]] = p
		at[p.x]++
	}
	return out
}

// countryGroups groups the seeds of sorted pairs by country (a seed with several
// countries is in each of their groups; one with none forms a group of its own),
// in the order of the countries' first seeds.
func countryGroups(pairs []seedPair) [][]uint32 {
	var out [][]uint32
	at := map[uint16]int{}
	for i, p := range pairs {
		if p.c == 0 {
			if i == 0 || p.x != pairs[i-1].x {
				// Met with no country first; a group of its own unless met with one.
				own := true
				for j := i + 1; j < len(pairs) && pairs[j].x == p.x; j++ {
					own = own && pairs[j].c == 0
				}
				if own {
					out = append(out, []uint32{p.x})
				}
			}
			continue
		}
		g, ok := at[p.c]
		if !ok {
			g = len(out)
			at[p.c] = g
			out = append(out, nil)
		}
		if n := len(out[g]); n == 0 || out[g][n-1] != p.x {
			out[g] = append(out[g], p.x)
		}
	}
	return out
}

// Applies reports whether the regime applies on the evaluation's day to entity
// screening.
func (ev *Eval) Applies() bool { return ev.regime.AppliesOn(ev.day) }

// index builds caught, rank and memo from the levels (levels are kept by class
// representative; a member of a class is caught with it).
func (ev *Eval) index() {
	if ev.level == nil {
		return
	}
	ev.caught = newBitset(len(ev.level))
	const lows = 0x0F0F0F0F0F0F0F0F // lvlMask in each byte
	for i := 0; i < len(ev.level); i += 8 {
		if i+8 <= len(ev.level) && binary.LittleEndian.Uint64(ev.level[i:])&lows == 0 {
			continue // eight CLEAR entities: most are
		}
		for x := i; x < min(i+8, len(ev.level)); x++ {
			if ev.level[x]&lvlMask != 0 {
				ev.caught.set(uint32(x))
			}
		}
	}
	for m, r := range ev.cls.rep {
		if ev.level[r]&lvlMask != 0 {
			ev.caught.set(m)
		}
	}
	ev.rank = make([]uint32, len(ev.caught))
	n := 0
	for w, word := range ev.caught {
		ev.rank[w] = uint32(n)
		n += bits.OnesCount64(word)
	}
	ev.memo = make([]atomic.Pointer[memoChunk], (n+memoChunkLen-1)/memoChunkLen)
}

// memoChunk holds the explanations of memoChunkLen consecutive caught entities.
type memoChunk [memoChunkLen]atomic.Pointer[explanation]

const memoChunkLen = 64

// memoSlot returns where caught entity x's explanation is memoized.
func (ev *Eval) memoSlot(x uint32) *atomic.Pointer[explanation] {
	o := ev.ordinal(x)
	c := &ev.memo[o/memoChunkLen]
	ch := c.Load()
	if ch == nil {
		ch = new(memoChunk)
		if !c.CompareAndSwap(nil, ch) {
			ch = c.Load()
		}
	}
	return &ch[o%memoChunkLen]
}

// isCaught reports whether raw entity x's level is not CLEAR.
func (ev *Eval) isCaught(x uint32) bool {
	return ev.caught != nil && ev.caught.has(x)
}

// bitset is a set of entity numbers, 64 to a word.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(x uint32) bool { return b[x>>6]&(1<<(x&63)) != 0 }

func (b bitset) set(x uint32) { b[x>>6] |= 1 << (x & 63) }

// or adds o's members (o is no longer than b).
func (b bitset) or(o bitset) {
	for i, w := range o {
		b[i] |= w
	}
}

// ordinal numbers a caught entity among the caught ones.
func (ev *Eval) ordinal(x uint32) uint32 {
	w := x >> 6
	return ev.rank[w] + uint32(bits.OnesCount64(ev.caught[w]&(1<<(x&63)-1)))
}

// Level returns entity x's verdict under the evaluation (CLEAR when not caught),
// the regime's outcome applied.
func (ev *Eval) Level(x uint32) model.Verdict { return ev.regime.outcome(ev.rawLevel(x)) }

// rawLevel is x's worst prong level, before the regime's outcome.
func (ev *Eval) rawLevel(x uint32) model.Verdict {
	if !ev.isCaught(x) {
		return model.Clear
	}
	return model.Verdict(ev.level[ev.cls.of(x)] & lvlMask)
}

// Level returns raw entity x's level under the prong.
func (pe *prongEval) Level(x uint32) model.Verdict {
	if pe.level == nil {
		return model.Clear
	}
	return model.Verdict(pe.level[pe.cls.of(x)] & lvlMask)
}

func (pe *prongEval) isSeed(x uint32) bool {
	return pe.level != nil && pe.level[pe.cls.of(x)]&seedFlag != 0
}

func (pe *prongEval) lvl(x uint32) model.Verdict { return model.Verdict(pe.level[x] & lvlMask) }

// raise sets representative x's level to v if that is higher.
func (pe *prongEval) raise(x uint32, v model.Verdict) bool {
	if pe.lvl(x) >= v {
		return false
	}
	pe.level[x] = pe.level[x]&seedFlag | uint8(v)
	return true
}

// SetOf is the regimes of a snapshot's data: the built-in ones, those stored
// with the data, and extra (configuration such as a serve's --regimes file,
// or a run's regimes not stored yet), each group redefining the one before.
func SetOf(snap *projection.Snapshot, extra []*Regime) (*Set, error) {
	var stored []*Regime
	for _, r := range snap.RegimeRecords() {
		reg, err := ParseSpec(r.Spec)
		if err != nil {
			return nil, fmt.Errorf("stored regime %s: %w", r.ID, err)
		}
		stored = append(stored, reg)
	}
	return NewSet(Builtin(), stored, extra)
}
