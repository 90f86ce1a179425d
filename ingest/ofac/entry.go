package ofac

import (
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// list says which OFAC list a file holds, and so how its entries are listed.
type list uint8

const (
	// listSDN: every entry is listed under US-OFAC-SDN.
	listSDN list = iota + 1
	// listCons: the consolidated non-SDN lists; listings by program.
	listCons
)

// entry is one OFAC entry, read from a legacy CSV row (with its sibling rows) or
// from an XML sdnEntry, before it becomes records.
type entry struct {
	file     string // the path, for errors
	source   string // "<file base name>#<ent_num>"
	line     int
	num      string // ent_num / uid
	name     string
	sdnType  string // "individual", "vessel", "aircraft"; anything else is an entity
	programs []string
	text     string // remarks (and, from XML, every identification) searched for directive markers
	items    []item
	aliases  []string
	// countries of the entry's addresses, in file order, as OFAC writes them.
	countries []string
}

// EntityID is the entity id of the OFAC entry with this ent_num (uid). OFAC numbers
// its entries uniquely across the SDN and non-SDN lists, so an entry has the same
// id whichever file (SDN or consolidated, CSV or XML, or the CSL) it comes from.
func EntityID(entNum string) string { return "ofac:" + entNum }

// EntityType maps an OFAC (or CSL) entry type to an entity type: individuals are
// persons; vessels and aircraft, which are property rather than companies, are
// organizations; everything else is a company.
func EntityType(sdnType string) string {
	switch strings.ToLower(strings.TrimSpace(sdnType)) {
	case "individual":
		return model.TypePerson
	case "vessel", "aircraft":
		return model.TypeOrganization
	}
	return model.TypeCompany
}

// Aliases returns the distinct non-empty names of names other than the primary
// name, in order, with white space trimmed.
func Aliases(primary string, names []string) []string {
	var out []string
	seen := map[string]bool{strings.TrimSpace(primary): true}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

// AddIdentifier adds id to ids unless ids already holds one in its scheme: the
// native format keeps one value per scheme, and the first one the source gives wins.
func AddIdentifier(ids []model.Identifier, id model.Identifier) []model.Identifier {
	for _, have := range ids {
		if have.Scheme == id.Scheme {
			return ids
		}
	}
	return append(ids, id)
}

// converter turns entries into operations.
type converter struct {
	list    list
	regimes *Regimes
}

// ops appends the operations of one entry to out: its entity, then for each list
// it is on the regime's definition (when needed) and its listing. An invalid entry
// gives a *ingest.LineError and no operations: every record is validated before
// any is appended.
func (c *converter) ops(e *entry, out []ingest.Op) ([]ingest.Op, error) {
	rec := model.Record{Kind: model.KindEntity, ID: EntityID(e.num), Name: e.name, Type: EntityType(e.sdnType),
		Source: e.source, Valid: model.Always}
	dates := ListingDates{}
	for _, it := range e.items {
		if dates.Add(it.typ, it.value) {
			continue
		}
		if strings.EqualFold(it.typ, "Target Type") {
			if strings.EqualFold(it.value, "Government Entity") && rec.Type != model.TypePerson {
				rec.Type = model.TypeStateBody
			}
			continue
		}
		if id, ok := Identifier(it.typ, it.value, it.country); ok {
			rec.Identifiers = AddIdentifier(rec.Identifiers, id)
		}
	}
	for _, name := range e.countries {
		if cc := CountryCode(name); cc != "" {
			rec.Country = cc
			break
		}
	}
	rec.Aliases = Aliases(e.name, e.aliases)
	rec.Normalize()
	if err := rec.Validate(nil); err != nil {
		return out, ingest.AtLine(e.file, e.line, err)
	}
	var regimes []string
	if c.list == listSDN {
		regimes = []string{RegimeSDN}
	} else {
		regimes = consRegimes(e.programs, e.text, dates)
		if len(regimes) == 0 {
			return out, &ingest.LineError{File: e.file, Line: e.line, Field: "Program",
				Reason: "required: a consolidated entry's lists are known from its programs"}
		}
	}
	listings := make([]ingest.Op, 0, len(regimes))
	for _, id := range regimes {
		l := model.Record{Kind: model.KindListing, Src: rec.ID, Dst: id, Reference: strings.Join(e.programs, "; "),
			Valid: model.Period{From: dates.For(id), To: model.MaxDate}, Source: e.source}
		l.Normalize()
		// The regime is known: this source defines it below when it is not loaded.
		if err := l.Validate(func(string) bool { return true }); err != nil {
			return out, ingest.AtLine(e.file, e.line, err)
		}
		listings = append(listings, ingest.Op{Line: e.line, Record: l})
	}
	out = append(out, ingest.Op{Line: e.line, Record: rec})
	for _, l := range listings {
		out = c.regimes.Need(out, l.Record.Dst, rules.ProgramVars{}, e.source, e.line)
		out = append(out, l)
	}
	return out, nil
}

// listPrograms are the programs that name a consolidated non-SDN list by themselves.
var listPrograms = map[string]string{
	"CMIC-EO13959":    RegimeCMIC,
	"UKRAINE-EO13662": RegimeSSI,
	"NS-PLC":          RegimeNSPLC,
	"561-RELATED":     RegimeCAPTA,
}

// menuPrograms are the programs of the Menu-Based Sanctions list, with the text
// that marks an entry as subject to their menu (directives) rather than carrying
// the program because it is also blocked under it (an SDN designation).
var menuPrograms = map[string][]string{
	"RUSSIA-EO14024":        {"EO 14024 Directive", "Executive Order 14024 Directive"},
	"BURMA-EO14014":         {"EO 14014 Directive", "Executive Order 14014 Directive"},
	"ILLICIT-DRUGS-EO14059": {"Executive Order 14059 information", "EO 14059 Directive"},
	"CAATSA - RUSSIA":       {"CAATSA Section 235"},
}

// consRegimes says on which lists a consolidated (non-SDN) entry is, from its
// programs (doc.go explains the rules):
//   - CMIC-EO13959 -> US-OFAC-CMIC, UKRAINE-EO13662 -> US-OFAC-SSI, NS-PLC ->
//     US-OFAC-NS-PLC, 561-Related -> US-OFAC-CAPTA, FSE-* -> US-OFAC-FSE, any
//     other NS-X -> US-OFAC-NS-X;
//   - a menu-based program (RUSSIA-EO14024, BURMA-EO14014, ILLICIT-DRUGS-EO14059,
//     CAATSA - RUSSIA) -> US-OFAC-NS-MBS when the entry carries that menu's
//     directive information or is on no other list; for EO 14024 a "Listing Date
//     (EO 14024 Directive 2)" means US-OFAC-CAPTA (Directive 2 is the
//     correspondent-account directive), and only the other directives mean NS-MBS;
//   - an entry none of this places gets one listing per program, "US-OFAC-<PROGRAM>".
//
// Other programs (SDGT, SYRIA, VENEZUELA-EO13850...) are SDN programs: they stay
// in the listing's reference.
func consRegimes(programs []string, text string, dates ListingDates) []string {
	var out []string
	add := func(id string) {
		for _, have := range out {
			if have == id {
				return
			}
		}
		out = append(out, id)
	}
	for _, p := range programs {
		p = strings.ToUpper(strings.TrimSpace(p))
		switch {
		case listPrograms[p] != "":
			add(listPrograms[p])
		case strings.HasPrefix(p, "FSE-"):
			add(RegimeFSE)
		case strings.HasPrefix(p, "NS-"):
			add("US-OFAC-" + p)
		}
	}
	onList := len(out) > 0
	for _, p := range programs {
		p = strings.ToUpper(strings.TrimSpace(p))
		markers, ok := menuPrograms[p]
		if !ok {
			continue
		}
		marked := false
		for _, m := range markers {
			if strings.Contains(text, m) {
				marked = true
			}
		}
		if p == "RUSSIA-EO14024" {
			capta, other := false, false
			for tag := range dates {
				if m := directiveTag.FindStringSubmatch(tag); m != nil && m[1] == "14024" {
					if m[2] == "2" {
						capta = true
					} else {
						other = true
					}
				}
			}
			if capta {
				add(RegimeCAPTA)
			}
			if other || !capta && (marked || !onList) {
				add(RegimeNSMBS)
			}
			continue
		}
		if marked || !onList {
			add(RegimeNSMBS)
		}
	}
	if len(out) == 0 {
		for _, p := range programs {
			if id := programRegime(p); id != "" {
				add(id)
			}
		}
	}
	return out
}

// programRegime is "US-OFAC-" and the program code with every run of other
// characters than letters and digits made one "-".
func programRegime(p string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToUpper(p) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "US-OFAC-" + b.String()
}
