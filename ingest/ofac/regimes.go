package ofac

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// Regime ids of OFAC's lists. The first two are built in
// (internal/rules/regimes.json); the others are defined by the formats that use
// them (see OFACRegime and Regimes).
const (
	RegimeSDN     = "US-OFAC-SDN"
	RegimeCMIC    = "US-OFAC-CMIC"
	RegimeSSI     = "US-OFAC-SSI"
	RegimeNSPLC   = "US-OFAC-NS-PLC"
	RegimeNSMBS   = "US-OFAC-NS-MBS"
	RegimeFSE     = "US-OFAC-FSE"
	RegimeCAPTA   = "US-OFAC-CAPTA"
	ofacAuthority = "US Treasury, Office of Foreign Assets Control"
	ofacNonSDN    = "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists"
)

// RegimeDef is the definition of a regime that is not built in: what a format
// stores (as a model.KindRegime record) before the first listing that names it.
// Such a regime catches its listed entities only, unless FiftyPercent: OFAC applies
// its 50 percent rule to the SSI, NS-MBS and CAPTA lists too (entities owned 50%
// or more, in aggregate, by listed persons are subject to the same directives).
type RegimeDef struct {
	ID, Name, Authority, URL string
	FiftyPercent             bool
}

type thresholdSpec struct {
	Percent   float64 `json:"percent"`
	Inclusive bool    `json:"inclusive"`
}

// Spec is the definition as the regime file format (rules.ParseSpec) reads it.
func (d RegimeDef) Spec() []byte {
	rule, note := "listed", "defined by Keiretsu's list ingest formats: listed entities only"
	var thresholds []thresholdSpec
	if d.FiftyPercent {
		rule, note = "aggregate", "defined by Keiretsu's list ingest formats: OFAC's 50 percent rule applies"
		thresholds = []thresholdSpec{{Percent: 50, Inclusive: true}}
	}
	b, _ := json.Marshal(struct {
		ID         string          `json:"id"`
		Name       string          `json:"name"`
		Authority  string          `json:"authority,omitempty"`
		Rule       string          `json:"rule"`
		Thresholds []thresholdSpec `json:"thresholds,omitempty"`
		URL        string          `json:"url,omitempty"`
		Note       string          `json:"note"`
	}{d.ID, d.Name, d.Authority, rule, thresholds, d.URL, note})
	return b
}

var ofacRegimes = map[string]RegimeDef{
	RegimeSSI: {RegimeSSI, "US OFAC Sectoral Sanctions Identifications List (SSI)",
		ofacAuthority + " (EO 13662 directives)", ofacNonSDN, true},
	RegimeNSPLC: {RegimeNSPLC, "US OFAC Non-SDN Palestinian Legislative Council List (NS-PLC)", ofacAuthority, ofacNonSDN, false},
	RegimeNSMBS: {RegimeNSMBS, "US OFAC Non-SDN Menu-Based Sanctions List (NS-MBS)",
		ofacAuthority + " (EO 14024, EO 14014, EO 14059 directives; CAATSA section 235)", ofacNonSDN, true},
	RegimeFSE: {RegimeFSE, "US OFAC Foreign Sanctions Evaders List (FSE)", ofacAuthority, ofacNonSDN, false},
	RegimeCAPTA: {RegimeCAPTA, "US OFAC Correspondent Account or Payable-Through Account Sanctions List (CAPTA)",
		ofacAuthority + " (31 CFR 561; EO 14024 Directive 2)", ofacNonSDN, true},
}

// OFACRegime returns the definition of a non-built-in OFAC regime id: the
// non-SDN lists (US-OFAC-SSI, US-OFAC-NS-PLC, US-OFAC-NS-MBS, US-OFAC-FSE,
// US-OFAC-CAPTA) and the ids made for programs this package does not know
// ("US-OFAC-<PROGRAM>").
func OFACRegime(id string) RegimeDef {
	if d, ok := ofacRegimes[id]; ok {
		return d
	}
	return RegimeDef{ID: id, Name: "US OFAC " + strings.TrimPrefix(id, "US-OFAC-") + " (non-SDN program)",
		Authority: ofacAuthority, URL: ofacNonSDN}
}

var builtin = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, r := range rules.Builtin() {
		m[r.ID] = true
	}
	return m
})

// IsBuiltin reports whether a regime id is one of the built-in regimes.
func IsBuiltin(id string) bool { return builtin()[id] }

// Regimes tracks the regimes a source's listings name: it gives the definition of
// each regime that is neither built in nor already loaded, once, to emit before
// the first listing that names it. A source's listings are therefore valid
// whatever regimes the run has loaded.
type Regimes struct {
	loaded  func(string) bool
	emitted map[string]bool
}

// NewRegimes tracks regimes for a run in which loaded says which regimes are
// loaded (built in, stored by earlier runs or given with --regimes); nil means
// only the built-in ones.
func NewRegimes(loaded func(string) bool) *Regimes {
	if loaded == nil {
		loaded = IsBuiltin
	}
	return &Regimes{loaded: loaded, emitted: map[string]bool{}}
}

// Need appends to out the operation defining the regime when it is neither built
// in, loaded, nor emitted yet by this source; def gives its definition. source and
// line are the provenance of the listing that needs it.
func (t *Regimes) Need(out []ingest.Op, id string, def func(string) RegimeDef, source string, line int) []ingest.Op {
	if t.emitted[id] || IsBuiltin(id) || t.loaded(id) {
		return out
	}
	t.emitted[id] = true
	d := def(id)
	op := ingest.Op{Line: line, Record: model.Record{Kind: model.KindRegime, ID: d.ID, Name: d.Name,
		Spec: d.Spec(), Source: source, Valid: model.Always}}
	op.Record.Normalize()
	return append(out, op)
}

// ListingDates are the listing dates an entry's remarks (or identification list)
// give, keyed by the tag in parentheses: "CMIC" for "Listing Date (CMIC) 03 Jun
// 2021", "EO 14024 Directive 3" for "Listing Date (EO 14024 Directive 3): 24 Feb 2022".
type ListingDates map[string]model.Date

var directiveTag = regexp.MustCompile(`^EO (\d+) Directive (\w+)$`)

// For returns the listing date of the entry on the list of regime id, or
// model.MinDate when the source gives none: US-OFAC-CMIC takes "Listing Date
// (CMIC)"; US-OFAC-CAPTA takes "EO 14024 Directive 2" (the CAPTA directive);
// US-OFAC-NS-MBS takes the earliest listing date under any other directive.
func (d ListingDates) For(id string) model.Date {
	switch id {
	case RegimeCMIC:
		if v, ok := d["CMIC"]; ok {
			return v
		}
	case RegimeCAPTA:
		if v, ok := d["EO 14024 Directive 2"]; ok {
			return v
		}
	case RegimeNSMBS:
		first := model.MinDate
		for tag, v := range d {
			if tag == "EO 14024 Directive 2" || !directiveTag.MatchString(tag) {
				continue
			}
			if first == model.MinDate || v < first {
				first = v
			}
		}
		return first
	}
	return model.MinDate
}

// Add records one identification of the type "Listing Date (tag)" (as remarks,
// the XML idList and the CSL ids column give them) with its date text; it reports
// whether typ was a listing date. Of two dates for one tag the earlier is kept.
func (d ListingDates) Add(typ, value string) bool {
	tag, ok := strings.CutPrefix(strings.TrimSpace(typ), "Listing Date (")
	if !ok {
		return false
	}
	tag, _, ok = strings.Cut(tag, ")")
	if !ok {
		return false
	}
	if date, ok := ParseDate(value); ok {
		if old, seen := d[tag]; !seen || date < old {
			d[tag] = date
		}
	}
	return true
}
