package rules

import (
	"encoding/binary"
	"math/bits"
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
	evals   atomic.Uint32 // evaluations made, numbering them (Eval.seq)
}

// NewEngine binds the regimes to a snapshot.
func NewEngine(snap *projection.Snapshot, set *Set) *Engine {
	limit := maxCachedEvals
	if per := 2*snap.NumEntities() + snap.NumEntities()/3; per > 0 {
		limit = max(16, min(maxCachedEvals, evalCacheBytes/per))
	}
	return &Engine{snap: snap, set: set, cache: map[evalKey]*evalEntry{}, classes: map[projection.DateCode]*classes{}, maxEvals: limit}
}

// Snapshot returns the engine's snapshot.
func (e *Engine) Snapshot() *projection.Snapshot { return e.snap }

// Regimes returns the engine's regimes.
func (e *Engine) Regimes() *Set { return e.set }

// allListings is the category mask meaning "every listing counts" (entity screening).
const allListings = ^uint64(0)

type evalKey struct {
	regime  *Regime
	applies bool
	q       projection.DateCode
	inForce bool
	thr     Threshold
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

// Eval is one regime's evaluation on one day for one listing filter.
type Eval struct {
	eng     *Engine
	regime  *Regime
	day     model.Date
	q       projection.DateCode
	mask    uint64
	inForce bool
	thr     Threshold
	cls     *classes

	seq     uint32 // its number among the engine's evaluations, from 1
	regIdx  uint16
	hasReg  bool
	applies bool // the regime applies on the day and some listing of it is valid

	level []uint8 // per entity representative: verdict | seedFlag
	aff   []uint8 // affiliate rule: up/down membership bits per level
	root  map[uint32]uint32

	// caught indexes the raw entities whose level is not CLEAR: a bitset (an
	// eighth of level's size, so a screening's many clear entities cost a read
	// that mostly stays in cache) and the number of caught entities before each
	// word, which numbers the caught ones for memo.
	caught bitset
	rank   []uint32
	// memo holds the explanations searched so far (once each, read lock-free),
	// by the caught entity's number: in chunks made on first use, so an
	// evaluation pays for the entities screenings met, not for all it catches.
	memo     []atomic.Pointer[memoChunk]
	groupsMu sync.Mutex        // guards groups
	groups   map[uint32]*group // per-person rule: groups by designated person, memoized
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
	k := evalKey{regime: r, applies: r.AppliesOn(d), q: e.snap.Query(d), inForce: r.RuleInForce(d), thr: r.ThresholdOn(d), mask: mask}
	if !k.inForce {
		k.thr = Threshold{}
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

// fixpoint computes the levels of an evaluation.
func (e *Engine) fixpoint(r *Regime, d model.Date, k evalKey) *Eval {
	s := e.snap
	ev := &Eval{eng: e, regime: r, day: d, q: k.q, mask: k.mask, inForce: k.inForce, thr: k.thr,
		cls: e.classesOn(k.q), seq: e.evals.Add(1)}
	ev.regIdx, ev.hasReg = s.Regime(r.ID)
	if !r.AppliesOn(d) || !ev.hasReg {
		return ev
	}
	var seeds []uint32
	for _, li := range s.Lists.OfRegime(ev.regIdx) {
		if !s.Lists.Holds(li, k.q) {
			continue
		}
		ev.applies = true
		if c := s.Lists.Cats[li]; c != 0 && c&k.mask == 0 {
			continue
		}
		seeds = append(seeds, ev.cls.of(s.Lists.Entity[li]))
	}
	if !ev.applies {
		return ev
	}
	ev.level = make([]uint8, s.NumEntities())
	var fresh []uint32
	for _, x := range seeds {
		if ev.level[x] == 0 {
			ev.level[x] = uint8(model.Exposed) | seedFlag
			fresh = append(fresh, x)
		}
	}
	if !k.inForce || len(fresh) == 0 {
		return ev
	}
	switch r.Rule {
	case RuleAggregate:
		ev.aggregate(fresh)
	case RulePerPerson:
		ev.perPerson(fresh)
	case RuleAffiliate:
		ev.affiliate(fresh)
	}
	return ev
}

// Applies reports whether the regime catches anything on the evaluation's day: it
// applies then and at least one of its listings is valid.
func (ev *Eval) Applies() bool { return ev.applies }

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

// Level returns entity x's verdict under the evaluation (CLEAR when not caught).
func (ev *Eval) Level(x uint32) model.Verdict {
	if !ev.isCaught(x) {
		return model.Clear
	}
	return model.Verdict(ev.level[ev.cls.of(x)] & lvlMask)
}

func (ev *Eval) isSeed(x uint32) bool {
	return ev.level != nil && ev.level[ev.cls.of(x)]&seedFlag != 0
}

func (ev *Eval) lvl(x uint32) model.Verdict { return model.Verdict(ev.level[x] & lvlMask) }

// raise sets representative x's level to v if that is higher.
func (ev *Eval) raise(x uint32, v model.Verdict) bool {
	if ev.lvl(x) >= v {
		return false
	}
	ev.level[x] = ev.level[x]&seedFlag | uint8(v)
	return true
}
