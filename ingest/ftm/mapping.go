package ftm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

// nodeTypes maps the FtM schemas that become entities to their entity type.
var nodeTypes = map[string]string{
	"Person":       model.TypePerson,
	"Company":      model.TypeCompany,
	"Organization": model.TypeCompany,
	"LegalEntity":  model.TypeCompany,
	"PublicBody":   model.TypeStateBody,
}

// builtinByDataset maps OpenSanctions datasets to the built-in regime whose list
// they publish.
var builtinByDataset = map[string]string{
	"us_ofac_sdn":             "US-OFAC-SDN",
	"eu_fsf":                  "EU-ASSET-FREEZE",
	"gb_hmt_sanctions":        "UK-OFSI",
	"gb_fcdo_sanctions":       "UK-OFSI",
	"us_dod_chinese_milcorps": "US-NDAA24-805",
	"us_dhs_uflpa":            "US-UFLPA",
}

// listDatasets are the datasets that are one list and nothing else: every
// entity in them is on it (the DoD's section 1260H list of Chinese military
// companies, the UFLPA Entity List), whether or not OpenSanctions gives it the
// topic "sanction" (these lists restrict procurement and imports, not assets).
var listDatasets = map[string]bool{"us_dod_chinese_milcorps": true, "us_dhs_uflpa": true}

// builtinRegimes are the built-in regime ids a Sanction or topic listing can
// name; the rules define them.
var builtinRegimes = map[string]bool{
	"US-OFAC-SDN": true, "EU-ASSET-FREEZE": true, "UK-OFSI": true, "US-OFAC-CMIC": true, "US-BIS-ENTITY": true,
	"US-NDAA24-805": true, "US-UFLPA": true,
}

// topicRegime lists entities with the topic "sanction" on datasets without a
// built-in regime (or without datasets).
const topicRegime = "FTM-topic-sanction"

// topicRegimes are every regime a topic listing can name (the values of
// builtinByDataset, then topicRegime), in a fixed order: a finite set, so that MOD
// and DEL can delete the topic listings an entity no longer has.
var topicRegimes = []string{"US-OFAC-SDN", "EU-ASSET-FREEZE", "UK-OFSI", "US-NDAA24-805", "US-UFLPA", topicRegime}

// defaultDataset names the regime of Sanction entities that carry no dataset.
const defaultDataset = "default"

// identifierSchemes maps FtM properties to Keiretsu identifier schemes.
var identifierSchemes = []struct{ prop, scheme string }{
	{"leiCode", "lei"}, {"uscCode", "uscc"}, {"dunsCode", "duns"}, {"registrationNumber", "registration"},
	{"innCode", "inn"}, {"ogrnCode", "ogrn"}, {"okpoCode", "okpo"}, {"swiftBic", "bic"}, {"taxNumber", "tax"},
	{"vatCode", "vat"}, {"cikCode", "cik"}, {"uniqueEntityId", "uei"}, {"bvdId", "bvd"}, {"imoNumber", "imo"},
}

// controlBasis maps FtM Control.controlType values to control bases.
var controlBasis = map[string]string{
	"voting": "voting", "appointment": "board", "management": "dominant_influence", "contractual": "agreement",
	"state": "dominant_influence", "trust": "other", "nominee": "other", "indirect": "other",
}

// values returns a property's values: strings, or the ids of nested entities.
func (e *entityJSON) values(prop string) []string {
	var out []string
	for _, raw := range e.Properties[prop] {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		var v string
		switch raw[0] {
		case '"':
			if json.Unmarshal(raw, &v) != nil {
				continue
			}
		case '{':
			var nested struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(raw, &nested) != nil {
				continue
			}
			v = nested.ID
		default:
			v = string(raw) // a number
		}
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (e *entityJSON) first(props ...string) string {
	for _, p := range props {
		if vs := e.values(p); len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// entity maps one FtM entity by its schema.
func (s *Source) entity(e *entityJSON) {
	switch e.Schema {
	case "Ownership":
		s.ownership(e)
	case "Directorship":
		s.directorship(e)
	case "Control":
		s.control(e)
	case "Sanction":
		s.sanction(e)
	case "":
		s.fail(fieldErr("schema", "required"))
	default:
		if _, ok := nodeTypes[e.Schema]; ok {
			s.node(e)
			return
		}
		s.stats.Ignored++
	}
}

func (s *Source) node(e *entityJSON) {
	r := model.Record{Kind: model.KindEntity, ID: "ftm:" + e.ID, Type: nodeTypes[e.Schema], Source: s.base + "#" + e.ID}
	names := e.values("name")
	r.Name = strings.TrimSpace(e.Caption)
	if r.Name == "" && len(names) > 0 {
		r.Name = names[0]
	}
	if r.Name == "" {
		s.fail(fieldErr("properties.name", "required"))
		return
	}
	seen := map[string]bool{strings.ToLower(r.Name): true}
	for _, p := range []string{"name", "alias", "previousName"} {
		for _, a := range e.values(p) {
			if k := strings.ToLower(a); !seen[k] {
				seen[k] = true
				r.Aliases = append(r.Aliases, a)
			}
		}
	}
	countryProps := []string{"jurisdiction", "country", "mainCountry"}
	if r.Type == model.TypePerson {
		countryProps = []string{"nationality", "citizenship", "country"}
	}
	for _, p := range countryProps {
		for _, c := range e.values(p) {
			if c = strings.ToUpper(c); r.Country == "" && isAlpha2(c) {
				r.Country = c
			}
		}
	}
	for _, m := range identifierSchemes {
		v := e.first(m.prop)
		if v == "" {
			continue
		}
		if m.scheme == "registration" && r.Country != "" {
			v = r.Country + ":" + v // "CC:number", as GLEIF and BODS give it
		}
		r.Identifiers = append(r.Identifiers, model.Identifier{Scheme: m.scheme, Value: v})
	}
	if !s.emit(e.ID, s.line, r) {
		return
	}
	sanctioned := slices.Contains(e.values("topics"), "sanction")
	if sanctioned || slices.ContainsFunc(e.Datasets, func(d string) bool { return listDatasets[d] }) {
		if _, ok := s.topics[e.ID]; !ok {
			s.topicOrder = append(s.topicOrder, e.ID) // may repeat an id forgotten and seen again
		}
		s.topics[e.ID] = topicCandidate{datasets: e.Datasets, line: s.line, sanctioned: sanctioned}
	}
}

func isAlpha2(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// period reads an interest's startDate and endDate (the earliest start and the
// latest end when several are given).
func (e *entityJSON) period(startProps ...string) (model.Period, error) {
	p := model.Always
	for _, prop := range startProps {
		for _, v := range e.values(prop) {
			d, err := parseDay(v, false)
			if err != nil {
				return p, fieldErr("properties."+prop, "%w", err)
			}
			if p.From == model.MinDate || d < p.From {
				p.From = d
			}
		}
		if p.From != model.MinDate {
			break
		}
	}
	ends := e.values("endDate")
	for i, v := range ends {
		d, err := parseDay(v, true)
		if err != nil {
			return p, fieldErr("properties.endDate", "%w", err)
		}
		if i == 0 || d > p.To {
			p.To = d
		}
	}
	if p.From != model.MinDate && p.To != model.MaxDate && p.From >= p.To {
		return p, fieldErr("properties.endDate", "%s is not after startDate %s", p.To, p.From)
	}
	return p, nil
}

// ends reads the two entity references of an interest.
func (s *Source) ends(e *entityJSON, src, dst string) (string, string, bool) {
	a, b := e.first(src), e.first(dst)
	switch {
	case a == "":
		s.fail(fieldErr("properties."+src, "required"))
	case b == "":
		s.fail(fieldErr("properties."+dst, "required"))
	default:
		return "ftm:" + a, "ftm:" + b, true
	}
	return "", "", false
}

func (s *Source) ownership(e *entityJSON) {
	owner, asset, ok := s.ends(e, "owner", "asset")
	if !ok {
		return
	}
	valid, err := e.period("startDate")
	if err != nil {
		s.fail(err)
		return
	}
	share, err := parsePercentages(e.values("percentage"))
	if err != nil {
		s.fail(fieldErr("properties.percentage", "%w", err))
		return
	}
	for _, t := range e.values("ownershipType") {
		if strings.Contains(strings.ToLower(t), "indirect") {
			// Held through others: never adds to a sum of direct holdings.
			if share.Mode != model.ShareUnknown {
				share = model.Share{Min: 0, Max: share.Max, Mode: model.ShareRange}
			}
			break
		}
	}
	s.emit(e.ID, s.line, model.Record{Kind: model.KindOwnership, Src: owner, Dst: asset, Valid: valid, Share: share,
		Source: s.base + "#" + e.ID})
}

func (s *Source) directorship(e *entityJSON) {
	director, org, ok := s.ends(e, "director", "organization")
	if !ok {
		return
	}
	for _, role := range e.values("role") {
		r := strings.ToLower(role)
		if strings.Contains(r, "secretary") || strings.Contains(r, "auditor") {
			s.stats.Ignored++ // a secretary or an auditor does not control the organization
			return
		}
	}
	valid, err := e.period("startDate")
	if err != nil {
		s.fail(err)
		return
	}
	s.emit(e.ID, s.line, model.Record{Kind: model.KindControl, Src: director, Dst: org, Valid: valid, Basis: "board",
		Source: s.base + "#" + e.ID})
}

func (s *Source) control(e *entityJSON) {
	controller, controlled, ok := s.ends(e, "controller", "controlled")
	if !ok {
		return
	}
	valid, err := e.period("startDate")
	if err != nil {
		s.fail(err)
		return
	}
	basis := "other"
	for _, t := range e.values("controlType") {
		if b, ok := controlBasis[strings.ToLower(t)]; ok {
			basis = b
			break
		}
	}
	s.emit(e.ID, s.line, model.Record{Kind: model.KindControl, Src: controller, Dst: controlled, Valid: valid, Basis: basis,
		Source: s.base + "#" + e.ID})
}

func (s *Source) sanction(e *entityJSON) {
	target := e.first("entity")
	if target == "" {
		s.fail(fieldErr("properties.entity", "required"))
		return
	}
	valid, err := e.period("startDate", "listingDate")
	if err != nil {
		s.fail(err)
		return
	}
	regime := s.regime(sanctionRegime(e))
	s.designations[e.ID] = target
	s.emit(e.ID, s.line, model.Record{Kind: model.KindListing, Src: "ftm:" + target, Dst: regime, Valid: valid,
		Reference: e.first("authorityId", "unscId", "programId", "program"), Source: s.base + "#" + e.ID})
}

// sanctionRegime picks the regime of a Sanction entity: CMIC and Entity List
// programs by name, then a dataset with a built-in regime, else the first dataset.
// It returns a regime id or a dataset.
func sanctionRegime(e *entityJSON) string {
	prog := strings.ToLower(strings.Join(append(e.values("program"), e.values("programId")...), " "))
	auth := strings.ToLower(strings.Join(e.values("authority"), " "))
	switch {
	case strings.Contains(prog, "1260h"):
		return "US-NDAA24-805"
	case strings.Contains(prog, "uflpa") || strings.Contains(prog, "uyghur forced labor"):
		return "US-UFLPA"
	case strings.Contains(prog, "cmic") || strings.Contains(prog, "chinese military"):
		return "US-OFAC-CMIC"
	case strings.Contains(prog, "entity list") && (strings.Contains(auth, "industry and security") || slices.Contains(e.Datasets, "us_trade_csl")):
		return "US-BIS-ENTITY"
	}
	for _, d := range e.Datasets {
		if r, ok := builtinByDataset[d]; ok {
			return r
		}
	}
	if len(e.Datasets) > 0 {
		return e.Datasets[0]
	}
	return defaultDataset
}

// regime returns the regime id for a built-in regime id or a dataset, emitting
// the regime record of a dataset (or of topicRegime) that the run does not know yet.
func (s *Source) regime(v string) string {
	if builtinRegimes[v] {
		return v
	}
	id, name, url := "FTM-"+v, "OpenSanctions dataset "+v, "https://www.opensanctions.org/datasets/"+v+"/"
	if v == topicRegime {
		id, name, url = topicRegime, "OpenSanctions topic sanction (lists without a built-in regime)", "https://www.opensanctions.org/docs/topics/"
	}
	if s.regimes[id] || (s.regimeKnown != nil && s.regimeKnown(id)) {
		return id
	}
	spec, _ := json.Marshal(struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Authority string `json:"authority"`
		URL       string `json:"url"`
		Rule      string `json:"rule"`
	}{id, name, "OpenSanctions (FollowTheMoney data)", url, "listed"})
	s.regimes[id] = true
	s.emit("", s.line, model.Record{Kind: model.KindRegime, ID: id, Name: name, Spec: spec, Source: s.base})
	return id
}

// topicListingsOf returns the regimes of a candidate's datasets: the built-in
// regimes they map to, in order, then topicRegime with the other datasets as its
// reference when there are any (or no datasets at all). An entity without the
// topic "sanction" (one of a list dataset) gets the regimes of its list datasets
// only.
func topicListingsOf(c topicCandidate) (regimes []string, others string) {
	var rest []string
	for _, d := range c.datasets {
		if _, ok := builtinByDataset[d]; !ok {
			rest = append(rest, d)
		}
	}
	for _, r := range topicRegimes[:len(topicRegimes)-1] {
		for _, d := range c.datasets {
			if builtinByDataset[d] == r && (c.sanctioned || listDatasets[d]) {
				regimes = append(regimes, r)
				break
			}
		}
	}
	if c.sanctioned && (len(rest) > 0 || len(c.datasets) == 0) {
		regimes = append(regimes, topicRegime)
	}
	return regimes, strings.Join(rest, ",")
}

// topicListings gives, at the end of the file, listings to every entity with the
// topic "sanction" that no Sanction entity of the file designates.
func (s *Source) topicListings() {
	designated := map[string]bool{}
	for _, t := range s.designations {
		designated[t] = true
	}
	done := map[string]bool{}
	for _, id := range s.topicOrder {
		c, ok := s.topics[id]
		if !ok || done[id] || designated[id] {
			continue
		}
		done[id] = true
		s.line = c.line
		regimes, others := topicListingsOf(c)
		for _, r := range regimes {
			ref := ""
			if r == topicRegime {
				ref = others
			}
			if s.emit(id, c.line, model.Record{Kind: model.KindListing, Src: "ftm:" + id, Dst: s.regime(r), Valid: model.Always,
				Reference: ref, Source: s.base + "#" + id}) {
				s.stats.TopicListings++
			}
		}
	}
}

// parsePercentages reads FtM percentage values: "51", "51%", "51.5 %", "51,5",
// ranges "25-50", "25 to 50", bounds ">25", ">=25", "<50", "<=50". A number is a
// percent as written: "0.51" is 0.51%, never 51% (FtM's percentage type holds
// percents, and guessing a fraction would turn 0.5% holdings into 50%). Several
// values give the range that covers them all; none gives an unknown share.
func parsePercentages(vals []string) (model.Share, error) {
	if len(vals) == 0 {
		return model.UnknownShare, nil
	}
	var lo, hi int64 = model.Whole, 0
	for _, v := range vals {
		a, b, err := parsePercent(v)
		if err != nil {
			return model.Share{}, err
		}
		lo, hi = min(lo, a), max(hi, b)
	}
	if lo == hi {
		return model.Share{Min: uint32(lo), Max: uint32(hi), Mode: model.ShareExact}, nil
	}
	return model.Share{Min: uint32(lo), Max: uint32(hi), Mode: model.ShareRange}, nil
}

// parsePercent reads one percentage value as bounds in share units.
func parsePercent(v string) (lo, hi int64, err error) {
	s := strings.TrimSpace(strings.ReplaceAll(v, "\u00a0", " "))
	num := func(t string) (float64, error) {
		t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(t), "%"))
		if strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
			t = strings.Replace(t, ",", ".", 1)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%q is not a percentage", v)
		}
		if f < 0 || f > 100 {
			return 0, fmt.Errorf("%q is outside 0..100", v)
		}
		return f, nil
	}
	units := func(f float64) int64 { return int64(model.ShareFromPercent(f)) }
	for _, op := range []string{">=", "≥", "<=", "≤", ">", "<"} {
		rest, ok := strings.CutPrefix(s, op)
		if !ok {
			continue
		}
		f, err := num(rest)
		if err != nil {
			return 0, 0, err
		}
		switch op {
		case ">=", "≥":
			return units(f), model.Whole, nil
		case ">":
			return min(units(f)+1, model.Whole), model.Whole, nil
		case "<=", "≤":
			return 0, units(f), nil
		default:
			return 0, max(units(f)-1, 0), nil
		}
	}
	for _, sep := range []string{" to ", "–", "—", "-"} {
		if a, b, ok := strings.Cut(s, sep); ok && strings.TrimSpace(a) != "" {
			fa, err := num(a)
			if err != nil {
				return 0, 0, err
			}
			fb, err := num(b)
			if err != nil {
				return 0, 0, err
			}
			if fa > fb {
				return 0, 0, fmt.Errorf("%q is an empty range", v)
			}
			return units(fa), units(fb), nil
		}
	}
	f, err := num(s)
	if err != nil {
		return 0, 0, err
	}
	return units(f), units(f), nil
}

// parseDay reads an FtM date: YYYY-MM-DD, a date-time (its date), or a partial
// date YYYY-MM or YYYY. A partial start is the first day of its period; a partial
// end the day after its period, so the fact holds through the whole of it.
func parseDay(v string, end bool) (model.Date, error) {
	v = strings.TrimSpace(v)
	bad := fmt.Errorf("%q is not a valid date", v)
	switch {
	case len(v) >= 10 && (len(v) == 10 || v[10] == 'T' || v[10] == ' '):
		d, err := model.ParseDate(v[:10])
		if err != nil {
			return 0, bad
		}
		return d, nil
	case len(v) == 7 && v[4] == '-':
		d, err := model.ParseDate(v + "-01")
		if err != nil {
			return 0, bad
		}
		if end {
			d = model.DateOf(d.Time().AddDate(0, 1, 0))
		}
		return d, nil
	case len(v) == 4:
		d, err := model.ParseDate(v + "-01-01")
		if err != nil {
			return 0, bad
		}
		if end {
			d = model.DateOf(d.Time().AddDate(1, 0, 0))
		}
		return d, nil
	}
	return 0, bad
}
