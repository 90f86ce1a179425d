package gen

import (
	"math"
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

// Ownership-world parameters (doc.go explains them).
const (
	maxDepth          = 8     // ownership edges from an ultimate owner to the deepest company
	giantDivisor      = 25    // the k-th large holding has Entities/(giantDivisor*k) companies...
	giantCap          = 20000 // ...at most this many...
	giantMin          = 200   // ...and at least this many (smaller ones are not "large")
	smallAlpha        = 1.5   // Pareto exponent of the other groups' sizes
	smallCap          = 199   // largest ordinary group
	chainShare        = 0.10  // ordinary groups of 3+ companies built as offshore holding chains
	stateBodyShare    = 0.01  // state bodies per entity
	orgShare          = 0.01  // organizations (funds, foundations) per entity
	personReuse       = 0.25  // a group's owner is a person who already owns another group
	coOwnerShare      = 0.5   // companies held < 100% that have a second owner
	rangeShare        = 0.03  // stakes given as percentMin/percentMax
	unknownShare      = 0.02  // stakes given without a percent
	datedShare        = 0.65  // edges with a from date
	endedShare        = 0.04  // dated edges with a to date
	stakeChangeShare  = 0.03  // stakes that changed once (two edges)
	intraCrossShare   = 0.012 // companies that hold a small stake in one of their ancestors
	interCrossShare   = 0.03  // groups whose top swaps stakes with another group's top
	giantCrossShare   = 0.5   // the same for large holdings
	boardControlShare = 0.01  // companies with a board-control edge from a grandparent
	listedShare       = 0.005 // listed entities per entity
	giantListedShare  = 0.15  // large holdings with a listing at the top, its owner or (state-owned) a subsidiary
)

// Owner kinds of a group.
const (
	ownPerson = iota
	ownFamily
	ownState
	ownFund
	ownWidely // widely held: no owner edge above the top company
)

var ownerKinds = newWeighted[int](ownPerson, 52, ownFamily, 12, ownState, 10, ownFund, 8, ownWidely, 18)
var giantOwnerKinds = newWeighted[int](ownPerson, 25, ownFamily, 10, ownState, 35, ownWidely, 30)

var controlBases = newWeighted[string]("consolidation", 40, "board", 30, "dominant_influence", 15, "voting", 15)
var ownerControlBases = newWeighted[string]("voting", 40, "board", 35, "de_facto", 25)

var ownershipSources = []string{
	"annual report", "company registry extract", "GLEIF Level 2 relationship", "BODS statement",
	"stock exchange filing", "press release",
}

// giantGroup is a large holding: companies top..top+size-1 and the first owner
// of its top (-1 when widely held).
type giantGroup struct {
	top, size, owner int32
}

// owner is one owner of a group's top company and its stake.
type owner struct {
	ent     int32
	percent float64
}

// giantSizes returns the sizes of the large holdings: a Zipf head.
func giantSizes(n int) []int {
	var out []int
	for k := 1; ; k++ {
		s := min(giantCap, n/(giantDivisor*k))
		if s < giantMin {
			return out
		}
		out = append(out, s)
	}
}

// smallSize draws an ordinary group's size (companies): discrete Pareto, most
// groups are one company.
func (g *generator) smallSize() int {
	u := 1 - g.r.float() // (0, 1]
	return min(smallCap, int(math.Pow(u, -1/smallAlpha)))
}

// entities emits the ownership world: groups of companies under their owners.
func (g *generator) entities() error {
	g.r = newRNG(g.cfg.Seed, streamEntities)
	n := g.cfg.Entities
	g.typ = make([]uint8, n)
	g.depth = make([]uint8, n)
	sizes := giantSizes(n)
	total := 0
	for i := len(sizes) - 1; i > 0; i-- { // shuffle, so the largest is not always first
		j := g.r.intn(i + 1)
		sizes[i], sizes[j] = sizes[j], sizes[i]
	}
	for _, s := range sizes {
		total += s
	}
	pos := make([]int, len(sizes))
	for i := range pos {
		pos[i] = g.r.intn(max(n-total, 0) + 1)
	}
	slices.Sort(pos)
	gi := 0
	for g.n < n {
		var err error
		if gi < len(sizes) && g.n >= pos[gi] {
			err = g.group(sizes[gi], true)
			gi++
		} else {
			err = g.group(g.smallSize(), false)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// newEntity reserves the next entity number.
func (g *generator) newEntity(t uint8, depth int) int32 {
	x := int32(g.n)
	g.n++
	g.typ[x] = t
	g.depth[x] = uint8(depth)
	return x
}

// person returns a group owner: a new person, or one who already owns a group.
// Family members (fresh) are always new persons; family, when not empty, is their
// family name. The new person's family name is returned too.
func (g *generator) person(c *country, family string, fresh bool) (int32, string, error) {
	if !fresh && len(g.persons) > 0 && g.r.chance(personReuse) {
		// Rich get richer: the first persons own dozens of groups.
		return g.persons[g.r.skewed(len(g.persons), 2.5)], "", nil
	}
	x := g.newEntity(tPerson, 0)
	g.persons = append(g.persons, x)
	r := g.rec(model.KindEntity)
	r.ID = g.eid(x)
	r.Name, family = personName(g.r, c, family)
	r.Type = model.TypePerson
	r.Country = c.code
	if g.r.chance(0.05) {
		r.Aliases = []string{upperAlias(r.Name)}
	}
	return x, family, g.emit(false)
}

// stateBody returns the state owner of a group: a new state body while they are
// fewer than stateBodyShare of the entities, else one that already owns groups.
func (g *generator) stateBody(c *country) (int32, error) {
	if len(g.states) > 0 && float64(len(g.states)) >= stateBodyShare*float64(g.n+1) {
		return pick(g.r, g.states), nil
	}
	x := g.newEntity(tState, 0)
	g.states = append(g.states, x)
	r := g.rec(model.KindEntity)
	r.ID = g.eid(x)
	r.Name = stateBodyName(g.r, c, len(g.states)-1, g.cfg.Seed)
	r.Type = model.TypeStateBody
	r.Country = c.code
	return x, g.emit(false)
}

// fund returns an organization owner (fund, foundation, institute).
func (g *generator) fund(c *country) (int32, error) {
	if len(g.orgs) > 0 && float64(len(g.orgs)) >= orgShare*float64(g.n+1) {
		return pick(g.r, g.orgs), nil
	}
	x := g.newEntity(tOrg, 0)
	g.orgs = append(g.orgs, x)
	r := g.rec(model.KindEntity)
	r.ID = g.eid(x)
	r.Name = baseName(g.r) + " " + pick(g.r, orgForms)
	r.Type = model.TypeOrganization
	r.Country = c.code
	if g.r.chance(0.4) {
		r.Identifiers = []model.Identifier{{Scheme: "lei", Value: lei(g.r, x, g.cfg.Seed)}}
	}
	return x, g.emit(false)
}

// group emits one corporate group of size companies under its owners.
func (g *generator) group(size int, giant bool) error {
	r := g.r
	home := &countries[homeCountries.pick(r)]
	kind := ownerKinds.pick(r)
	if giant {
		kind = giantOwnerKinds.pick(r)
	}
	if kind == ownState {
		home = &countries[stateOwnerCountries.pick(r)]
	}
	// Owners need ids of their own; keep at least one for the top company.
	if g.cfg.Entities-g.n < 5 {
		kind = ownWidely
	}
	owners := g.ownersBuf[:0]
	switch kind {
	case ownPerson:
		p, _, err := g.person(home, "", false)
		if err != nil {
			return err
		}
		var pct float64
		switch x := r.intn(10); {
		case x < 3:
			pct = 100
		case x < 7:
			pct = r.percent(50, 99.99)
		default:
			pct = r.percent(20, 49.99)
		}
		owners = append(owners, owner{p, pct})
	case ownFamily:
		k := r.between(2, 3)
		total := r.percent(60, 100)
		family := ""
		left := total
		for i := range k {
			p, fam, err := g.person(home, family, true)
			if err != nil {
				return err
			}
			family = fam
			pct := left
			if i < k-1 {
				pct = math.Round(left*(0.3+0.4*r.float())*100) / 100
			}
			left -= pct
			owners = append(owners, owner{p, math.Round(pct*100) / 100})
		}
	case ownState:
		s, err := g.stateBody(home)
		if err != nil {
			return err
		}
		pct := r.percent(50, 100)
		if r.chance(0.3) {
			pct = r.percent(30, 49.99)
		}
		owners = append(owners, owner{s, pct})
	case ownFund:
		f, err := g.fund(home)
		if err != nil {
			return err
		}
		owners = append(owners, owner{f, r.percent(30, 100)})
	}
	g.ownersBuf = owners

	size = min(size, g.cfg.Entities-g.n)
	chain := !giant && size >= 3 && r.chance(chainShare)
	if chain {
		size = min(size, maxDepth)
	}
	base := groupBrand(r, len(g.tops), g.cfg.Seed)
	ind := r.intn(len(industries)) // members of a group have different trades (7 is prime to 23)
	start := int32(g.n)
	g.gpar = g.gpar[:0]
	for i := range size {
		var par int32 = -1
		d := 1
		if i > 0 {
			if chain {
				par = start + int32(i) - 1
			} else {
				par = start + int32(r.skewed(i, 1.6))
				for g.depth[par] >= maxDepth {
					par = g.gpar[par-start]
				}
			}
			d = int(g.depth[par]) + 1
		}
		x := g.newEntity(tCompany, d)
		g.gpar = append(g.gpar, par)
		g.companyCount++
		c := home
		switch {
		case chain && i < size-2:
			c = &countries[pick(r, offshore)]
			if i == size-3 {
				c = &countries[hongKong]
			}
		case i > 0 && r.chance(0.25):
			c = &countries[homeCountries.pick(r)]
		}
		if err := g.company(x, base, industries[(ind+7*i)%len(industries)], c, i == 0, giant, size > 12); err != nil {
			return err
		}
		vie := chain && i == size-1 && size >= 4 && len(owners) == 1 && g.typ[owners[0].ent] == tPerson
		switch {
		case i == 0:
			for _, o := range owners {
				if err := g.ownership(o.ent, x, o.percent, false); err != nil {
					return err
				}
				if o.percent < 50 && len(owners) == 1 && r.chance(0.5) {
					if err := g.control(o.ent, x, ownerControlBases.pick(r)); err != nil {
						return err
					}
				} else if g.typ[o.ent] == tState && r.chance(0.25) {
					if err := g.control(o.ent, x, "dominant_influence"); err != nil {
						return err
					}
				}
			}
		case vie:
			// A variable-interest entity: held by the founder as nominee,
			// controlled by the foreign-owned company above it by agreement.
			if err := g.ownership(owners[0].ent, x, 100, false); err != nil {
				return err
			}
			if err := g.control(par, x, "agreement"); err != nil {
				return err
			}
		default:
			if err := g.subsidiary(x, par, start, i, d); err != nil {
				return err
			}
		}
	}
	top := start
	g.tops = append(g.tops, top)
	if giant {
		gt := giantGroup{top: top, size: int32(size), owner: -1}
		if len(owners) > 0 {
			gt.owner = owners[0].ent
		}
		g.giants = append(g.giants, gt)
	}
	// Cross-holdings between groups: two tops swap small stakes.
	share := interCrossShare
	if giant {
		share = giantCrossShare
	}
	if len(g.tops) > 1 && r.chance(share) {
		other := g.tops[r.intn(len(g.tops)-1)]
		if err := g.ownership(top, other, r.percent(0.5, 15), true); err != nil {
			return err
		}
		if err := g.ownership(other, top, r.percent(0.5, 15), true); err != nil {
			return err
		}
	}
	return nil
}

// subsidiary emits the ownership (and control) edges into company x, the i-th of
// its group, held by par.
func (g *generator) subsidiary(x, par, start int32, i, d int) error {
	r := g.r
	var pct float64
	switch k := r.intn(50); {
	case k < 25:
		pct = 100
	case k < 27:
		pct = 50
	case k < 44:
		pct = r.percent(50, 99.99)
	default:
		pct = r.percent(10, 49.99) // an associate
	}
	if err := g.ownership(par, x, pct, false); err != nil {
		return err
	}
	if pct < 50 && r.chance(0.25) {
		if err := g.control(par, x, controlBases.pick(r)); err != nil {
			return err
		}
	}
	// A second owner of the rest: a sister company, a joint-venture partner from
	// another group, a person or a fund. Its depth is always below x's, so the
	// ownership trees stay at most maxDepth deep.
	if rest := 100 - pct; rest >= 1 && r.chance(coOwnerShare) {
		co := int32(-1)
		switch k := r.intn(100); {
		case k < 40 && i > 1:
			for range 3 {
				y := start + int32(r.intn(i))
				if y != par && int(g.depth[y]) < d {
					co = y
					break
				}
			}
		case k < 55 && start > 0:
			for range 4 {
				y := int32(r.intn(int(start)))
				if g.typ[y] == tCompany && int(g.depth[y]) < d {
					co = y
					break
				}
			}
		case k < 80 && len(g.persons) > 0:
			co = pick(r, g.persons)
		case len(g.orgs) > 0:
			co = pick(r, g.orgs)
		}
		if co >= 0 {
			if err := g.ownership(co, x, r.percent(rest*0.3, rest), false); err != nil {
				return err
			}
		}
	}
	if d >= 3 && r.chance(boardControlShare) {
		if err := g.control(g.gpar[par-start], x, pick(r, []string{"board", "dominant_influence", "other"})); err != nil {
			return err
		}
	}
	// A cross-holding inside the group: x holds a little of an ancestor.
	if d >= 2 && r.chance(intraCrossShare) {
		anc := par
		for k := r.intn(3); k > 0 && g.gpar[anc-start] >= 0; k-- {
			anc = g.gpar[anc-start]
		}
		if err := g.ownership(x, anc, r.percent(0.1, 9.99), true); err != nil {
			return err
		}
	}
	return nil
}

// company emits company x's entity record.
// Subsidiaries of large groups carry a second brand, as conglomerates' do, so that
// their names do not repeat.
func (g *generator) company(x int32, base, industry string, c *country, top, giant, large bool) error {
	r := g.r
	rec := g.rec(model.KindEntity)
	rec.ID = g.eid(x)
	rec.Type = model.TypeCompany
	rec.Country = c.code
	name := base
	switch {
	case top && (giant || r.chance(0.4)):
		name += " " + pick(r, holdingWords)
	case top:
		name += " " + industry
	default:
		if large {
			name += " " + baseName(r)
		}
		name += " " + industry
		if len(c.cities) > 0 && r.chance(0.4) {
			name += " (" + pick(r, c.cities) + ")"
		}
	}
	suffix := pick(r, c.suffixes)
	if strings.Contains(suffix, "Group") || strings.Contains(suffix, "Holdings") {
		if strings.Contains(name, "Group") || strings.Contains(name, "Holdings") {
			suffix = c.suffixes[0]
		}
	}
	rec.Name = name + " " + suffix
	if r.chance(0.1) {
		rec.Aliases = []string{upperAlias(rec.Name)}
	}
	var ids []model.Identifier
	if r.chance(0.15) {
		ids = append(ids, model.Identifier{Scheme: "duns", Value: duns(x, g.cfg.Seed)})
	}
	if r.chance(0.25) || (top && r.chance(0.5)) {
		ids = append(ids, model.Identifier{Scheme: "lei", Value: lei(r, x, g.cfg.Seed)})
	}
	if c.code == "CN" && r.chance(0.5) {
		ids = append(ids, model.Identifier{Scheme: "uscc", Value: uscc(r, x, g.cfg.Seed)})
	}
	rec.Identifiers = ids // schemes appended in sorted order
	return g.emit(false)
}

// ownership emits one stake; some are ranges, unknown, dated, ended or changed.
func (g *generator) ownership(from, to int32, pct float64, cross bool) error {
	r := g.r
	share := model.Exact(pct)
	switch k := r.float(); {
	case k < rangeShare:
		lo := math.Floor(pct/25) * 25
		if lo >= 100 {
			lo = 75
		}
		share = model.Share{Min: model.ShareFromPercent(lo), Max: model.ShareFromPercent(lo + 25), Mode: model.ShareRange}
	case k < rangeShare+unknownShare:
		share = model.UnknownShare
	}
	valid := model.Always
	if r.chance(datedShare) {
		valid.From = r.date(date1990, date2026)
		if r.chance(endedShare) {
			valid.To = valid.From + model.Date(r.between(180, 4000))
		}
	}
	source := ""
	if r.chance(0.08) {
		source = pick(r, ownershipSources)
	}
	// A stake that changed once: an earlier stake until the change, then this one.
	if share.Mode == model.ShareExact && valid.To == model.MaxDate && r.chance(stakeChangeShare) {
		lo := valid.From
		if lo == model.MinDate {
			lo = date1995
		}
		if change := r.date(lo+1, date2026+1); change > lo {
			earlier := r.percent(1, 100)
			if pct >= 50 {
				earlier = r.percent(1, 49.99) // control was acquired at the change
			}
			g.ownershipRec(from, to, model.Exact(earlier), model.Period{From: valid.From, To: change}, source)
			if err := g.emit(cross); err != nil {
				return err
			}
			valid.From = change
		}
	}
	g.ownershipRec(from, to, share, valid, source)
	return g.emit(cross)
}

func (g *generator) ownershipRec(from, to int32, share model.Share, valid model.Period, source string) {
	rec := g.rec(model.KindOwnership)
	rec.Src, rec.Dst = g.eid(from), g.eid(to)
	rec.Share = share
	rec.Valid = valid
	rec.Source = source
}

func (g *generator) control(from, to int32, basis string) error {
	r := g.r
	rec := g.rec(model.KindControl)
	rec.Src, rec.Dst = g.eid(from), g.eid(to)
	rec.Basis = basis
	if r.chance(0.5) {
		rec.Valid.From = r.date(date1995, date2026)
		if r.chance(0.05) {
			rec.Valid.To = rec.Valid.From + model.Date(r.between(365, 3000))
		}
	}
	return g.emit(false)
}
