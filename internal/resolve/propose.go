package resolve

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/names"
)

// Thresholds. Scores are in 0..1; see doc.go for how they are computed.
const (
	// AutoAcceptLevel is the score from which a proposal is marked "auto-accept
	// level" (shown first, flagged for a quick review). Even there it is never
	// merged without a person: only identifier matches link automatically. It is
	// reached by an exact name match in the same country with a shared supporting
	// identifier (a web site, an ISIN), or by a shared strong identifier that
	// ingest has not linked (a run with automatic linking off).
	AutoAcceptLevel = 0.97
	// DefaultMinScore is the score below which `keiretsu resolve` does not list a
	// proposal, and `keiretsu stats` does not count it as waiting.
	DefaultMinScore = 0.5
	// DefaultMaxBlock is the largest block used to find candidate pairs: a word or
	// a name shared by more entities than this is too common to find pairs by.
	DefaultMaxBlock = 1000
)

// Scores of the building blocks (see doc.go).
const (
	scoreStrong       = 1.0  // a shared strong identifier not linked yet
	scoreExactName    = 0.95 // the two names have one CompanyKey
	scoreExactAlias   = 0.90 // an alias of one has the other's name or alias as its CompanyKey
	scorePersonName   = 0.80 // persons: the same words in any order (at least two)
	scorePersonAlias  = 0.75
	scoreContained    = 0.55 // + 0.3 * Jaccard: one name's words (two or more) all in the other's
	scoreContainedOne = 0.30 // + 0.3 * Jaccard: a one-word name in another ("Gazprom" in "Gazprom Telekom")
	scoreWeakOnly     = 0.45 // a shared supporting identifier, names unrelated
	bonusWeak         = 0.03 // a shared supporting identifier on top of a name match
	factorAlias       = 0.95 // a word match through an alias
	factorSameCountry = 1.0
	factorOneCountry  = 0.97 // one side has no country
	factorNoCountry   = 0.95 // neither has one
	factorCountries   = 0.3  // different countries
	factorDUNS        = 0.5  // different DUNS numbers (one company may have several sites)
	maxNameScore      = 0.99 // only a strong identifier scores 1
)

// Options tune Proposals.
type Options struct {
	// MinScore leaves out proposals scoring below it (callers normally pass
	// DefaultMinScore).
	MinScore float64
	// Rejected are pairs a person said are different entities: never proposed again.
	Rejected []Pair
	// MaxBlock bounds candidate blocks (0: DefaultMaxBlock).
	MaxBlock int
	// Workers scoring in parallel (0: GOMAXPROCS).
	Workers int
}

// Proposal is a suggested same_as link between two entities, for a person to
// accept or reject.
type Proposal struct {
	// ID is a short stable hash of the pair: the same two entities always get the
	// same id, whatever else changes.
	ID string
	// A and B are the entity ids, A < B.
	A, B string
	// Score is in 0..1: see AutoAcceptLevel.
	Score float64
	// Reason says which names, aliases and identifiers matched or conflict, and
	// whether the countries agree.
	Reason string
}

// Pair returns the proposal's two entity ids.
func (p Proposal) Pair() Pair { return Pair{p.A, p.B} }

// AutoAcceptLevel reports whether the proposal scores at least AutoAcceptLevel.
func (p Proposal) AutoAcceptLevel() bool { return p.Score >= AutoAcceptLevel }

// PairID returns the proposal id of the pair a, b (in either order): the first 12
// hex digits of SHA-256 over "A\x00B".
func PairID(a, b string) string {
	p := MakePair(a, b)
	h := sha256.Sum256([]byte(p.A + "\x00" + p.B))
	return hex.EncodeToString(h[:6])
}

// SameAs returns the same_as record that accepting p writes: its reason is the
// proposal's, followed by who accepted it and when.
func SameAs(p Proposal, by string, on model.Date) *model.Record {
	return &model.Record{
		Kind: model.KindSameAs, Src: p.A, Dst: p.B, Valid: model.Always,
		Reason: fmt.Sprintf("%s; accepted by %s on %s (proposal %s, score %.3f)", p.Reason, by, on, p.ID, p.Score),
		Source: "keiretsu resolve",
	}
}

// personPrefix starts the keys of persons' names, so that a person and a company
// never share a key block.
const personPrefix = "p\x00"

// variant is one name or alias of an entity, prepared for matching.
type variant struct {
	text  string
	key   string   // CompanyKey, or personPrefix and a person's sorted words
	toks  []uint32 // sorted, distinct
	alias bool
}

// prepared is an entity prepared for matching.
type prepared struct {
	rec     *model.Record
	person  bool
	country string
	vars    []variant
	strong  []string // sorted strong keys
	weak    []string // sorted weak keys
}

// matcher holds the prepared entities and their blocks.
type matcher struct {
	ents     []prepared
	words    []string // interned words of company names
	wordPost [][]int32
	keyPost  map[string][]int32
	idPost   map[string][]int32
	class    []int32
	flags    []uint32          // per entity: country code << 2 | strong << 1 | person (a dense copy for the first checks)
	rank     []int32           // per entity: its place in id order
	rejected map[[2]int32]bool // class pairs, smaller first
	opt      Options
}

// Proposals returns the proposed same_as links among entities (records of kind
// entity; others are ignored), best first (by score, then id), leaving out pairs
// already linked by same_as, directly or through a chain (linked), pairs a
// person rejected, and proposals scoring below opt.MinScore. Entities linked by
// same_as form a class: there is at most one proposal per pair of classes (the
// best pair of members), and a rejection holds for the two classes.
//
// Candidate pairs come from blocks, never from comparing every pair: entities
// sharing a CompanyKey, a strong or supporting identifier, or one of the two
// rarest words of one of their names or aliases (words held by more than
// MaxBlock entities do not make blocks). Cost is O(n * blocks * block size).
func Proposals(entities []*model.Record, linked []Pair, opt Options) []Proposal {
	if opt.MaxBlock <= 0 {
		opt.MaxBlock = DefaultMaxBlock
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	m := newMatcher(entities, linked, opt)
	n := len(m.ents)
	var next atomic.Int64
	const chunk = 256
	results := make([][]scored, opt.Workers)
	var wg sync.WaitGroup
	for w := range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mark := make([]int32, n)
			var out []scored
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					break
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					out = m.proposeFor(int32(i), mark, out)
				}
			}
			results[w] = out
		}()
	}
	wg.Wait()
	var all []scored
	for _, r := range results {
		all = append(all, r...)
	}
	// One proposal per pair of classes, the best (a pair is also found from both
	// sides): linking any member links the classes.
	slices.SortFunc(all, func(x, y scored) int {
		return cmp.Or(cmp.Compare(x.classes[0], y.classes[0]), cmp.Compare(x.classes[1], y.classes[1]),
			cmp.Compare(y.Score, x.Score), strings.Compare(x.ID, y.ID))
	})
	all = slices.CompactFunc(all, func(x, y scored) bool { return x.classes == y.classes })
	out := make([]Proposal, len(all))
	for i, s := range all {
		out[i] = s.Proposal
	}
	slices.SortFunc(out, func(x, y Proposal) int { return cmp.Or(cmp.Compare(y.Score, x.Score), strings.Compare(x.ID, y.ID)) })
	return out
}

// scored is a proposal with the classes of its two entities.
type scored struct {
	Proposal
	classes [2]int32
}

func newMatcher(entities []*model.Record, linked []Pair, opt Options) *matcher {
	m := &matcher{keyPost: map[string][]int32{}, idPost: map[string][]int32{}, rejected: map[[2]int32]bool{}, opt: opt}
	wordID := map[string]uint32{}
	intern := func(w string) uint32 {
		id, ok := wordID[w]
		if !ok {
			id = uint32(len(m.words))
			wordID[w] = id
			m.words = append(m.words, w)
			m.wordPost = append(m.wordPost, nil)
		}
		return id
	}
	classes := NewClasses(linked)
	classID := map[string]int32{}
	countryID := map[string]uint32{"": 0}
	for _, r := range entities {
		if r.Kind != model.KindEntity {
			continue
		}
		i := int32(len(m.ents))
		e := prepared{rec: r, person: r.Type == model.TypePerson, country: r.Country, strong: StrongKeys(r)}
		for _, id := range r.Identifiers {
			if k, ok := weakKey(id); ok && !slices.Contains(e.weak, k) {
				e.weak = append(e.weak, k)
			}
		}
		slices.Sort(e.weak)
		texts := append([]string{r.Name}, r.Aliases...)
		seenWord := map[uint32]bool{}
		seenKey := map[string]bool{}
		for vi, text := range texts {
			v := variant{text: text, alias: vi > 0}
			if e.person {
				// Persons match on all their words, in any order: a key, no word blocks.
				words := names.Tokens(text)
				slices.Sort(words)
				if words = slices.Compact(words); len(words) < 2 {
					continue
				}
				v.key = personPrefix + strings.Join(words, " ")
			} else {
				key, words := names.Company(text)
				if len(words) == 0 {
					continue
				}
				v.key = key
				for _, w := range words {
					v.toks = append(v.toks, intern(w))
				}
				slices.Sort(v.toks)
				v.toks = slices.Compact(v.toks)
				for _, t := range v.toks {
					if !seenWord[t] {
						seenWord[t] = true
						m.wordPost[t] = append(m.wordPost[t], i)
					}
				}
			}
			if v.key != "" && !seenKey[v.key] {
				seenKey[v.key] = true
				m.keyPost[v.key] = append(m.keyPost[v.key], i)
			}
			e.vars = append(e.vars, v)
		}
		for _, k := range append(slices.Clone(e.strong), e.weak...) {
			m.idPost[k] = append(m.idPost[k], i)
		}
		rep := classes.Find(r.ID)
		c, ok := classID[rep]
		if !ok {
			c = int32(len(classID))
			classID[rep] = c
		}
		m.class = append(m.class, c)
		m.flags = append(m.flags, entityFlags(&e, countryID))
		m.ents = append(m.ents, e)
	}
	// A rejection holds between the two classes: if a is not b, a is not b's
	// same_as either.
	for _, p := range opt.Rejected {
		ca, ok1 := classID[classes.Find(p.A)]
		cb, ok2 := classID[classes.Find(p.B)]
		if ok1 && ok2 && ca != cb {
			m.rejected[classPair(ca, cb)] = true
		}
	}
	order := make([]int32, len(m.ents))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(m.ents[a].rec.ID, m.ents[b].rec.ID) })
	m.rank = make([]int32, len(m.ents))
	for r, i := range order {
		m.rank[i] = int32(r)
	}
	return m
}

func classPair(a, b int32) [2]int32 {
	if b < a {
		a, b = b, a
	}
	return [2]int32{a, b}
}

// Bits of matcher.flags.
const (
	flagPerson = 1 << iota
	flagStrong
	flagCountryShift = iota
)

func entityFlags(e *prepared, countryID map[string]uint32) uint32 {
	c, ok := countryID[e.country]
	if !ok {
		c = uint32(len(countryID))
		countryID[e.country] = c
	}
	f := c << flagCountryShift
	if e.person {
		f |= flagPerson
	}
	if len(e.strong) > 0 {
		f |= flagStrong
	}
	return f
}

// mayPropose is score's first test, on dense data only: same kind (person or
// not), not linked, and a score that can reach MinScore (without a strong
// identifier on both sides it is at most maxNameScore times the country factor,
// so different countries are cut here when MinScore > 0.297).
func (m *matcher) mayPropose(i, j int32) bool {
	fi, fj := m.flags[i], m.flags[j]
	if (fi^fj)&flagPerson != 0 || m.class[i] == m.class[j] {
		return false
	}
	if len(m.rejected) > 0 && m.rejected[classPair(m.class[i], m.class[j])] {
		return false
	}
	if fi&fj&flagStrong != 0 {
		return true
	}
	ci, cj := fi>>flagCountryShift, fj>>flagCountryShift
	f := factorSameCountry
	switch {
	case ci == 0 && cj == 0:
		f = factorNoCountry
	case ci == 0 || cj == 0:
		f = factorOneCountry
	case ci != cj:
		f = factorCountries
	}
	return maxNameScore*f >= m.opt.MinScore
}

// proposeFor scores entity i against its candidates and appends the proposals.
func (m *matcher) proposeFor(i int32, mark []int32, out []scored) []scored {
	e := &m.ents[i]
	stamp := i + 1
	consider := func(post []int32) {
		if len(post) > m.opt.MaxBlock {
			return
		}
		for _, j := range post {
			if j == i || mark[j] == stamp {
				continue
			}
			mark[j] = stamp
			if !m.mayPropose(i, j) {
				continue
			}
			if p, ok := m.score(i, j); ok {
				out = append(out, scored{p, classPair(m.class[i], m.class[j])})
			}
		}
	}
	for _, k := range e.strong {
		consider(m.idPost[k])
	}
	for _, k := range e.weak {
		consider(m.idPost[k])
	}
	var rare []uint32
	for vi := range e.vars {
		v := &e.vars[vi]
		if v.key != "" {
			consider(m.keyPost[v.key])
		}
		if e.person {
			continue // persons match on all their words: the key block finds them
		}
		// Prefix filtering: with the words sorted rarest first, a pair that can
		// score MinScore shares one of this variant's first prefixLen words (or,
		// when one side's words are all in the other, the smaller side's rarest).
		rare = append(rare[:0], v.toks...)
		slices.SortFunc(rare, func(x, y uint32) int {
			return cmp.Or(cmp.Compare(len(m.wordPost[x]), len(m.wordPost[y])), cmp.Compare(x, y))
		})
		for _, t := range rare[:m.prefixLen(len(rare))] {
			if len(m.wordPost[t]) > m.opt.MaxBlock {
				break // the rest are as common
			}
			consider(m.wordPost[t])
		}
	}
	return out
}

// prefixLen returns how many of a variant's n rarest words must be probed to find
// every pair that can reach MinScore. A pair whose words are not contained one in
// the other scores at most 0.8 * Jaccard, so it needs Jaccard >= t = MinScore/0.8,
// hence at least ceil(t*n) of the variant's words in common: at most n-ceil(t*n)
// of them missing, so one of the first n-ceil(t*n)+1 is shared. A containment
// pair shares the smaller side's rarest word, found from that side.
func (m *matcher) prefixLen(n int) int {
	t := m.opt.MinScore / 0.8
	if t > 1 {
		return min(n, 1)
	}
	p := n - int(math.Ceil(t*float64(n)-1e-9)) + 1
	return max(min(p, n), min(n, 1))
}

// score scores the pair i, j (which passed mayPropose); ok is false when there is
// nothing to propose. It computes numbers only; the reason is written for the
// pairs that are kept.
func (m *matcher) score(i, j int32) (Proposal, bool) {
	if m.rank[j] < m.rank[i] {
		i, j = j, i
	}
	x, y := &m.ents[i], &m.ents[j]
	if conflicts(x.strong, y.strong) {
		return Proposal{}, false // different LEIs or USCCs: two legal entities
	}
	strong := sharesAny(x.strong, y.strong)
	weak := sharesAny(x.weak, y.weak)
	name, va, vb := m.bestNames(x, y)
	var score float64
	switch {
	case strong:
		score = scoreStrong
	case name > 0:
		score = name
	case weak:
		score = scoreWeakOnly
	default:
		return Proposal{}, false
	}
	var country float64
	var dunsA, dunsB []string
	if !strong {
		country = countryFactor(x.country, y.country)
		score *= country
		dunsA, dunsB = schemeValues(x.strong, SchemeDUNS), schemeValues(y.strong, SchemeDUNS)
		if len(dunsA) > 0 && len(dunsB) > 0 {
			score *= factorDUNS // both have one and none is shared (that would be strong)
		}
		if weak && name > 0 {
			score += bonusWeak
		}
		score = min(score, maxNameScore)
	}
	score = math.Round(score*1000) / 1000
	if score < m.opt.MinScore || score <= 0 {
		return Proposal{}, false
	}

	// The reason, for the kept pairs only.
	var why []string
	nameWhy := ""
	if name > 0 {
		nameWhy = m.describeNames(x.person, &x.vars[va], &y.vars[vb])
	}
	switch {
	case strong:
		why = append(why, "same "+strings.Join(shared(x.strong, y.strong), ", same ")+" (identifier match not linked yet)")
		if nameWhy != "" {
			why = append(why, nameWhy)
		}
	case name > 0:
		why = append(why, nameWhy)
	default:
		why = append(why, "names differ")
	}
	if !strong {
		why = append(why, countryReason(x.rec.Country, y.rec.Country))
		if len(dunsA) > 0 && len(dunsB) > 0 {
			why = append(why, fmt.Sprintf("different duns %s vs %s", strings.Join(dunsA, ","), strings.Join(dunsB, ",")))
		}
		if weak {
			why = append(why, "same "+strings.Join(shared(x.weak, y.weak), ", same "))
		}
	}
	return Proposal{ID: PairID(x.rec.ID, y.rec.ID), A: x.rec.ID, B: y.rec.ID, Score: score, Reason: strings.Join(why, "; ")}, true
}

// sharesAny reports whether the sorted slices a and b have an element in common.
func sharesAny(a, b []string) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			return true
		}
	}
	return false
}

// shared returns the elements of a also in b.
func shared(a, b []string) []string {
	var out []string
	for _, k := range a {
		if slices.Contains(b, k) {
			out = append(out, k)
		}
	}
	return out
}

func countryFactor(a, b string) float64 {
	switch {
	case a != "" && b != "" && a == b:
		return factorSameCountry
	case a != "" && b != "":
		return factorCountries
	case a != "" || b != "":
		return factorOneCountry
	}
	return factorNoCountry
}

func countryReason(a, b string) string {
	switch {
	case a != "" && b != "" && a == b:
		return "same country " + a
	case a != "" && b != "":
		return "different countries " + a + " vs " + b
	case a != "" || b != "":
		return "country " + a + b + " on one side only"
	}
	return "no country on either side"
}

// bestNames returns the best score between the names and aliases of x and y, and
// which variants gave it.
func (m *matcher) bestNames(x, y *prepared) (best float64, va, vb int) {
	for a := range x.vars {
		for b := range y.vars {
			if s := variantScore(x.person, &x.vars[a], &y.vars[b]); s > best {
				best, va, vb = s, a, b
			}
		}
	}
	return best, va, vb
}

// variantScore compares one name or alias of each side.
func variantScore(person bool, a, b *variant) float64 {
	alias := a.alias || b.alias
	if a.key != "" && a.key == b.key {
		switch {
		case person && alias:
			return scorePersonAlias
		case person:
			return scorePersonName
		case alias:
			return scoreExactAlias
		}
		return scoreExactName
	}
	if person {
		return 0 // persons: exact word sets only, never partial matches
	}
	inter := countShared(a.toks, b.toks)
	if inter == 0 {
		return 0
	}
	small := min(len(a.toks), len(b.toks))
	jac := float64(inter) / float64(len(a.toks)+len(b.toks)-inter)
	s := 0.8 * jac
	if inter == small { // one side's words all in the other
		base := scoreContainedOne
		if small >= 2 {
			base = scoreContained
		}
		s = max(s, base+0.3*jac)
	}
	if alias {
		s *= factorAlias
	}
	return s
}

func label(v *variant) string {
	if v.alias {
		return fmt.Sprintf("alias %q", v.text)
	}
	return fmt.Sprintf("name %q", v.text)
}

// describeNames says how two variants matched.
func (m *matcher) describeNames(person bool, a, b *variant) string {
	if a.key != "" && a.key == b.key {
		what := "same normalised name"
		if person {
			what = "same words"
		}
		return fmt.Sprintf("%s = %s (%s %q)", label(a), label(b), what, strings.TrimPrefix(a.key, personPrefix))
	}
	var words []string
	for i, j := 0, 0; i < len(a.toks) && j < len(b.toks); {
		switch {
		case a.toks[i] < b.toks[j]:
			i++
		case a.toks[i] > b.toks[j]:
			j++
		default:
			words = append(words, m.words[a.toks[i]])
			i++
			j++
		}
	}
	w := fmt.Sprintf("%s ~ %s: %d of %d words shared (%s)", label(a), label(b), len(words),
		len(a.toks)+len(b.toks)-len(words), strings.Join(words, ", "))
	if len(words) == min(len(a.toks), len(b.toks)) {
		w += ", one name's words all in the other"
	}
	return w
}

// countShared counts the common elements of two sorted slices.
func countShared(a, b []uint32) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}
