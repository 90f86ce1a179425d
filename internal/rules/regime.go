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

// Regime is one restriction list and its rule.
type Regime struct {
	ID        string
	Name      string
	Authority string
	URL       string
	Rule      RuleKind
	Control   ControlEffect
	// Thresholds in force, by ascending From (the first has From = MinDate).
	Thresholds []Threshold
	// Applies lists when the regime applies at all; before (or between) these
	// periods it catches nothing. Empty means always.
	Applies []model.Period
	// RuleWindows lists when the rule beyond listed entities is in force; outside
	// them only listed entities are caught. Empty means always.
	RuleWindows []model.Period
	// StateBodyCaution makes an affiliate relationship through a state body CAUTION.
	StateBodyCaution bool
	// NonEssentialCaution turns an EXPOSED or POSSIBLE product of the closure into
	// CAUTION when every component edge into it is non-essential (section 889).
	NonEssentialCaution bool
	// Builtin is true for the regimes shipped in the binary.
	Builtin bool
	// Spec is the regime's definition as JSON, as given.
	Spec []byte
}

// AppliesOn reports whether the regime applies on day d.
func (r *Regime) AppliesOn(d model.Date) bool { return inPeriods(r.Applies, d) }

// RuleInForce reports whether the regime's rule beyond listed entities is in force on d.
func (r *Regime) RuleInForce(d model.Date) bool {
	return r.Rule != RuleListed && inPeriods(r.RuleWindows, d)
}

// ThresholdOn returns the threshold in force on d.
func (r *Regime) ThresholdOn(d model.Date) Threshold {
	t := Threshold{Units: 50 * 1_000_000, Inclusive: true}
	for _, th := range r.Thresholds {
		if th.From <= d {
			t = th
		}
	}
	return t
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

type regimeJSON struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	Authority        string          `json:"authority"`
	URL              string          `json:"url"`
	Rule             RuleKind        `json:"rule"`
	Thresholds       []thresholdJSON `json:"thresholds"`
	Control          ControlEffect   `json:"control"`
	Applies          []periodJSON    `json:"applies"`
	RuleWindows      []periodJSON    `json:"ruleWindows"`
	StateBodyCaution *bool           `json:"stateBodyCaution"`
	NonEssential     *bool           `json:"nonEssentialCaution"`
	Note             string          `json:"note"`
}

type fileJSON struct {
	About   string            `json:"about"`
	Regimes []json.RawMessage `json:"regimes"`
}

// Builtin returns the built-in regimes.
func Builtin() []*Regime {
	rs, err := ParseFile("regimes.json", builtinJSON, true)
	if err != nil {
		panic("built-in regimes: " + err.Error())
	}
	return rs
}

// LoadFile reads a regimes file (the built-in format: {"regimes": [...]} or a bare array).
func LoadFile(path string) ([]*Regime, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read regimes: %w", err)
	}
	return ParseFile(path, b, false)
}

// ParseFile parses a regimes file; name is used in error messages.
func ParseFile(name string, b []byte, builtin bool) ([]*Regime, error) {
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
	}
	var out []*Regime
	seen := map[string]bool{}
	for i, raw := range raws {
		r, err := ParseSpec(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: regime #%d: %w", name, i+1, err)
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("%s: regime #%d: %w: duplicate id %q", name, i+1, model.ErrBadInput, r.ID)
		}
		seen[r.ID] = true
		r.Builtin = builtin
		out = append(out, r)
	}
	return out, nil
}

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
	r := &Regime{ID: j.ID, Name: j.Name, Authority: j.Authority, URL: j.URL, Rule: j.Rule, Control: j.Control,
		Spec: compactJSON(raw)}
	if r.Name == "" {
		r.Name = r.ID
	}
	switch r.Rule {
	case RuleListed, RuleAggregate, RulePerPerson, RuleAffiliate:
	case "":
		return nil, bad("rule", "required (listed, aggregate, per_person or affiliate)")
	default:
		return nil, bad("rule", "%q is not one of listed, aggregate, per_person, affiliate", r.Rule)
	}
	switch r.Control {
	case "":
		r.Control = ControlNone
		if r.Rule == RulePerPerson {
			r.Control = ControlCatch
		}
	case ControlNone, ControlCaution, ControlCatch:
	default:
		return nil, bad("control", "%q is not one of none, caution, catch", r.Control)
	}
	for i, t := range j.Thresholds {
		th := Threshold{From: model.MinDate, Inclusive: true}
		if t.From != "" {
			d, err := model.ParseDate(t.From)
			if err != nil {
				return nil, bad(fmt.Sprintf("thresholds[%d].from", i), "%v", err)
			}
			th.From = d
		}
		if t.Percent == nil || *t.Percent < 0 || *t.Percent > 100 {
			return nil, bad(fmt.Sprintf("thresholds[%d].percent", i), "required, 0..100")
		}
		th.Units = uint64(model.ShareFromPercent(*t.Percent))
		if t.Inclusive != nil {
			th.Inclusive = *t.Inclusive
		}
		r.Thresholds = append(r.Thresholds, th)
	}
	slices.SortStableFunc(r.Thresholds, func(a, b Threshold) int { return int(a.From) - int(b.From) })
	if (r.Rule == RuleAggregate || r.Rule == RulePerPerson) && len(r.Thresholds) == 0 {
		return nil, bad("thresholds", "required for rule %s", r.Rule)
	}
	var err error
	if r.Applies, err = parsePeriods("applies", j.Applies); err != nil {
		return nil, err
	}
	if r.RuleWindows, err = parsePeriods("ruleWindows", j.RuleWindows); err != nil {
		return nil, err
	}
	r.StateBodyCaution = r.Rule == RuleAffiliate
	if j.StateBodyCaution != nil {
		r.StateBodyCaution = *j.StateBodyCaution
	}
	if j.NonEssential != nil {
		r.NonEssentialCaution = *j.NonEssential
	}
	return r, nil
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
	list []*Regime
	byID map[string]*Regime
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
	return s, nil
}

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
