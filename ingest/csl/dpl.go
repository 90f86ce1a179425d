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
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/ofac"
	"github.com/keiretsu/keiretsu/internal/model"
)

// FormatDPL is the name of the BIS Denied Persons List format.
const FormatDPL = "bis-dpl"

func init() {
	formats.Register(formats.Format{
		Name:   FormatDPL,
		About:  "BIS Denied Persons List, tab-separated (dpl.txt: Name, Street_Address, ..., FR_Citation); listings under US-BIS-DPL",
		Open:   OpenDPL,
		Detect: DetectDPL,
	})
}

// dplColumns are the columns of dpl.txt, in order.
var dplColumns = []string{"Name", "Street_Address", "City", "State", "Country", "Postal_Code",
	"Effective_Date", "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation"}

const (
	dplName, dplCountry, dplEffective, dplExpiration, dplCitation = 0, 4, 6, 7, 11
	dplList                                                       = "Denied Persons List (DPL) - Bureau of Industry and Security"
)

// DetectDPL claims a file whose first line is the DPL header.
func DetectDPL(path string, head []byte) bool {
	head = bytes.ReplaceAll(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), []byte(`"`), nil)
	return bytes.HasPrefix(head, []byte("Name\tStreet_Address\tCity\tState\tCountry"))
}

// OpenDPL reads a Denied Persons List (dpl.txt).
func OpenDPL(path string, r io.Reader, env formats.Env) (ingest.Source, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = '\t'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: read the DPL header: %w", model.ErrBadInput, err)
	}
	for i, c := range dplColumns {
		if i >= len(header) || strings.TrimSpace(header[i]) != c {
			return nil, fmt.Errorf("%w: the header is not the DPL's (%s)", model.ErrBadInput, strings.Join(dplColumns, ", "))
		}
	}
	return &dplSource{path: path, base: filepath.Base(path), r: cr, regimes: ofac.NewRegimes(env.RegimeKnown), row: 1}, nil
}

// dplRow is one row of dpl.txt: one address of one denied person under one order.
type dplRow struct {
	rec       []string
	line, row int // row counts the header as row 1
}

// dplSource reads dpl.txt. The list has a row per address of a denied person
// (sorted by name): consecutive rows with the same name are one entity, with one
// listing per distinct order (effective date, expiration, citation). It holds one
// group of rows in memory at a time.
type dplSource struct {
	path, base string
	r          *csv.Reader
	regimes    *ofac.Regimes
	row        int     // records read, the header being row 1
	next       *dplRow // the first row of the next group, read ahead
	queue      []ingest.Op
	pendingErr error // an error met while reading ahead, returned after the group before it
	done       bool
}

func (s *dplSource) Name() string { return s.path }

// readRow returns the next row, nil at the end. A bad row is a *ingest.LineError.
func (s *dplSource) readRow() (*dplRow, error) {
	for {
		rec, err := s.r.Read()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		s.row++
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &ingest.LineError{File: s.path, Line: pe.StartLine, Reason: "malformed TSV: " + pe.Err.Error(), Err: pe}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: read: %w", s.path, err)
		}
		line, _ := s.r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(dplColumns) {
			return nil, &ingest.LineError{File: s.path, Line: line,
				Reason: fmt.Sprintf("expected %d columns, got %d", len(dplColumns), len(rec))}
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if rec[dplName] == "" {
			return nil, &ingest.LineError{File: s.path, Line: line, Field: "Name", Reason: "required"}
		}
		return &dplRow{rec: rec, line: line, row: s.row}, nil
	}
}

// Next reads the next operation. A bad row ends the run of rows it is in, so
// that errors and operations come in file order.
func (s *dplSource) Next(op *ingest.Op) error {
	for {
		if len(s.queue) > 0 {
			*op = s.queue[0]
			s.queue = s.queue[1:]
			return nil
		}
		if s.pendingErr != nil {
			err := s.pendingErr
			s.pendingErr = nil
			return err
		}
		if s.done {
			return io.EOF
		}
		first := s.next
		s.next = nil
		if first == nil {
			var err error
			if first, err = s.readRow(); err != nil {
				return err
			}
			if first == nil {
				s.done = true
				continue
			}
		}
		group := []*dplRow{first}
		for {
			row, err := s.readRow()
			var le *ingest.LineError
			if errors.As(err, &le) {
				s.pendingErr = err
				break
			}
			if err != nil {
				return err
			}
			if row == nil {
				s.done = true
				break
			}
			if !strings.EqualFold(row.rec[dplName], first.rec[dplName]) {
				s.next = row
				break
			}
			group = append(group, row)
		}
		var err error
		if s.queue, err = s.group(group, s.queue[:0]); err != nil {
			return err
		}
	}
}

// group appends the operations of one person's rows.
func (s *dplSource) group(rows []*dplRow, out []ingest.Op) ([]ingest.Op, error) {
	first := rows[0]
	name := first.rec[dplName]
	sum := sha256.Sum256([]byte(strings.ToUpper(name)))
	id := "bis-dpl:" + hex.EncodeToString(sum[:8])
	prov := fmt.Sprintf("%s#row %d", s.base, first.row)
	ent := model.Record{Kind: model.KindEntity, ID: id, Name: name, Source: prov, Valid: model.Always}
	for _, r := range rows {
		if cc := ofac.CountryCode(r.rec[dplCountry]); cc != "" {
			ent.Country = cc
			break
		}
	}
	ent.Normalize()
	if err := ent.Validate(nil); err != nil {
		return out, ingest.AtLine(s.path, first.line, err)
	}
	var listings []ingest.Op
	seen := map[string]bool{}
	for _, r := range rows {
		key := r.rec[dplEffective] + "|" + r.rec[dplExpiration] + "|" + r.rec[dplCitation]
		if seen[key] {
			continue
		}
		seen[key] = true
		bad := func(field, format string, args ...any) error {
			return &ingest.LineError{File: s.path, Line: r.line, Field: field, Reason: fmt.Sprintf(format, args...)}
		}
		l := model.Record{Kind: model.KindListing, Src: id, Dst: RegimeDPL, Reference: r.rec[dplCitation],
			Valid: model.Always, Source: fmt.Sprintf("%s#row %d", s.base, r.row)}
		if v := r.rec[dplEffective]; v != "" {
			d, ok := ofac.ParseDate(v)
			if !ok {
				return out, bad("Effective_Date", "%q is not a date", v)
			}
			l.Valid.From = d
		}
		if v := r.rec[dplExpiration]; v != "" {
			d, ok := ofac.ParseDate(v)
			if !ok {
				return out, bad("Expiration_Date", "%q is not a date", v)
			}
			l.Valid.To = d
		}
		l.Normalize()
		if err := l.Validate(func(string) bool { return true }); err != nil {
			return out, ingest.AtLine(s.path, r.line, err)
		}
		listings = append(listings, ingest.Op{Line: r.line, Record: l})
	}
	out = append(out, ingest.Op{Line: first.line, Record: ent})
	out = s.regimes.Need(out, RegimeDPL, programVars(dplList), prov, first.line)
	return append(out, listings...), nil
}
