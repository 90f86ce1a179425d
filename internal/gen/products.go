package gen

import (
	"strconv"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

// Bill-of-materials parameters (doc.go explains them).
const (
	bomLevels       = 8    // levels of a BOM: end product (0) to raw component (7)
	parentedShare   = 0.92 // products below level 0 that are part of something
	skipLevelShare  = 0.10 // ... of a product two levels up rather than one
	sharedShare     = 0.20 // parts used by a second parent (shared sub-assemblies)
	sharedMoreShare = 0.06 // ... and by a third
	gapShare        = 0.03 // products with no known producer
	switchShare     = 0.04 // products whose producer changed once
	nonEssential    = 0.04 // component edges with essential:false
)

// levelWeights is how the products spread over BOM levels (per cent).
var levelWeights = [bomLevels]int{3, 7, 12, 16, 18, 17, 14, 13}

var (
	endCategories = newWeighted[string]("telecom", 25, "video_surveillance", 18, "networking", 20, "compute", 15,
		"power", 7, "storage", 5, "", 10)
	midCategories = newWeighted[string]("", 50, "networking", 10, "power", 8, "compute", 8, "optics", 6,
		"telecom", 7, "video_surveillance", 5, "storage", 3, "sensors", 3)
	partCategories = newWeighted[string]("", 60, "semiconductors", 12, "passive", 8, "optics", 4, "power", 4,
		"mechanical", 6, "software", 4, "sensors", 2)
)

var nouns = map[string][]string{
	"telecom":            {"5G Base Station", "Optical Line Terminal", "LTE Router", "Microwave Backhaul Unit", "Radio Unit", "Baseband Unit", "Core Router"},
	"video_surveillance": {"IP Camera", "Network Video Recorder", "PTZ Dome Camera", "Thermal Camera", "Video Analytics Box", "Camera Module"},
	"networking":         {"Ethernet Switch", "Wi-Fi Access Point", "Firewall Appliance", "Line Card", "Switch Fabric Board"},
	"compute":            {"Edge Gateway", "Server Mainboard", "SoC Module", "Compute Blade", "Controller Board"},
	"power":              {"Power Supply Unit", "Battery Pack", "DC-DC Converter", "PoE Injector", "Rectifier Module"},
	"storage":            {"SSD Module", "Storage Array", "eMMC Package"},
	"optics":             {"SFP+ Transceiver", "Lens Assembly", "Laser Diode", "Optical Amplifier"},
	"sensors":            {"Image Sensor", "Temperature Sensor", "Radar Module"},
	"semiconductors":     {"Baseband Chip", "FPGA", "DRAM Chip", "NAND Flash", "RF Transceiver IC", "Ethernet PHY", "Microcontroller", "Power Management IC"},
	"passive":            {"Capacitor Array", "Inductor", "Crystal Oscillator", "Ferrite Bead", "Resistor Network"},
	"mechanical":         {"Enclosure", "Heat Sink", "Fan Module", "Antenna", "Connector", "Cable Harness"},
	"software":           {"Firmware Image", "Embedded OS", "Bootloader", "Camera SDK"},
	"":                   {"Assembly", "Module", "Board", "Unit", "Kit", "Part", "Bracket", "Cable"},
}

// products emits the BOM forest. Product ids are numbered level by level, so a
// product's level follows from its id and nothing is kept per product.
func (g *generator) products() error {
	g.r = newRNG(g.cfg.Seed, streamProducts)
	m := g.cfg.Products
	var count, start [bomLevels]int
	if m < bomLevels {
		for l := range m {
			count[l] = 1
		}
	} else {
		total := 0
		for l, w := range levelWeights {
			count[l] = max(1, m*w/100)
			total += count[l]
		}
		count[bomLevels-1] += m - total
	}
	for l := 1; l < bomLevels; l++ {
		start[l] = start[l-1] + count[l-1]
	}
	for l := range bomLevels {
		for k := range count[l] {
			p := int32(start[l] + k)
			if err := g.product(p, l); err != nil {
				return err
			}
			if l > 0 {
				if err := g.parents(p, l, &count, &start); err != nil {
					return err
				}
			}
			if err := g.sourcing(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// parents emits the component edges into product p of level l: usually one parent
// a level up (sometimes two levels up), sometimes a second and a third (shared
// sub-assemblies), and for a few products none (a spare part sold on its own).
func (g *generator) parents(p int32, l int, count, start *[bomLevels]int) error {
	r := g.r
	if !r.chance(parentedShare) {
		return nil
	}
	draw := func() int32 {
		pl := l - 1
		if l >= 2 && r.chance(skipLevelShare) {
			pl = l - 2
		}
		return int32(start[pl] + r.intn(count[pl]))
	}
	var parents [3]int32
	parents[0] = draw()
	np := 1
	for _, share := range []float64{sharedShare, sharedMoreShare} {
		if !r.chance(share) {
			break
		}
		q := draw()
		dup := false
		for _, have := range parents[:np] {
			dup = dup || have == q
		}
		if !dup {
			parents[np] = q
			np++
		}
	}
	for _, q := range parents[:np] {
		if err := g.component(q, p, l); err != nil {
			return err
		}
	}
	return nil
}

func categoryFor(r *rng, level int) string {
	switch {
	case level == 0:
		return endCategories.pick(r)
	case level <= 3:
		return midCategories.pick(r)
	}
	return partCategories.pick(r)
}

func (g *generator) product(p int32, level int) error {
	r := g.r
	rec := g.rec(model.KindProduct)
	rec.ID = g.pid(p)
	rec.Category = categoryFor(r, level)
	noun := pick(r, nouns[rec.Category])
	code := modelCode(r)
	rec.Name = noun + " " + code
	var ids []model.Identifier
	slug := strings.ToLower(strings.ReplaceAll(noun, " ", "-"))
	if (rec.Category == "telecom" || rec.Category == "networking") && level == 0 && r.chance(0.2) {
		vendor := strings.ToLower(baseName(r))
		ids = append(ids, model.Identifier{Scheme: "cpe", Value: "cpe:2.3:h:" + vendor + ":" + slug + "_" + strings.ToLower(code) + ":-:*:*:*:*:*:*:*"})
	}
	if level <= 1 && r.chance(0.4) {
		ids = append(ids, model.Identifier{Scheme: "gtin", Value: gtin(r)})
	}
	if r.chance(0.6) {
		ids = append(ids, model.Identifier{Scheme: "mpn", Value: code + "-" + strconv.Itoa(r.between(10, 99))})
	}
	if rec.Category == "software" {
		ver := strconv.Itoa(r.between(1, 9)) + "." + strconv.Itoa(r.intn(20)) + "." + strconv.Itoa(r.intn(10))
		ids = append(ids, model.Identifier{Scheme: "purl", Value: "pkg:generic/" + slug + "@" + ver})
	}
	rec.Identifiers = ids // schemes appended in sorted order
	return g.emit(false)
}

func (g *generator) component(parent, child int32, level int) error {
	r := g.r
	rec := g.rec(model.KindComponent)
	rec.Src, rec.Dst = g.pid(parent), g.pid(child)
	rec.Essential = !r.chance(nonEssential)
	if r.chance(0.7) {
		q := 1.0
		switch k := r.intn(10); {
		case k >= 9:
			q = float64(r.between(10, 100))
		case k >= 6 || level >= 6 && k >= 3:
			q = float64(r.between(2, 8))
		}
		rec.Quantity = &q
	}
	if r.chance(0.08) {
		rec.Valid.From = r.date(date2015, date2026)
		if r.chance(0.25) {
			rec.Valid.To = rec.Valid.From + model.Date(r.between(180, 2500))
		}
	}
	return g.emit(false)
}

// sourcing emits who makes or supplies product p: one to three entities, mostly
// companies, a few large manufacturers supplying many products; none for a gap.
func (g *generator) sourcing(p int32) error {
	r := g.r
	if g.n == 0 || r.chance(gapShare) {
		g.st.Gaps++
		return nil
	}
	var ents [4]int32
	n := 1
	switch k := r.intn(20); {
	case k >= 16:
		n = 3
	case k >= 9:
		n = 2
	}
	ne := 0
	for range n {
		x := g.producer()
		dup := false
		for _, have := range ents[:ne] {
			dup = dup || have == x
		}
		if !dup {
			ents[ne] = x
			ne++
		}
	}
	for i, x := range ents[:ne] {
		rec := g.rec(model.KindSourcing)
		rec.Src, rec.Dst = g.pid(p), g.eid(x)
		rec.Role = "manufacturer"
		if i > 0 && r.chance(0.6) {
			rec.Role = "supplier"
		}
		if r.chance(0.1) {
			rec.Valid.From = r.date(date2012, date2026)
		}
		if i == 0 && r.chance(switchShare) {
			// The producer changed once: this one until the switch, another after.
			lo := max(rec.Valid.From, date2012)
			change := r.date(lo+1, date2027)
			rec.Valid.To = change
			if err := g.emit(false); err != nil {
				return err
			}
			next := g.producer()
			if next == x {
				continue
			}
			rec = g.rec(model.KindSourcing)
			rec.Src, rec.Dst = g.pid(p), g.eid(next)
			rec.Role = "manufacturer"
			rec.Valid.From = change
			dup := false
			for _, have := range ents[:ne] {
				dup = dup || have == next
			}
			if dup {
				continue
			}
		}
		if err := g.emit(false); err != nil {
			return err
		}
	}
	return nil
}

// producer draws the entity behind a sourcing edge: a large manufacturer (40%, the
// first ones most), any company (54%), an organization or a person.
func (g *generator) producer() int32 {
	r := g.r
	switch k := r.intn(100); {
	case k < 40 && len(g.majors) > 0:
		return g.majors[r.skewed(len(g.majors), 1.5)]
	case k < 94:
		if x, ok := g.randomCompany(); ok {
			return x
		}
	case k < 97 && len(g.orgs) > 0:
		return pick(r, g.orgs)
	case len(g.persons) > 0:
		return pick(r, g.persons)
	}
	if x, ok := g.randomCompany(); ok {
		return x
	}
	return int32(r.intn(g.n))
}
