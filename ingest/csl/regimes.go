package csl

import (
	"strings"

	"github.com/keiretsu/keiretsu/ingest/ofac"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// Regime ids of the CSL's non-OFAC lists (the OFAC ones are package ofac's).
// The Entity List's is built in; the others are program regimes, defined in
// internal/rules/regimes.json.
const (
	RegimeEntityList = "US-BIS-ENTITY"
	RegimeDPL        = "US-BIS-DPL"
	RegimeUVL        = "US-BIS-UVL"
	RegimeMEU        = "US-BIS-MEU"
	RegimeISN        = "US-STATE-ISN"
	RegimeDTC        = "US-STATE-DTC"
)

// listRegimes maps the abbreviation a CSL source names its list with (the text in
// parentheses, upper case, without a trailing " LIST") to a regime id.
var listRegimes = map[string]string{
	"SDN":    ofac.RegimeSDN,   // Specially Designated Nationals (SDN) - Treasury Department
	"EL":     RegimeEntityList, // Entity List (EL) - Bureau of Industry and Security
	"CMIC":   ofac.RegimeCMIC,  // Non-SDN Chinese Military-Industrial Complex Companies List (CMIC)
	"SSI":    ofac.RegimeSSI,   // Sectoral Sanctions Identifications List (SSI)
	"PLC":    ofac.RegimeNSPLC, // Palestinian Legislative Council List (PLC)
	"NS-PLC": ofac.RegimeNSPLC, //
	"NS-MBS": ofac.RegimeNSMBS, // Non-SDN Menu-Based Sanctions List (NS-MBS List)
	"FSE":    ofac.RegimeFSE,   // Foreign Sanctions Evaders (FSE)
	"CAP":    ofac.RegimeCAPTA, // Capta List (CAP)
	"CAPTA":  ofac.RegimeCAPTA, //
	"DPL":    RegimeDPL,        // Denied Persons List (DPL) - Bureau of Industry and Security
	"UVL":    RegimeUVL,        // Unverified List (UVL) - Bureau of Industry and Security
	"MEU":    RegimeMEU,        // Military End User (MEU) List - Bureau of Industry and Security
	"ISN":    RegimeISN,        // Nonproliferation Sanctions (ISN) - State Department
	"DTC":    RegimeDTC,        // ITAR Debarred (DTC) - State Department
}

// programVars are what a CSL source says of a list regimes.json does not name
// (its name and agency), for its program regime's template.
func programVars(list string) rules.ProgramVars {
	name, agency, _ := strings.Cut(list, " - ")
	return rules.ProgramVars{List: strings.TrimSpace(name), Agency: strings.TrimSpace(agency)}
}

// regimeOf returns the regime of a CSL source ("Entity List (EL) - Bureau of
// Industry and Security") and whether the list is OFAC's (Treasury's). A list
// not in listRegimes gets an id from its agency and abbreviation: US-OFAC-<X>
// (Treasury), US-BIS-<X> (Commerce), US-STATE-<X> (State), else US-CSL-<X>. It
// reports false when the source has no abbreviation in parentheses.
func regimeOf(list string) (id string, treasury, ok bool) {
	_, agency, _ := strings.Cut(list, ") - ")
	if agency == "" {
		if i := strings.LastIndex(list, " - "); i >= 0 {
			agency = list[i+3:]
		}
	}
	treasury = strings.Contains(agency, "Treasury")
	open := strings.IndexByte(list, '(')
	closing := strings.IndexByte(list, ')')
	if open < 0 || closing < open+2 {
		return "", treasury, false
	}
	abbr := strings.ToUpper(strings.TrimSpace(list[open+1 : closing]))
	abbr = strings.TrimSpace(strings.TrimSuffix(abbr, " LIST"))
	if id, ok := listRegimes[abbr]; ok {
		return id, treasury, true
	}
	var b strings.Builder
	for _, r := range abbr {
		switch {
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	code := strings.TrimSuffix(b.String(), "-")
	if code == "" {
		return "", treasury, false
	}
	switch {
	case treasury:
		return "US-OFAC-" + code, true, true
	case strings.Contains(agency, "Industry and Security") || strings.Contains(agency, "Commerce"):
		return "US-BIS-" + code, false, true
	case strings.Contains(agency, "State"):
		return "US-STATE-" + code, false, true
	}
	return "US-CSL-" + code, false, true
}
