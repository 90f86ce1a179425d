package gen

import (
	"slices"
	"strconv"

	"github.com/keiretsu/keiretsu/internal/model"
)

// RegimeIDs are the built-in regimes listings are spread over: those screened by
// default (internal/rules/regimes.json).
var RegimeIDs = []string{
	"US-OFAC-SDN", "US-OFAC-CMIC", "US-BIS-ENTITY", "EU-ASSET-FREEZE", "UK-OFSI", "US-NDAA-889", "US-FCC-COVERED",
}

const (
	rSDN = iota
	rCMIC
	rBIS
	rEU
	rUK
	rNDAA
	rFCC
	nRegimes
)

// Which regimes list which kind of entity: persons and state bodies are designated
// under asset-freeze regimes; large manufacturers land on the trade and telecom lists.
var (
	companyRegimes = newWeighted[int](rSDN, 25, rCMIC, 10, rBIS, 20, rEU, 13, rUK, 10, rNDAA, 11, rFCC, 11)
	personRegimes  = newWeighted[int](rSDN, 45, rEU, 30, rUK, 25)
	majorRegimes   = newWeighted[int](rCMIC, 20, rBIS, 30, rNDAA, 25, rFCC, 25)
)

var regimeSources = []string{
	rSDN: "OFAC SDN list", rCMIC: "OFAC NS-CMIC list", rBIS: "BIS Entity List (15 CFR 744 Supp. 4)",
	rEU: "EU consolidated financial sanctions list", rUK: "UK OFSI consolidated list",
	rNDAA: "NDAA FY2019 section 889(f)(3)", rFCC: "FCC Covered List",
}

// coveredCategories are the product categories section 889 and the FCC list name.
var coveredCategories = []string{"telecom", "video_surveillance"}

// randomCompany returns a uniformly drawn company, if one turns up quickly.
func (g *generator) randomCompany() (int32, bool) {
	if g.n == 0 {
		return 0, false
	}
	for range 64 {
		if x := int32(g.r.intn(g.n)); g.typ[x] == tCompany {
			return x, true
		}
	}
	return 0, false
}

// listings picks the manufacturers that supply many products, then emits the
// listings: about listedShare of the entities, each on one to three regimes.
func (g *generator) listings() error {
	g.r = newRNG(g.cfg.Seed, streamListings)
	r := g.r
	if g.n == 0 {
		return nil
	}
	if g.companyCount > 0 {
		for range max(5, g.companyCount/100) {
			if x, ok := g.randomCompany(); ok {
				g.majors = append(g.majors, x)
			}
		}
	}
	count := max(min(len(RegimeIDs), g.n), int(float64(g.n)*listedShare+0.5))
	listed := make(map[int32]bool, count) // membership only; never iterated
	var used [nRegimes]bool
	done := 0
	// Some large holdings are caught whole: a state-owned conglomerate's
	// subsidiary on the trade and telecom lists (Hikvision under CETC), or a
	// conglomerate or its owner designated.
	for _, gg := range g.giants {
		if done >= count || done > 0 && !r.chance(giantListedShare) {
			continue
		}
		x, table := gg.top, &companyRegimes
		switch {
		case gg.owner >= 0 && g.typ[gg.owner] == tState && gg.size > 1 && r.chance(0.6):
			x, table = gg.top+1+int32(r.intn(int(gg.size)-1)), &majorRegimes
		case gg.owner >= 0 && g.typ[gg.owner] != tOrg && r.chance(0.5):
			x, table = gg.owner, &personRegimes
		}
		if listed[x] {
			continue
		}
		if err := g.list(x, table, &used, listed); err != nil {
			return err
		}
		done++
	}
	for ; done < count; done++ {
		x, major := g.listable(listed)
		table := &companyRegimes
		switch {
		case g.typ[x] == tPerson || g.typ[x] == tState:
			table = &personRegimes
		case major:
			table = &majorRegimes
		}
		if err := g.list(x, table, &used, listed); err != nil {
			return err
		}
	}
	return nil
}

// list lists entity x on one to three regimes drawn from table. While a regime has
// no listing yet, a company takes it, so every regime has listings.
func (g *generator) list(x int32, table *weighted[int], used *[nRegimes]bool, listed map[int32]bool) error {
	r := g.r
	listed[x] = true
	var regs [3]int
	n := 1
	regs[0] = table.pick(r)
	if table == &companyRegimes {
		for reg, u := range used {
			if !u {
				regs[0] = reg
				break
			}
		}
	}
	for _, p := range []float64{0.25, 0.08} {
		if !r.chance(p) {
			break
		}
		reg := table.pick(r)
		dup := false
		for _, have := range regs[:n] {
			dup = dup || have == reg
		}
		if !dup {
			regs[n] = reg
			n++
		}
	}
	for _, reg := range regs[:n] {
		used[reg] = true
		if err := g.listing(x, reg); err != nil {
			return err
		}
	}
	return nil
}

// listable picks an entity to list that is not listed yet: group tops, owners,
// state bodies, large manufacturers or any company. major says it is a manufacturer.
func (g *generator) listable(listed map[int32]bool) (int32, bool) {
	r := g.r
	for range 16 {
		x := int32(-1)
		major := false
		switch k := r.intn(100); {
		case k < 30 && len(g.tops) > 0:
			// The top of the group of a random company: larger groups more.
			if c, ok := g.randomCompany(); ok {
				i, found := slices.BinarySearch(g.tops, c)
				if !found {
					i--
				}
				x = g.tops[i]
			}
		case k < 48 && len(g.persons) > 0:
			x = g.persons[r.skewed(len(g.persons), 2)] // the owners of many groups most

		case k < 51 && len(g.states) > 0:
			x = pick(r, g.states)
		case k < 63 && len(g.majors) > 0:
			x = g.majors[r.intn(len(g.majors))]
			major = true
		default:
			if c, ok := g.randomCompany(); ok {
				x = c
			}
		}
		if x >= 0 && !listed[x] {
			return x, major
		}
	}
	start := r.intn(g.n)
	for k := range g.n {
		if x := int32((start + k) % g.n); !listed[x] {
			return x, false
		}
	}
	return int32(start), false // every entity is listed already
}

func (g *generator) listing(x int32, reg int) error {
	r := g.r
	rec := g.rec(model.KindListing)
	rec.Src = g.eid(x)
	rec.Dst = RegimeIDs[reg]
	rec.Valid.From = r.date(date2010, date2027)
	if r.chance(0.1) {
		rec.Valid.To = rec.Valid.From + model.Date(r.between(365, 6*365))
	}
	num := strconv.Itoa(r.between(1000, 99999))
	switch reg {
	case rSDN:
		rec.Reference = "SDN-" + num
	case rCMIC:
		rec.Reference = "NS-CMIC-" + num
	case rBIS:
		rec.Reference = strconv.Itoa(r.between(84, 90)) + " FR " + num
	case rEU:
		rec.Reference = "EU." + num + "." + strconv.Itoa(r.between(10, 99))
	case rUK:
		rec.Reference = "UK-" + num
	case rNDAA:
		rec.Reference = "FAR 52.204-25"
	case rFCC:
		rec.Reference = "47 CFR 1.50002 #" + num
	}
	if (reg == rNDAA || reg == rFCC) && r.chance(0.5) {
		rec.Categories = append([]string(nil), coveredCategories...)
	}
	rec.Source = regimeSources[reg]
	return g.emit(false)
}
