package csl

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/ofac"
	"github.com/keiretsu/keiretsu/internal/model"
)

// Format is the name of the Consolidated Screening List format.
const Format = "csl"

func init() {
	formats.Register(formats.Format{
		Name: Format,
		About: "US Consolidated Screening List CSV (trade.gov; the 2019 header and the current one with _id); " +
			"listings by source list (Entity List under US-BIS-ENTITY, SDN under US-OFAC-SDN, ...)",
		Open:   Open,
		Detect: Detect,
	})
}

// Headers of the two layouts start with these columns.
var (
	headerCurrent = "_id,source,entity_number,type,programs,name,"
	header2019    = "source,entity_number,type,programs,name,"
)

// Detect claims a CSV file whose first line is a CSL header.
func Detect(path string, head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	return bytes.HasPrefix(head, []byte(headerCurrent)) || bytes.HasPrefix(head, []byte(header2019))
}

// Open reads a CSL CSV file. The header names the columns; "source" and "name"
// are required, the others are used when present.
func Open(path string, r io.Reader, env formats.Env) (ingest.Source, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: read the CSL header: %w", model.ErrBadInput, err)
	}
	s := &source{path: path, base: filepath.Base(path), r: cr, header: slices.Clone(header), col: map[string]int{},
		regimes: ofac.NewRegimes(env.RegimeKnown), row: 1}
	for i, h := range header {
		s.col[strings.TrimSpace(h)] = i
	}
	for _, c := range []string{"source", "name"} {
		if _, ok := s.col[c]; !ok {
			return nil, fmt.Errorf("%w: the header has no %q column (is this a CSL file?)", model.ErrBadInput, c)
		}
	}
	_, s.current = s.col["_id"]
	return s, nil
}

// source reads a CSL file row by row.
type source struct {
	path, base string
	r          *csv.Reader
	header     []string
	col        map[string]int
	current    bool // the current layout (with _id): ids written "type, number, country"
	regimes    *ofac.Regimes
	queue      []ingest.Op
	row        int // CSV records read, the header being row 1
	pending    *pendingRecord
	done       bool
}

func (s *source) Name() string { return s.path }

// Next reads the next operation.
func (s *source) Next(op *ingest.Op) error {
	for {
		if len(s.queue) > 0 {
			*op = s.queue[0]
			s.queue = s.queue[1:]
			return nil
		}
		if s.done {
			return io.EOF
		}
		rec, line, err := s.read()
		if errors.Is(err, io.EOF) {
			s.done = true
			continue
		}
		if err != nil {
			return err
		}
		if slices.Equal(rec, s.header) {
			continue // a repeated header (the 2023 subset has one as its second row)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(s.header) {
			return &ingest.LineError{File: s.path, Line: line,
				Reason: fmt.Sprintf("expected %d columns as in the header, got %d", len(s.header), len(rec))}
		}
		s.queue, err = s.ops(rec, line, s.queue[:0])
		if err != nil {
			return err
		}
	}
}

// read returns the next CSV record and the line it starts on. A record the CSV
// syntax rejects is a *ingest.LineError; reading goes on after it. When the
// file ends inside a quoted field, the error says the file was cut short.
func (s *source) read() ([]string, int, error) {
	if p := s.pending; p != nil {
		s.pending = nil
		s.row++
		return p.rec, p.line, nil
	}
	rec, err := s.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, io.EOF
	}
	s.row++
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		reason := "malformed CSV: " + pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrQuote) {
			// Look ahead: is this the end of the file?
			next, err := s.r.Read()
			switch {
			case errors.Is(err, io.EOF):
				reason = "the file ends inside a quoted field of this row: it was cut short, and the row is incomplete"
			case err == nil:
				line, _ := s.r.FieldPos(0)
				s.pending = &pendingRecord{rec: slices.Clone(next), line: line}
			}
		}
		return nil, 0, &ingest.LineError{File: s.path, Line: pe.StartLine, Reason: reason}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%s: read: %w", s.path, err)
	}
	line, _ := s.r.FieldPos(0)
	return rec, line, nil
}

// pendingRecord is a record read ahead of its turn.
type pendingRecord struct {
	rec  []string
	line int
}

// get returns a column's trimmed value, "" when the file has no such column.
func (s *source) get(rec []string, name string) string {
	if i, ok := s.col[name]; ok && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// ops appends the operations of one row: its entity, the definition of its
// regime when needed, and its listing.
func (s *source) ops(rec []string, line int, out []ingest.Op) ([]ingest.Op, error) {
	bad := func(field, format string, args ...any) error {
		return &ingest.LineError{File: s.path, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	list := s.get(rec, "source")
	regime, treasury, ok := regimeOf(list)
	if !ok {
		return out, bad("source", "%q names no list this format knows (no abbreviation in parentheses)", list)
	}
	name := s.get(rec, "name")
	if name == "" {
		return out, bad("name", "required")
	}
	rowID := s.get(rec, "_id")
	prov := s.base + "#" + rowID
	if rowID == "" {
		prov = fmt.Sprintf("%s#row %d", s.base, s.row)
	}
	addresses := s.get(rec, "addresses")
	var id string
	switch num := s.get(rec, "entity_number"); {
	case treasury && num != "":
		if strings.Trim(num, "0123456789") != "" {
			return out, bad("entity_number", "%q is not a number", num)
		}
		id = ofac.EntityID(num)
	case rowID != "":
		id = "csl:" + rowID
	default:
		sum := sha256.Sum256([]byte(list + "\x1f" + name + "\x1f" + addresses))
		id = "csl:" + hex.EncodeToString(sum[:8])
	}

	ent := model.Record{Kind: model.KindEntity, ID: id, Name: name, Type: ofac.EntityType(s.get(rec, "type")),
		Source: prov, Valid: model.Always}
	for _, a := range splitList(s.get(rec, "alt_names")) {
		ent.Aliases = append(ent.Aliases, a)
	}
	ent.Aliases = ofac.Aliases(name, ent.Aliases)
	for _, a := range splitList(addresses) {
		parts := strings.Split(a, ",")
		if cc := ofac.CountryCode(parts[len(parts)-1]); cc != "" {
			ent.Country = cc
			break
		}
	}
	dates := ofac.ListingDates{}
	for _, entry := range splitList(s.get(rec, "ids")) {
		typ, number, country := s.splitID(entry)
		if dates.Add(typ, number) {
			continue
		}
		if strings.EqualFold(typ, "Target Type") {
			if strings.EqualFold(number, "Government Entity") && ent.Type != model.TypePerson {
				ent.Type = model.TypeStateBody
			}
			continue
		}
		if ident, ok := ofac.Identifier(typ, number, country); ok {
			ent.Identifiers = ofac.AddIdentifier(ent.Identifiers, ident)
		}
	}
	ent.Normalize()
	if err := ent.Validate(nil); err != nil {
		return out, ingest.AtLine(s.path, line, err)
	}

	l := model.Record{Kind: model.KindListing, Src: id, Dst: regime, Valid: model.Always, Source: prov}
	var refs []string
	for _, r := range []string{s.get(rec, "programs"), s.get(rec, "federal_register_notice")} {
		if r != "" {
			refs = append(refs, r)
		}
	}
	l.Reference = strings.Join(refs, "; ")
	if v := s.get(rec, "start_date"); v != "" {
		d, ok := ofac.ParseDate(v)
		if !ok {
			return out, bad("start_date", "%q is not a date", v)
		}
		l.Valid.From = d
	} else {
		l.Valid.From = dates.For(regime)
	}
	if v := s.get(rec, "end_date"); v != "" {
		d, ok := ofac.ParseDate(v)
		if !ok {
			return out, bad("end_date", "%q is not a date", v)
		}
		l.Valid.To = d
	}
	l.Normalize()
	// The row's regime is known: this source defines it below when it is not loaded.
	if err := l.Validate(func(string) bool { return true }); err != nil {
		return out, ingest.AtLine(s.path, line, err)
	}
	out = append(out, ingest.Op{Line: line, Record: ent})
	out = s.regimes.Need(out, regime, programVars(list), prov, line)
	return append(out, ingest.Op{Line: line, Record: l}), nil
}

// splitList splits a "; "-separated column into its trimmed, non-empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// splitID splits one entry of the ids column. The current layout writes "type,
// number[, country[, date issued]]" ("Unified Social Credit Code (USCC),
// 914403001922038216, CN"); the 2019 one "[country, ]number, type" ("CO, 1978075,
// Matricula Mercantil No", "IMO 8898831, Vessel Registration Identification").
func (s *source) splitID(entry string) (typ, number, country string) {
	parts := strings.Split(entry, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) < 2 {
		return "", "", ""
	}
	if s.current {
		typ, number = parts[0], parts[1]
		if len(parts) > 2 && ofac.IsCountryCode(parts[2]) {
			country = parts[2]
		}
		return typ, number, country
	}
	typ = parts[len(parts)-1]
	rest := parts[:len(parts)-1]
	if len(rest) > 1 && ofac.IsCountryCode(rest[0]) {
		country, rest = rest[0], rest[1:]
	}
	return typ, strings.Join(rest, ", "), country
}
