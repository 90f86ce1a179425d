package rules

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

//go:embed regimes.json
var builtinJSON []byte

// RuleKind says who a regime catches beyond its listed entities.
type RuleKind string

// The rule kinds a regime file may name.
const (
	// RuleListed catches listed entities only.
	RuleListed RuleKind = "listed"
	// RuleAggregate catches entities in which caught owners hold, in aggregate, at
	// least the threshold (OFAC, BIS, EU), recursively.
	RuleAggregate RuleKind = "aggregate"
	// RulePerPerson is RuleAggregate without ever adding up the holdings of two
	// different listed persons (UK).
	RulePerPerson RuleKind = "per_person"
	// RuleAffiliate catches every subsidiary and affiliate of a listed entity
	// (section 889, FCC Covered List).
	RuleAffiliate RuleKind = "affiliate"
)

// ControlEffect says what a control edge from a caught entity does.
type ControlEffect string

// Control effects.
const (
	ControlNone    ControlEffect = "none"
	ControlCaution ControlEffect = "caution" // the controlled entity is CAUTION, which does not propagate
	ControlCatch   ControlEffect = "catch"   // the controlled entity is caught like an owned one
)

// Threshold is an ownership threshold in force from a date.
type Threshold struct {
	From      model.Date
	Units     uint64 // in model.Share units
	Inclusive bool   // >= rather than >
}

// Crossed reports whether sum reaches the threshold.
func (t Threshold) Crossed(sum uint64) bool {
	if t.Inclusive {
		return sum >= t.Units
	}
	return sum > t.Units
}

// SeedKind says why the root of an explanation is restricted (contract section 5.4).
type SeedKind uint8

// Seed kinds, in the order that breaks ties between equally short explanations.
const (
	// SeedListing is a listing: of the regime, or of a regime its listingsOf names.
	SeedListing SeedKind = iota
	// SeedStateBody is a state body of a country the prong's stateBodiesOf names.
	SeedStateBody
	// SeedJurisdiction is a company or organization incorporated or headquartered
	// in a country the prong's jurisdictions names.
	SeedJurisdiction
	// SeedOrigin is a sourcing edge whose site the prong's origins names.
	SeedOrigin
)

var seedKindNames = [...]string{"LISTING", "STATE_BODY", "JURISDICTION", "ORIGIN"}

func (k SeedKind) String() string { return seedKindNames[k] }

// AggregateBy says whose holdings add up under the aggregate rule.
type AggregateBy string

// Aggregation modes.
const (
	// AggregateAll adds up every caught owner's holdings (OFAC).
	AggregateAll AggregateBy = "all"
	// AggregateSeed adds up one seed's holdings with those of the entities caught
	// through it, never two seeds' (UK).
	AggregateSeed AggregateBy = "seed"
	// AggregateCountry groups the seeds by country (one government's bodies add up).
	AggregateCountry AggregateBy = "country"
)

// Directions are the affiliate relations a prong follows, as bits.
type Directions uint8

// Affiliate directions.
const (
	// DirDown: everything a seed controls, transitively.
	DirDown Directions = 1 << iota
	// DirUp: a seed's controllers, transitively.
	DirUp
	// DirSiblings: what the seed controls and everything its controllers control,
	// transitively (the controllers themselves only with DirUp).
	DirSiblings
	// AllDirections is section 889's affiliate rule.
	AllDirections = DirDown | DirUp | DirSiblings
)

var directionNames = map[string]Directions{"down": DirDown, "up": DirUp, "siblings": DirSiblings}

// Seeds are what a prong starts from (contract section 5.3).
type Seeds struct {
	// Listings seeds the regime's own listings.
	Listings bool
	// ListingsOf seeds the listings of these regimes.
	ListingsOf []string
	// StateBodiesOf seeds the state bodies of these countries.
	StateBodiesOf []string
	// Jurisdictions seeds the companies and organizations incorporated or
	// headquartered in these countries.
	Jurisdictions []string
	// Origins seeds, in product screening only, the sourcing edges made at these
	// sites (a code, or any subdivision of a two-letter code).
	Origins []string
}

// entitySeeds reports whether the seeds name any entity (everything but origins).
func (s *Seeds) entitySeeds() bool {
	return s.Listings || len(s.ListingsOf) > 0 || len(s.StateBodiesOf) > 0 || len(s.Jurisdictions) > 0
}

// Prong is one way a regime catches: seeds spread by a rule.
type Prong struct {
	// Rule is listed, aggregate or affiliate (per_person is aggregate with
	// AggregateBy seed).
	Rule  RuleKind
	Seeds Seeds
	// AggregateBy (aggregate rule) says whose holdings add up.
	AggregateBy AggregateBy
	// Directions (affiliate rule) are the relations followed.
	Directions Directions
	Control    ControlEffect
	// Thresholds in force, by ascending From (the first has From = MinDate).
	Thresholds []Threshold
	// RuleWindows lists when the rule beyond the seeds is in force; outside them
	// only the seeds are caught. Empty means always.
	RuleWindows []model.Period
	// StateBodyCaution makes an affiliate relationship through a state body CAUTION.
	StateBodyCaution bool
	// NonEssentialCaution turns an EXPOSED or POSSIBLE product of the closure into
	// CAUTION when every component edge into it is non-essential (section 889).
	NonEssentialCaution bool
}

// RuleInForce reports whether the prong's rule beyond its seeds is in force on d.
func (p *Prong) RuleInForce(d model.Date) bool {
	return p.Rule != RuleListed && inPeriods(p.RuleWindows, d)
}

// ThresholdOn returns the threshold in force on d.
func (p *Prong) ThresholdOn(d model.Date) Threshold {
	t := Threshold{Units: 50 * 1_000_000, Inclusive: true}
	for _, th := range p.Thresholds {
		if th.From <= d {
			t = th
		}
	}
	return t
}

// Regime is one restriction list and its rules: an outcome, a scope and prongs.
type Regime struct {
	ID        string
	Name      string
	Authority string
	URL       string
	// Rule is the rule of the first prong as the file names it (listed,
	// aggregate, per_person or affiliate), for display.
	Rule RuleKind
	// Outcome is EXPOSED, or CAUTION for a consult regime (every EXPOSED or
	// POSSIBLE level becomes CAUTION).
	Outcome model.Verdict
	// Default says whether screening includes the regime when a request names none.
	Default bool
	// Applies lists when the regime applies at all; before (or between) these
	// periods it catches nothing. Empty means always.
	Applies []model.Period
	// ProductApplies lists when it applies to product screening (nil: Applies).
	ProductApplies []model.Period
	// Categories restrict product screening to products of these categories
	// (the seeds of listings without categories of their own); nil: every product.
	Categories []string
	// Prongs are the ways the regime catches; the level of an entity is the
	// worst any prong gives it.
	Prongs []Prong
	// Control, Thresholds, RuleWindows, StateBodyCaution and NonEssentialCaution
	// are the first prong's, as v1 read them.
	Control             ControlEffect
	Thresholds          []Threshold
	RuleWindows         []model.Period
	StateBodyCaution    bool
	NonEssentialCaution bool
	// Builtin is true for the regimes shipped in the binary.
	Builtin bool
	// Spec is the regime's definition as JSON, as given.
	Spec []byte
	// Source cites the law or guidance; Reading is Keiretsu's reading of it.
	Source, Reading string

	hasProngs bool // the definition lists prongs (for messages)
}

// AppliesOn reports whether the regime applies on day d (entity screening).
func (r *Regime) AppliesOn(d model.Date) bool { return inPeriods(r.Applies, d) }

// ProductAppliesOn reports whether the regime applies to product screening on d.
func (r *Regime) ProductAppliesOn(d model.Date) bool {
	if r.ProductApplies == nil {
		return r.AppliesOn(d)
	}
	return inPeriods(r.ProductApplies, d)
}

// RuleInForce reports whether the first prong's rule beyond its seeds is in force on d.
func (r *Regime) RuleInForce(d model.Date) bool { return r.Prongs[0].RuleInForce(d) }

// ThresholdOn returns the first prong's threshold in force on d.
func (r *Regime) ThresholdOn(d model.Date) Threshold { return r.Prongs[0].ThresholdOn(d) }

// OutcomeName is the regime's outcome as text: EXPOSED or CAUTION.
func (r *Regime) OutcomeName() string { return r.Outcome.String() }

// SpecJSON is the regime's definition as given, a JSON object.
func (r *Regime) SpecJSON() string { return string(r.Spec) }

// ListingsOf returns the ids of the regimes whose listings some prong seeds,
// each once, in the order the prongs name them.
func (r *Regime) ListingsOf() []string {
	var out []string
	for i := range r.Prongs {
		for _, id := range r.Prongs[i].Seeds.ListingsOf {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// outcome applies the regime's outcome to a level its prongs give.
func (r *Regime) outcome(v model.Verdict) model.Verdict {
	if r.Outcome == model.Caution && v > model.Caution {
		return model.Caution
	}
	return v
}

func inPeriods(ps []model.Period, d model.Date) bool {
	if len(ps) == 0 {
		return true
	}
	for _, p := range ps {
		if p.Holds(d) {
			return true
		}
	}
	return false
}

type periodJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
	Note string `json:"note"`
}

type thresholdJSON struct {
	From      string   `json:"from"`
	Percent   *float64 `json:"percent"`
	Inclusive *bool    `json:"inclusive"`
	Note      string   `json:"note"`
}

// prongJSON holds the prong fields, at a regime's top level or in its prongs.
type prongJSON struct {
	Rule             RuleKind        `json:"rule"`
	Seeds            json.RawMessage `json:"seeds"`
	Thresholds       []thresholdJSON `json:"thresholds"`
	Control          ControlEffect   `json:"control"`
	RuleWindows      []periodJSON    `json:"ruleWindows"`
	StateBodyCaution *bool           `json:"stateBodyCaution"`
	NonEssential     *bool           `json:"nonEssentialCaution"`
	AggregateBy      *AggregateBy    `json:"aggregateBy"`
	Directions       []string        `json:"directions"`
}

// given reports whether any prong field is set.
func (p *prongJSON) given() []string {
	var out []string
	add := func(ok bool, name string) {
		if ok {
			out = append(out, name)
		}
	}
	add(p.Rule != "", "rule")
	add(p.Seeds != nil, "seeds")
	add(p.Thresholds != nil, "thresholds")
	add(p.Control != "", "control")
	add(p.RuleWindows != nil, "ruleWindows")
	add(p.StateBodyCaution != nil, "stateBodyCaution")
	add(p.NonEssential != nil, "nonEssentialCaution")
	add(p.AggregateBy != nil, "aggregateBy")
	add(p.Directions != nil, "directions")
	return out
}

type prongFileJSON struct {
	prongJSON
	Note string `json:"note"`
}

type regimeJSON struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Authority      string            `json:"authority"`
	URL            string            `json:"url"`
	Source         string            `json:"source"`
	Reading        string            `json:"reading"`
	Outcome        string            `json:"outcome"`
	Default        *bool             `json:"default"`
	Applies        []periodJSON      `json:"applies"`
	ProductApplies []periodJSON      `json:"productApplies"`
	Categories     []string          `json:"categories"`
	Prongs         []json.RawMessage `json:"prongs"`
	Note           string            `json:"note"`
	prongJSON
}

type fileJSON struct {
	About    string            `json:"about"`
	Regimes  []json.RawMessage `json:"regimes"`
	Programs json.RawMessage   `json:"programs"`
}

// Builtin returns the built-in regimes.
func Builtin() []*Regime {
	rs, err := ParseFile("regimes.json", builtinJSON, true)
	if err != nil {
		panic("built-in regimes: " + err.Error())
	}
	return rs
}

// LoadFile reads a regimes file (the built-in format: {"regimes": [...]} or a bare
// array). Its listingsOf may name built-in regimes and regimes of the same file.
func LoadFile(path string) ([]*Regime, error) { return LoadFileWith(path, nil) }

// LoadFileWith is LoadFile where listingsOf may also name the regimes stored reports
// as stored by earlier runs (nil: none).
func LoadFileWith(path string, stored func(id string) bool) ([]*Regime, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read regimes: %w", err)
	}
	return ParseFileWith(path, b, false, stored)
}

// ParseFile parses a regimes file; name is used in error messages.
func ParseFile(name string, b []byte, builtin bool) ([]*Regime, error) {
	return ParseFileWith(name, b, builtin, nil)
}

// ParseFileWith parses a regimes file whose listingsOf may name built-in regimes,
// regimes of the same file and those stored reports (nil: none). An error names
// the file, the regime and the field.
func ParseFileWith(name string, b []byte, builtin bool, stored func(id string) bool) ([]*Regime, error) {
	var raws []json.RawMessage
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, fmt.Errorf("%s: %w: %v", name, model.ErrBadInput, err)
		}
	} else {
		var f fileJSON
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("%s: %w: %v", name, model.ErrBadInput, err)
		}
		raws = f.Regimes
		if f.Programs != nil && !builtin {
			return nil, fmt.Errorf("%s: %w: programs: only the built-in regimes file defines program regimes", name, model.ErrBadInput)
		}
	}
	var out []*Regime
	seen := map[string]bool{}
	for i, raw := range raws {
		r, err := ParseSpec(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: regime #%d%s: %w", name, i+1, idOf(raw), err)
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("%s: regime #%d (%s): %w: duplicate id %q", name, i+1, r.ID, model.ErrBadInput, r.ID)
		}
		seen[r.ID] = true
		r.Builtin = builtin
		out = append(out, r)
	}
	var known []*Regime
	if !builtin {
		known = Builtin()
	}
	if err := checkListingsOf(out, known, stored); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// idOf returns " (ID)" for a regime definition with an id, for messages.
func idOf(raw []byte) string {
	var j struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &j) == nil && j.ID != "" {
		return " (" + j.ID + ")"
	}
	return ""
}

// checkListingsOf checks the listingsOf of regimes rs: each names a regime of rs,
// of known, or one stored reports, and no chain of them leads back to where it
// started (a regime naming itself included).
func checkListingsOf(rs, known []*Regime, stored func(string) bool) error {
	byID := map[string]*Regime{}
	for _, r := range known {
		byID[r.ID] = r
	}
	for _, r := range rs {
		byID[r.ID] = r
	}
	for _, r := range rs {
		for pi := range r.Prongs {
			for _, id := range r.Prongs[pi].Seeds.ListingsOf {
				if byID[id] == nil && (stored == nil || !stored(id)) {
					return &RegimeError{Regime: r.ID, Field: prongField(r, pi, "seeds.listingsOf"),
						Reason: fmt.Sprintf("names regime %q, which is neither built in, nor in this file, nor stored", id)}
				}
			}
		}
	}
	return checkCycles(rs, byID)
}

// checkCycles reports a cycle of listingsOf through any regime of rs.
func checkCycles(rs []*Regime, byID map[string]*Regime) error {
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var visit func(id string, stack []string) []string
	visit = func(id string, stack []string) []string {
		switch state[id] {
		case open:
			return append(stack, id)
		case done:
			return nil
		}
		state[id] = open
		if r := byID[id]; r != nil {
			for _, next := range r.ListingsOf() {
				if c := visit(next, append(stack, id)); c != nil {
					return c
				}
			}
		}
		state[id] = done
		return nil
	}
	for _, r := range rs {
		if c := visit(r.ID, nil); c != nil {
			// Name the first regime of the cycle and its field.
			start := c[len(c)-1]
			first := byID[start]
			return &RegimeError{Regime: start, Field: prongField(first, prongNaming(first, c), "seeds.listingsOf"),
				Reason: "listingsOf cycle: " + strings.Join(c[slices.Index(c, start):], " -> ")}
		}
	}
	return nil
}

// prongNaming returns the prong of r whose listingsOf names the regime after r in
// the cycle c.
func prongNaming(r *Regime, c []string) int {
	i := slices.Index(c, r.ID)
	if i < 0 || i+1 >= len(c) {
		return 0
	}
	for pi := range r.Prongs {
		if slices.Contains(r.Prongs[pi].Seeds.ListingsOf, c[i+1]) {
			return pi
		}
	}
	return 0
}

// prongField names a prong field for messages: "prongs[1].seeds" in a regime
// with prongs, "seeds" in one without.
func prongField(r *Regime, pi int, field string) string {
	if r != nil && r.hasProngs {
		return fmt.Sprintf("prongs[%d].%s", pi, field)
	}
	return field
}

// RegimeError is returned when a regimes file is wrong about a regime: it names
// the regime, the field and why.
type RegimeError struct {
	Regime, Field, Reason string
}

func (e *RegimeError) Error() string {
	return fmt.Sprintf("regime %s: field %s: %s", e.Regime, e.Field, e.Reason)
}

// Unwrap makes every RegimeError an ErrBadInput.
func (e *RegimeError) Unwrap() error { return model.ErrBadInput }

// ParseSpec parses one regime definition.
func ParseSpec(raw []byte) (*Regime, error) {
	var j regimeJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("%w: %v", model.ErrBadInput, err)
	}
	bad := func(field, format string, args ...any) error {
		return &model.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if strings.TrimSpace(j.ID) == "" {
		return nil, bad("id", "required")
	}
	r := &Regime{ID: j.ID, Name: j.Name, Authority: j.Authority, URL: j.URL, Outcome: model.Exposed, Default: true,
		Spec: compactJSON(raw), Source: j.Source, Reading: j.Reading}
	if r.Name == "" {
		r.Name = r.ID
	}
	switch j.Outcome {
	case "", "EXPOSED":
	case "CAUTION":
		r.Outcome = model.Caution
	default:
		return nil, bad("outcome", "%q is not one of EXPOSED, CAUTION", j.Outcome)
	}
	if j.Default != nil {
		r.Default = *j.Default
	}
	var err error
	if r.Applies, err = parsePeriods("applies", j.Applies); err != nil {
		return nil, err
	}
	if j.ProductApplies != nil {
		if r.ProductApplies, err = parsePeriods("productApplies", j.ProductApplies); err != nil {
			return nil, err
		}
		if r.ProductApplies == nil {
			r.ProductApplies = []model.Period{} // given empty: always
		}
	}
	for i, c := range j.Categories {
		if strings.TrimSpace(c) == "" {
			return nil, bad(fmt.Sprintf("categories[%d]", i), "empty category")
		}
	}
	r.Categories = j.Categories
	top := j.prongJSON.given()
	switch {
	case j.Prongs != nil && len(top) > 0:
		return nil, bad(top[0], "a regime with prongs may not carry prong fields at its top level (%s)", strings.Join(top, ", "))
	case j.Prongs != nil:
		if len(j.Prongs) == 0 {
			return nil, bad("prongs", "empty: give at least one prong, or none and the prong fields at the top level")
		}
		r.hasProngs = true
		for i, raw := range j.Prongs {
			var pj prongFileJSON
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&pj); err != nil {
				return nil, bad(fmt.Sprintf("prongs[%d]", i), "%v", err)
			}
			p, err := parseProng(&pj.prongJSON, fmt.Sprintf("prongs[%d].", i))
			if err != nil {
				return nil, err
			}
			r.Prongs = append(r.Prongs, p)
		}
	default:
		p, err := parseProng(&j.prongJSON, "")
		if err != nil {
			return nil, err
		}
		r.Prongs = []Prong{p}
	}
	r.Rule = r.Prongs[0].Rule
	if pj := firstProngRule(&j); pj == RulePerPerson {
		r.Rule = RulePerPerson
	}
	first := &r.Prongs[0]
	r.Control, r.Thresholds, r.RuleWindows = first.Control, first.Thresholds, first.RuleWindows
	r.StateBodyCaution, r.NonEssentialCaution = first.StateBodyCaution, first.NonEssentialCaution
	return r, nil
}

// firstProngRule returns the rule the first prong of a definition names.
func firstProngRule(j *regimeJSON) RuleKind {
	if j.Prongs == nil {
		return j.Rule
	}
	var p struct {
		Rule RuleKind `json:"rule"`
	}
	_ = json.Unmarshal(j.Prongs[0], &p)
	return p.Rule
}

var seedKeys = []string{"listings", "listingsOf", "stateBodiesOf", "jurisdictions", "origins"}

// parseProng parses one prong's fields; at names it in messages ("" or "prongs[i].").
func parseProng(j *prongJSON, at string) (Prong, error) {
	bad := func(field, format string, args ...any) error {
		return &model.FieldError{Field: at + field, Reason: fmt.Sprintf(format, args...)}
	}
	p := Prong{Rule: j.Rule, Control: j.Control, Seeds: Seeds{Listings: true}}
	if j.Seeds != nil {
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(j.Seeds, &keys); err != nil || keys == nil {
			return p, bad("seeds", "must be an object with keys %s", strings.Join(seedKeys, ", "))
		}
		for k := range keys {
			if !slices.Contains(seedKeys, k) {
				return p, bad("seeds", "unknown seed key %q (one of %s)", k, strings.Join(seedKeys, ", "))
			}
		}
		var sj struct {
			Listings      *bool    `json:"listings"`
			ListingsOf    []string `json:"listingsOf"`
			StateBodiesOf []string `json:"stateBodiesOf"`
			Jurisdictions []string `json:"jurisdictions"`
			Origins       []string `json:"origins"`
		}
		if err := json.Unmarshal(j.Seeds, &sj); err != nil {
			return p, bad("seeds", "%v", err)
		}
		p.Seeds = Seeds{Listings: sj.Listings != nil && *sj.Listings, ListingsOf: sj.ListingsOf}
		for i, id := range sj.ListingsOf {
			if strings.TrimSpace(id) == "" {
				return p, bad(fmt.Sprintf("seeds.listingsOf[%d]", i), "empty regime id")
			}
		}
		var err error
		if p.Seeds.StateBodiesOf, err = countries(sj.StateBodiesOf, at+"seeds.stateBodiesOf", isCountry); err != nil {
			return p, err
		}
		if p.Seeds.Jurisdictions, err = countries(sj.Jurisdictions, at+"seeds.jurisdictions", isCountry); err != nil {
			return p, err
		}
		if p.Seeds.Origins, err = countries(sj.Origins, at+"seeds.origins", model.IsSite); err != nil {
			return p, err
		}
		if !p.Seeds.entitySeeds() && len(p.Seeds.Origins) == 0 {
			return p, bad("seeds", "seeds nothing")
		}
	}
	onlyOrigins := !p.Seeds.entitySeeds() && len(p.Seeds.Origins) > 0
	switch p.Rule {
	case RuleListed, RuleAggregate, RuleAffiliate:
	case RulePerPerson:
		if j.AggregateBy != nil {
			return p, bad("aggregateBy", "per_person always aggregates by seed; use rule aggregate with aggregateBy")
		}
		p.Rule, p.AggregateBy = RuleAggregate, AggregateSeed
		if p.Control == "" {
			p.Control = ControlCatch
		}
	case "":
		if !onlyOrigins {
			return p, bad("rule", "required (listed, aggregate, per_person or affiliate)")
		}
		p.Rule = RuleListed
	default:
		return p, bad("rule", "unknown rule %q (one of listed, aggregate, per_person, affiliate)", p.Rule)
	}
	switch p.Control {
	case "":
		p.Control = ControlNone
	case ControlNone, ControlCaution, ControlCatch:
	default:
		return p, bad("control", "%q is not one of none, caution, catch", p.Control)
	}
	if j.AggregateBy != nil {
		if p.Rule != RuleAggregate {
			return p, bad("aggregateBy", "only for rule aggregate")
		}
		switch *j.AggregateBy {
		case AggregateAll, AggregateSeed, AggregateCountry:
			p.AggregateBy = *j.AggregateBy
		default:
			return p, bad("aggregateBy", "%q is not one of all, seed, country", *j.AggregateBy)
		}
	}
	if p.Rule == RuleAggregate && p.AggregateBy == "" {
		p.AggregateBy = AggregateAll
	}
	p.Directions = AllDirections
	if j.Directions != nil {
		if p.Rule != RuleAffiliate {
			return p, bad("directions", "only for rule affiliate")
		}
		if len(j.Directions) == 0 {
			return p, bad("directions", "empty (any of down, up, siblings)")
		}
		p.Directions = 0
		for i, d := range j.Directions {
			bit, ok := directionNames[d]
			if !ok {
				return p, bad(fmt.Sprintf("directions[%d]", i), "unknown direction %q (one of down, up, siblings)", d)
			}
			p.Directions |= bit
		}
	}
	for i, t := range j.Thresholds {
		th := Threshold{From: model.MinDate, Inclusive: true}
		if t.From != "" {
			d, err := model.ParseDate(t.From)
			if err != nil {
				return p, bad(fmt.Sprintf("thresholds[%d].from", i), "%v", err)
			}
			th.From = d
		}
		if t.Percent == nil || *t.Percent < 0 || *t.Percent > 100 {
			return p, bad(fmt.Sprintf("thresholds[%d].percent", i), "required, 0..100")
		}
		th.Units = uint64(model.ShareFromPercent(*t.Percent))
		if t.Inclusive != nil {
			th.Inclusive = *t.Inclusive
		}
		p.Thresholds = append(p.Thresholds, th)
	}
	slices.SortStableFunc(p.Thresholds, func(a, b Threshold) int { return int(a.From) - int(b.From) })
	var err error
	if p.RuleWindows, err = parsePeriods(at+"ruleWindows", j.RuleWindows); err != nil {
		return p, err
	}
	p.StateBodyCaution = p.Rule == RuleAffiliate
	if j.StateBodyCaution != nil {
		p.StateBodyCaution = *j.StateBodyCaution
	}
	if j.NonEssential != nil {
		p.NonEssentialCaution = *j.NonEssential
	}
	return p, nil
}

// isCountry reports whether c is an ISO 3166 alpha-2 code (upper case).
func isCountry(c string) bool { return len(c) == 2 && model.IsSite(c) }

// countries upper-cases a list of codes and checks each with ok.
func countries(cs []string, field string, ok func(string) bool) ([]string, error) {
	if cs == nil {
		return nil, nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = strings.ToUpper(strings.TrimSpace(c))
		if !ok(out[i]) {
			return nil, &model.FieldError{Field: fmt.Sprintf("%s[%d]", field, i), Reason: fmt.Sprintf("bad country code %q", c)}
		}
	}
	return out, nil
}

func parsePeriods(field string, ps []periodJSON) ([]model.Period, error) {
	var out []model.Period
	for i, p := range ps {
		per := model.Always
		if p.From != "" {
			d, err := model.ParseDate(p.From)
			if err != nil {
				return nil, &model.FieldError{Field: fmt.Sprintf("%s[%d].from", field, i), Reason: err.Error()}
			}
			per.From = d
		}
		if p.To != "" {
			d, err := model.ParseDate(p.To)
			if err != nil {
				return nil, &model.FieldError{Field: fmt.Sprintf("%s[%d].to", field, i), Reason: err.Error()}
			}
			per.To = d
		}
		if per.From >= per.To {
			return nil, &model.FieldError{Field: fmt.Sprintf("%s[%d]", field, i), Reason: "from must be before to"}
		}
		out = append(out, per)
	}
	return out, nil
}

func compactJSON(raw []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return append([]byte(nil), raw...)
	}
	return buf.Bytes()
}

// Set is the regimes loaded in a process: the built-in ones, then those stored with
// earlier ingest runs, then those given on the command line.
type Set struct {
	list     []*Regime
	byID     map[string]*Regime
	defaults []*Regime
}

// NewSet builds a set; a later regime with the id of a built-in one is an error,
// a later one with the id of a non-built-in one replaces it.
func NewSet(groups ...[]*Regime) (*Set, error) {
	s := &Set{byID: map[string]*Regime{}}
	for _, g := range groups {
		for _, r := range g {
			if old, ok := s.byID[r.ID]; ok {
				if old.Builtin {
					return nil, fmt.Errorf("%w: regime %q is built in and cannot be redefined", model.ErrBadInput, r.ID)
				}
				i := slices.Index(s.list, old)
				s.list[i] = r
			} else {
				s.list = append(s.list, r)
			}
			s.byID[r.ID] = r
		}
	}
	if err := checkCycles(s.list, s.byID); err != nil {
		return nil, err
	}
	// Computed once here: a Set is shared by concurrent screenings.
	s.defaults = []*Regime{}
	for _, r := range s.list {
		if r.Default {
			s.defaults = append(s.defaults, r)
		}
	}
	return s, nil
}

// Defaults returns the regimes screened when a request names none: those whose
// Default is true, in the order of All.
func (s *Set) Defaults() []*Regime { return s.defaults }

// All returns the regimes in order: built-in first, in the data file's order.
func (s *Set) All() []*Regime { return s.list }

// Get returns the regime with the id, or nil.
func (s *Set) Get(id string) *Regime { return s.byID[id] }

// Has reports whether a regime with the id is loaded.
func (s *Set) Has(id string) bool { return s.byID[id] != nil }

// Records returns the non-built-in regimes as records to store.
func (s *Set) Records(source string) []*model.Record {
	var out []*model.Record
	for _, r := range s.list {
		if !r.Builtin {
			out = append(out, &model.Record{Kind: model.KindRegime, ID: r.ID, Name: r.Name, Spec: r.Spec, Source: source})
		}
	}
	return out
}

// AuthorityOrNil is the regime's authority, nil when not given.
func (r *Regime) AuthorityOrNil() *string {
	if r.Authority == "" {
		return nil
	}
	return &r.Authority
}

// URLOrNil is the regime's reference URL, nil when not given.
func (r *Regime) URLOrNil() *string {
	if r.URL == "" {
		return nil
	}
	return &r.URL
}

// RuleName is the regime's rule kind as text.
func (r *Regime) RuleName() string { return string(r.Rule) }
