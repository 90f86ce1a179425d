package gleif

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/internal/model"
)

func init() {
	formats.Register(formats.Format{
		Name:  "gleif",
		About: "GLEIF LEI records and Level 2 relationship records (API JSON; the full downloads: LEI-CDF, RR-CDF and reporting-exception XML, golden-copy JSON and CSV)",
		Open: func(path string, r io.Reader, env formats.Env) (ingest.Source, error) {
			return NewSource(path, r), nil
		},
		Detect: Detect,
	})
}

// Detect reports whether a file's content is GLEIF's: API JSON (a "data" member
// holding lei-records, relationship-records or reporting-exceptions, or the API's
// meta.goldenCopy or links when the page holds no records), golden-copy
// JSON (elements such as "LEI" with their text under "$"), LEI-CDF, RR-CDF or
// reporting-exception XML (in GLEIF's namespaces), or a golden-copy CSV header.
func Detect(_ string, head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		if isGoldenJSON(t) {
			return true
		}
		if !bytes.Contains(t, []byte(`"data"`)) {
			return false
		}
		for _, typ := range []string{"lei-records", "relationship-records", "reporting-exceptions"} {
			if containsJSONMember(t, "type", typ) {
				return true
			}
		}
		// A page with no records still has the API's meta or links.
		return emptyData.Match(t) && (bytes.Contains(t, []byte(`"goldenCopy"`)) || bytes.Contains(t, []byte("api.gleif.org/api/")))
	}
	if len(t) > 0 && t[0] == '<' {
		return bytes.Contains(t, []byte("http://www.gleif.org/data/schema/")) &&
			(bytes.Contains(t, []byte("LEIData")) || bytes.Contains(t, []byte("RelationshipData")) || bytes.Contains(t, []byte("ReportingExceptionData")))
	}
	line, _, _ := bytes.Cut(t, []byte("\n"))
	return csvKindOf(splitHeader(string(line))) != csvUnknown
}

// emptyData matches an API page's empty "data" array.
var emptyData = regexp.MustCompile(`"data"\s*:\s*\[\s*\]`)

// containsJSONMember reports whether b holds "key":"value" (with optional spaces).
func containsJSONMember(b []byte, key, value string) bool {
	k := []byte(`"` + key + `"`)
	for i := 0; ; {
		j := bytes.Index(b[i:], k)
		if j < 0 {
			return false
		}
		rest := bytes.TrimLeft(b[i+j+len(k):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			rest = bytes.TrimLeft(rest[1:], " \t\r\n")
			if bytes.HasPrefix(rest, []byte(`"`+value+`"`)) {
				return true
			}
		}
		i += j + len(k)
	}
}

// Stats counts what a source read, by outcome.
type Stats struct {
	LEIRecords          int // entity records emitted
	Relationships       int // relationship records read
	Control             int // control edges emitted
	SameAs              int // same_as links emitted (international branches)
	Deleted             int // delete operations emitted (records marked deleted)
	SkippedFund         int // fund relationships (no edge)
	SkippedAnnulled     int // relationship records with registration status ANNULLED
	ReportingExceptions int // reporting exceptions (no record)
	Rejected            int // records returned as *ingest.LineError
}

// Source reads one GLEIF file.
type Source struct {
	name, base string
	br         *bufio.Reader
	started    bool
	queue      []result
	rows       filler // the streamed rows or records of a CSV, CDF XML or golden-copy JSON file
	stats      Stats
}

// filler streams the records of a file: fill queues results until it has queued
// one or the file ends, and then sets s.rows to nil.
type filler interface {
	fill(s *Source) error
}

type result struct {
	op  ingest.Op
	err error
}

// NewSource reads GLEIF API JSON or golden-copy CSV from r; name is the file name
// used in errors, and its base name prefixes every record's source.
func NewSource(name string, r io.Reader) *Source {
	return &Source{name: name, base: filepath.Base(name), br: bufio.NewReaderSize(r, 1<<16)}
}

// Name returns the file name.
func (s *Source) Name() string { return s.name }

// Stats returns the counts so far (complete after Next returned io.EOF).
func (s *Source) Stats() Stats { return s.stats }

// Next returns the next operation, a *ingest.LineError for a bad record (reading
// may go on), or io.EOF.
func (s *Source) Next(op *ingest.Op) error {
	if !s.started {
		s.started = true
		if err := s.start(); err != nil {
			var le *ingest.LineError
			if errors.As(err, &le) {
				s.stats.Rejected++
			}
			return err
		}
	}
	for len(s.queue) == 0 {
		if s.rows == nil {
			return io.EOF
		}
		if err := s.rows.fill(s); err != nil {
			return err
		}
	}
	res := s.queue[0]
	s.queue = s.queue[1:]
	if res.err != nil {
		s.stats.Rejected++
		return res.err
	}
	*op = res.op
	return nil
}

func (s *Source) start() error {
	for {
		b, err := s.br.Peek(1)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil // an empty file holds nothing
			}
			return fmt.Errorf("%s: read: %w", s.name, err)
		}
		switch b[0] {
		case 0xef:
			if bom, _ := s.br.Peek(3); string(bom) == "\xef\xbb\xbf" {
				_, _ = s.br.Discard(3)
				continue
			}
		case ' ', '\t', '\r', '\n':
			_, _ = s.br.Discard(1)
			continue
		case '<':
			s.rows = newXMLSource(s.br)
			return nil
		case '{', '[':
			if head, _ := s.br.Peek(1 << 16); isGoldenJSON(head) {
				s.rows = newGoldenJSONSource(s.br)
				return nil
			}
			return s.readAPI()
		}
		cs, err := newCSVSource(s.br)
		if err != nil {
			return &ingest.LineError{File: s.name, Line: 1, Reason: err.Error(), Err: err}
		}
		s.rows = cs
		return nil
	}
}

// emit queues a record after normalizing and validating it.
func (s *Source) emit(line int, r model.Record, del bool) {
	r.Normalize()
	if !del {
		if err := r.Validate(nil); err != nil {
			s.fail(line, err)
			return
		}
	}
	switch {
	case del:
		s.stats.Deleted++
	case r.Kind == model.KindEntity:
		s.stats.LEIRecords++
	case r.Kind == model.KindControl:
		s.stats.Control++
	case r.Kind == model.KindSameAs:
		s.stats.SameAs++
	}
	s.queue = append(s.queue, result{op: ingest.Op{Delete: del, Record: r, Line: line}})
}

func (s *Source) fail(line int, err error) {
	s.queue = append(s.queue, result{err: ingest.AtLine(s.name, line, err)})
}

func fieldErr(field, format string, args ...any) error {
	return model.FieldErrorf(field, format, args...)
}

// entity is what an LEI record says, from either encoding.
type entity struct {
	lei, name                  string
	others                     []string
	jurisdiction, legalCountry string
	hqCountry                  string // the headquarters address's country
	category                   string
	registeredAs               string
	bic, ocid, qcc, spglobal   string
	leiField, nameField        string // field names for errors
}

// entityRecord maps an LEI record to an entity.
func (s *Source) entityRecord(line int, e *entity) {
	lei := strings.ToUpper(strings.TrimSpace(e.lei))
	if lei == "" {
		s.fail(line, fieldErr(e.leiField, "required"))
		return
	}
	name := strings.TrimSpace(e.name)
	if name == "" {
		s.fail(line, fieldErr(e.nameField, "required"))
		return
	}
	r := model.Record{Kind: model.KindEntity, ID: "lei:" + lei, Name: name, Type: model.TypeCompany,
		Source: s.base + "#" + lei}
	switch strings.ToUpper(e.category) {
	case "RESIDENT_GOVERNMENT_ENTITY":
		r.Type = model.TypeStateBody
	case "INTERNATIONAL_ORGANIZATION":
		r.Type = model.TypeOrganization
	}
	r.Country = countryOf(e.jurisdiction)
	if r.Country == "" {
		r.Country = countryOf(e.legalCountry)
	}
	r.HQCountry = countryOf(e.hqCountry)
	seen := map[string]bool{strings.ToLower(name): true}
	for _, o := range e.others {
		o = strings.TrimSpace(o)
		if o != "" && !seen[strings.ToLower(o)] {
			seen[strings.ToLower(o)] = true
			r.Aliases = append(r.Aliases, o)
		}
	}
	r.Identifiers = append(r.Identifiers, model.Identifier{Scheme: "lei", Value: lei})
	if reg := strings.TrimSpace(e.registeredAs); reg != "" {
		// A register number means something only with its register's place.
		place := strings.ToUpper(strings.TrimSpace(e.jurisdiction))
		if place == "" {
			place = countryOf(e.legalCountry)
		}
		if place != "" {
			r.Identifiers = append(r.Identifiers, model.Identifier{Scheme: "registration", Value: place + ":" + reg})
		}
	}
	for _, id := range []model.Identifier{{Scheme: "bic", Value: e.bic}, {Scheme: "opencorporates", Value: e.ocid},
		{Scheme: "qcc", Value: e.qcc}, {Scheme: "spglobal", Value: e.spglobal}} {
		if v := strings.TrimSpace(id.Value); v != "" {
			r.Identifiers = append(r.Identifiers, model.Identifier{Scheme: id.Scheme, Value: v})
		}
	}
	s.emit(line, r, false)
}

// countryOf returns the ISO 3166 alpha-2 country of a country or subdivision code
// ("US-DE" -> "US"), or "".
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

// period is one period of a relationship record.
type period struct {
	start, end, typ string
}

// relationship is what a relationship record says, from either encoding.
type relationship struct {
	recordID           string
	start, startType   string // child
	end, endType       string // parent
	typ, status        string
	periods            []period
	validTo            string
	registrationStatus string
	lastUpdate         string
	deleted            bool
	// field names for errors
	startField, endField, startTypeField, endTypeField, periodsField, typField string
}

// relationshipRecord maps a relationship record to an edge.
func (s *Source) relationshipRecord(line int, rel *relationship) {
	s.stats.Relationships++
	if rel.start == "" {
		s.fail(line, fieldErr(rel.startField, "required"))
		return
	}
	if rel.end == "" {
		s.fail(line, fieldErr(rel.endField, "required"))
		return
	}
	for _, t := range []struct{ field, v string }{{rel.startTypeField, rel.startType}, {rel.endTypeField, rel.endType}} {
		if t.v != "" && !strings.EqualFold(t.v, "LEI") {
			s.fail(line, fieldErr(t.field, "node type %q is not LEI", t.v))
			return
		}
	}
	child, parent := "lei:"+strings.ToUpper(rel.start), "lei:"+strings.ToUpper(rel.end)
	var kind model.Kind
	var basis, reason string
	switch typ := strings.ToUpper(rel.typ); typ {
	case "IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY":
		kind, basis = model.KindControl, "consolidation"
	case "IS_INTERNATIONAL_BRANCH_OF":
		kind, reason = model.KindSameAs, "GLEIF "+typ
	case "IS_FUND-MANAGED_BY", "IS_SUBFUND_OF", "IS_FEEDER_TO":
		s.stats.SkippedFund++
		return
	case "":
		s.fail(line, fieldErr(rel.typField, "required"))
		return
	default:
		s.fail(line, fieldErr(rel.typField, "unknown relationship type %q", rel.typ))
		return
	}
	if strings.EqualFold(rel.registrationStatus, "ANNULLED") {
		s.stats.SkippedAnnulled++
		return
	}
	inactive := strings.EqualFold(rel.status, "INACTIVE")
	var periods []model.Period
	for _, p := range rel.periods {
		if !strings.EqualFold(p.typ, "RELATIONSHIP_PERIOD") {
			continue
		}
		per := model.Always
		if p.start != "" {
			d, err := parseDate(p.start)
			if err != nil {
				s.fail(line, fieldErr(rel.periodsField, "startDate: %w", err))
				return
			}
			per.From = d
		}
		if p.end != "" {
			d, err := parseDate(p.end)
			if err != nil {
				s.fail(line, fieldErr(rel.periodsField, "endDate: %w", err))
				return
			}
			per.To = d
		}
		periods = append(periods, per)
	}
	if len(periods) == 0 {
		periods = []model.Period{model.Always}
	}
	for _, per := range periods {
		if inactive && per.To == model.MaxDate && !rel.deleted {
			for _, v := range []string{rel.validTo, rel.lastUpdate} {
				if v == "" {
					continue
				}
				d, err := parseDate(v)
				if err != nil {
					s.fail(line, fieldErr("validTo", "%w", err))
					return
				}
				per.To = d
				break
			}
		}
		r := model.Record{Kind: kind, Src: parent, Dst: child, Valid: per, Basis: basis, Reason: reason,
			Source: s.base + "#" + rel.recordID}
		s.emit(line, r, rel.deleted)
	}
}
