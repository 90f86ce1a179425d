package ofac

import (
	"regexp"
	"strings"
	"sync"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// Regime ids of OFAC's lists. The first two are built in; the others are
// program regimes, defined in the programs section of internal/rules/regimes.json
// (see Regimes).
const (
	RegimeSDN   = "US-OFAC-SDN"
	RegimeCMIC  = "US-OFAC-CMIC"
	RegimeSSI   = "US-OFAC-SSI"
	RegimeNSPLC = "US-OFAC-NS-PLC"
	RegimeNSMBS = "US-OFAC-NS-MBS"
	RegimeFSE   = "US-OFAC-FSE"
	RegimeCAPTA = "US-OFAC-CAPTA"
)

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

// Need appends to out the operation defining program regime id when it is
// neither built in, loaded, nor emitted yet by this source: the definition
// rules.Program gives (vars are what the feed knows of a list regimes.json does
// not name). source and line are the provenance of the listing that needs it.
func (t *Regimes) Need(out []ingest.Op, id string, vars rules.ProgramVars, source string, line int) []ingest.Op {
	if t.emitted[id] || IsBuiltin(id) || t.loaded(id) {
		return out
	}
	name, spec, ok := rules.Program(id, vars)
	if !ok {
		return out // no definition: the listing's regime check reports it
	}
	t.emitted[id] = true
	op := ingest.Op{Line: line, Record: model.Record{Kind: model.KindRegime, ID: id, Name: name,
		Spec: spec, Source: source, Valid: model.Always}}
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
