package bods

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

type stmtKind uint8

const (
	kindEntity stmtKind = iota + 1
	kindPerson
	kindRelationship
)

// stmt is one statement, 0.4 or 0.2/0.3, in one shape.
type stmt struct {
	item     int
	v04      bool
	kind     stmtKind
	id       string // statementId (0.4) or statementID (0.2)
	date     string // statementDate as given
	recordID string // 0.4
	status   string // 0.4 recordStatus
	version  string // publicationDetails.bodsVersion, when stated
	replaces []string

	d rawDetails

	// relationships
	subject, party   string
	partyUnspecified bool
	interests        []rawInterest
	components       []string
}

type rawStatement struct {
	StatementID        string      `json:"statementID"`
	StatementId        string      `json:"statementId"`
	StatementType      string      `json:"statementType"`
	StatementDate      string      `json:"statementDate"`
	RecordID           string      `json:"recordId"`
	RecordType         string      `json:"recordType"`
	RecordStatus       string      `json:"recordStatus"`
	RecordDetails      *rawDetails `json:"recordDetails"`
	ReplacesStatements []string    `json:"replacesStatements"`
	PublicationDetails *struct {
		BODSVersion string `json:"bodsVersion"`
	} `json:"publicationDetails"`
	rawDetails
}

type rawDetails struct {
	EntityType                 json.RawMessage   `json:"entityType"`
	Name                       string            `json:"name"`
	AlternateNames             []string          `json:"alternateNames"`
	Jurisdiction               *rawJurisdiction  `json:"jurisdiction"`
	IncorporatedInJurisdiction *rawJurisdiction  `json:"incorporatedInJurisdiction"`
	Identifiers                []rawIdentifier   `json:"identifiers"`
	PersonType                 string            `json:"personType"`
	Names                      []rawName         `json:"names"`
	Nationalities              []rawJurisdiction `json:"nationalities"`
	Addresses                  []rawAddress      `json:"addresses"`
	Subject                    json.RawMessage   `json:"subject"`
	InterestedParty            json.RawMessage   `json:"interestedParty"`
	Interests                  []rawInterest     `json:"interests"`
	ComponentRecords           []string          `json:"componentRecords"`
	ComponentStatementIDs      []string          `json:"componentStatementIDs"`
}

type rawJurisdiction struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

// rawAddress is an address: its type (registered, business, service, ...) and
// country, an object {name, code} in 0.4 and a code in 0.2/0.3.
type rawAddress struct {
	Type    string          `json:"type"`
	Country json.RawMessage `json:"country"`
}

// countryCode returns the alpha-2 code an address's country gives, or "".
func (a rawAddress) countryCode() string {
	c := bytes.TrimSpace(a.Country)
	if len(c) == 0 {
		return ""
	}
	var code string
	if c[0] == '"' {
		_ = json.Unmarshal(c, &code)
	} else {
		var j rawJurisdiction
		_ = json.Unmarshal(c, &j)
		code = j.Code
	}
	return countryOf(code)
}

type rawIdentifier struct {
	ID         string `json:"id"`
	Scheme     string `json:"scheme"`
	SchemeName string `json:"schemeName"`
}

type rawName struct {
	Type       string `json:"type"`
	FullName   string `json:"fullName"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

type rawInterest struct {
	Type             string    `json:"type"`
	DirectOrIndirect string    `json:"directOrIndirect"`
	InterestLevel    string    `json:"interestLevel"`
	Share            *rawShare `json:"share"`
	StartDate        string    `json:"startDate"`
	EndDate          string    `json:"endDate"`
}

type rawShare struct {
	Exact            *float64 `json:"exact"`
	Minimum          *float64 `json:"minimum"`
	Maximum          *float64 `json:"maximum"`
	ExclusiveMinimum *float64 `json:"exclusiveMinimum"`
	ExclusiveMaximum *float64 `json:"exclusiveMaximum"`
}

func fieldErr(field, format string, args ...any) error {
	return model.FieldErrorf(field, format, args...)
}

// jsonKind names what JSON a Go type reads.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int64:
		return "a number"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "another value"
}

// parseStatement decodes one statement of either version.
func parseStatement(raw json.RawMessage) (*stmt, error) {
	var rs rawStatement
	if err := json.Unmarshal(raw, &rs); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, fieldErr(strings.TrimPrefix(te.Field, "rawDetails."), "expected %s, not a JSON %s", jsonKind(te.Type), te.Value)
		}
		return nil, fmt.Errorf("malformed statement: %w", err)
	}
	st := &stmt{date: strings.TrimSpace(rs.StatementDate)}
	if rs.PublicationDetails != nil {
		st.version = strings.TrimSpace(rs.PublicationDetails.BODSVersion)
	}
	switch {
	case rs.RecordType != "" || rs.RecordDetails != nil:
		st.v04 = true
		st.id = rs.StatementId
		if st.id == "" {
			st.id = rs.StatementID
		}
		st.recordID = strings.TrimSpace(rs.RecordID)
		st.status = strings.ToLower(strings.TrimSpace(rs.RecordStatus))
		if st.recordID == "" {
			return nil, fieldErr("recordId", "required")
		}
		if rs.RecordDetails == nil {
			return nil, fieldErr("recordDetails", "required")
		}
		st.d = *rs.RecordDetails
		switch rs.RecordType {
		case "entity":
			st.kind = kindEntity
		case "person":
			st.kind = kindPerson
		case "relationship":
			st.kind = kindRelationship
		default:
			return nil, fieldErr("recordType", "%q is not entity, person or relationship", rs.RecordType)
		}
	case rs.StatementType != "":
		st.id = rs.StatementID
		if st.id == "" {
			st.id = rs.StatementId
		}
		st.d = rs.rawDetails
		st.replaces = rs.ReplacesStatements
		switch rs.StatementType {
		case "entityStatement":
			st.kind = kindEntity
		case "personStatement":
			st.kind = kindPerson
		case "ownershipOrControlStatement", "relationshipStatement":
			st.kind = kindRelationship
		default:
			return nil, fieldErr("statementType", "%q is not entityStatement, personStatement or ownershipOrControlStatement", rs.StatementType)
		}
	default:
		return nil, fieldErr("statementType", "required (or recordType and recordDetails in BODS 0.4)")
	}
	st.id = strings.TrimSpace(st.id)
	if st.id == "" {
		if st.v04 {
			return nil, fieldErr("statementId", "required")
		}
		return nil, fieldErr("statementID", "required")
	}
	if st.kind != kindRelationship {
		return st, nil
	}
	var err error
	subjectField, partyField := "subject", "interestedParty"
	if st.v04 {
		subjectField, partyField = "recordDetails.subject", "recordDetails.interestedParty"
	}
	if st.subject, _, err = reference(st.d.Subject, "describedByEntityStatement"); err != nil {
		return nil, fieldErr(subjectField, "%w", err)
	}
	if st.subject == "" {
		return nil, fieldErr(subjectField, "required")
	}
	if st.party, st.partyUnspecified, err = reference(st.d.InterestedParty, "describedByEntityStatement", "describedByPersonStatement"); err != nil {
		return nil, fieldErr(partyField, "%w", err)
	}
	if st.party == "" && !st.partyUnspecified {
		return nil, fieldErr(partyField, "required")
	}
	st.interests = st.d.Interests
	st.components = append(append([]string(nil), st.d.ComponentRecords...), st.d.ComponentStatementIDs...)
	return st, nil
}

// reference reads a reference to a node: a record id string (0.4) or an object
// naming the statement (0.2); an object that names none (0.4 reason, 0.2
// "unspecified") is an unspecified party.
func reference(raw json.RawMessage, keys ...string) (id string, unspecified bool, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, nil
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &id); err != nil {
			return "", false, err
		}
		return strings.TrimSpace(id), false, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", false, errors.New("expected a record id or an object")
	}
	for _, k := range keys {
		if v, ok := obj[k]; ok {
			if err := json.Unmarshal(v, &id); err != nil {
				return "", false, fmt.Errorf("%s: expected a statement id", k)
			}
			if id = strings.TrimSpace(id); id != "" {
				return id, false, nil
			}
		}
	}
	return "", true, nil
}

// groupID identifies a relationship for the chain test: the 0.4 record id or the
// 0.2 statement id (what component lists name).
func (st *stmt) groupID() string {
	if st.v04 {
		return st.recordID
	}
	return st.id
}

// nodeRef is the id other statements use for this node.
func (st *stmt) nodeRef() string { return st.groupID() }

// dateDay is the statement's date as a day (MaxDate when absent or unreadable).
func (st *stmt) dateDay() model.Date {
	if len(st.date) < 10 {
		return model.MaxDate
	}
	d, err := model.ParseDate(st.date[:10])
	if err != nil {
		return model.MaxDate
	}
	return d
}

// indirect reports whether an interest is held through intermediaries.
func (st *stmt) indirect(in *rawInterest) bool {
	d := strings.ToLower(strings.TrimSpace(in.DirectOrIndirect))
	if d == "" {
		d = strings.ToLower(strings.TrimSpace(in.InterestLevel))
	}
	return d == "indirect" || (d != "direct" && len(st.components) > 0)
}

// nodeRecord maps an entity or person statement (without id and source).
// nameless reports a known entity or person that states no name (BODS 0.4
// allows it): the record's name is then empty, for the caller to fill in.
func (st *stmt) nodeRecord() (r model.Record, nameless bool, err error) {
	d := &st.d
	r = model.Record{Kind: model.KindEntity, Type: model.TypeCompany}
	field := func(f string) string {
		if st.v04 {
			return "recordDetails." + f
		}
		return f
	}
	if st.kind == kindPerson {
		r.Type = model.TypePerson
		r.Name, r.Aliases = personNames(d.Names)
		if r.Name == "" {
			switch d.PersonType {
			case "anonymousPerson":
				r.Name = "Anonymous person"
			case "unknownPerson":
				r.Name = "Unknown person"
			default:
				nameless = true
			}
		}
		for _, n := range d.Nationalities {
			if c := countryOf(n.Code); c != "" {
				r.Country = c
				break
			}
		}
		return r, nameless, nil
	}
	typ, err := entityType(d.EntityType)
	if err != nil {
		return r, false, fieldErr(field("entityType"), "%w", err)
	}
	switch typ {
	case "state", "stateBody":
		r.Type = model.TypeStateBody
	case "arrangement":
		r.Type = model.TypeOrganization
	}
	r.Name = strings.TrimSpace(d.Name)
	if r.Name == "" {
		switch typ {
		case "anonymousEntity":
			r.Name = "Anonymous entity"
		case "unknownEntity":
			r.Name = "Unknown entity"
		default:
			nameless = true
		}
	}
	seen := map[string]bool{strings.ToLower(r.Name): true}
	for _, a := range d.AlternateNames {
		if a = strings.TrimSpace(a); a != "" && !seen[strings.ToLower(a)] {
			seen[strings.ToLower(a)] = true
			r.Aliases = append(r.Aliases, a)
		}
	}
	for _, j := range []*rawJurisdiction{d.Jurisdiction, d.IncorporatedInJurisdiction} {
		if j != nil && r.Country == "" {
			r.Country = countryOf(j.Code)
		}
	}
	for _, a := range d.Addresses {
		switch strings.ToLower(strings.TrimSpace(a.Type)) {
		case "registered":
			// Where the register places it, when the jurisdiction is not stated.
			if r.Country == "" {
				r.Country = a.countryCode()
			}
		case "business":
			// The principal place of business: the headquarters.
			if r.HQCountry == "" {
				r.HQCountry = a.countryCode()
			}
		}
	}
	r.Identifiers = identifiers(d.Identifiers)
	return r, nameless, nil
}

// entityType reads the 0.4 object {"type": ...} or the 0.2 string.
func entityType(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var obj struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", errors.New("expected a string or an object with a type")
	}
	return obj.Type, nil
}

// personNames picks a person's name (the legal one, else the first full name) and
// the other names as aliases.
func personNames(names []rawName) (string, []string) {
	full := func(n rawName) string {
		if f := strings.TrimSpace(n.FullName); f != "" {
			return f
		}
		return strings.TrimSpace(strings.TrimSpace(n.GivenName) + " " + strings.TrimSpace(n.FamilyName))
	}
	best := -1
	for i, n := range names {
		if full(n) == "" {
			continue
		}
		if n.Type == "legal" || n.Type == "individual" {
			best = i
			break
		}
		if best < 0 {
			best = i
		}
	}
	if best < 0 {
		return "", nil
	}
	name := full(names[best])
	seen := map[string]bool{strings.ToLower(name): true}
	var aliases []string
	for _, n := range names {
		if f := full(n); f != "" && !seen[strings.ToLower(f)] {
			seen[strings.ToLower(f)] = true
			aliases = append(aliases, f)
		}
	}
	return name, aliases
}

// countryOf returns the ISO 3166 alpha-2 country of a country or subdivision code.
func countryOf(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) > 2 && code[2] == '-' {
		code = code[:2]
	}
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return ""
	}
	return code
}

// registers maps org-id.guide schemes of national company registers to the
// country whose register they are.
var registers = map[string]string{
	"GB-COH": "GB", "FI-PRO": "FI", "DK-CVR": "DK", "NO-BRC": "NO", "SE-BON": "SE", "EE-RIK": "EE",
	"UA-EDR": "UA", "IE-CRO": "IE", "NL-KVK": "NL", "BE-BCE_KBO": "BE", "CZ-ICO": "CZ", "SK-ORSR": "SK",
	"LV-RE": "LV", "LT-RC": "LT", "FR-RCS": "FR", "DE-CR": "DE", "AT-FB": "AT", "CH-FDJP": "CH",
	"NZ-CO": "NZ", "SG-ACRA": "SG", "HK-CR": "HK", "ZA-CIP": "ZA", "IN-MCA": "IN",
}

// identifiers maps BODS identifiers to Keiretsu schemes; the first value of each
// scheme is kept.
func identifiers(ids []rawIdentifier) []model.Identifier {
	var out []model.Identifier
	add := func(scheme, value string) {
		for _, o := range out {
			if o.Scheme == scheme {
				return
			}
		}
		out = append(out, model.Identifier{Scheme: scheme, Value: value})
	}
	for _, id := range ids {
		v := strings.TrimSpace(id.ID)
		if v == "" {
			continue
		}
		scheme := strings.ToUpper(strings.TrimSpace(id.Scheme))
		switch {
		case scheme == "XI-LEI":
			add("lei", strings.ToUpper(v))
		case scheme == "CN-SAIC" && len(v) == 18:
			add("uscc", strings.ToUpper(v))
		case scheme == "CN-SAIC":
			add("registration", "CN:"+v)
		case registers[scheme] != "":
			add("registration", registers[scheme]+":"+v)
		case scheme != "":
			add(strings.ToLower(scheme), v)
		case strings.TrimSpace(id.SchemeName) != "":
			add(slug(id.SchemeName), v)
		}
	}
	return out
}

// slug lower-cases a scheme name and joins its words with dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}
