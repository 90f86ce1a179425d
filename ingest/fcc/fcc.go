package fcc

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/ofac"
	"github.com/keiretsu/keiretsu/internal/model"
)

// Format is the name of the FCC Covered List format.
const Format = "fcc"

// Regime is the built-in regime of the FCC Covered List.
const Regime = "US-FCC-COVERED"

// Columns of the table.
const (
	colText = "covered_equipment_or_services"
	colDate = "date_of_inclusion_on_covered_list"
)

func init() {
	formats.Register(formats.Format{
		Name:   Format,
		About:  "FCC Covered List table (covered_equipment_or_services, date_of_inclusion_on_covered_list); listings under US-FCC-COVERED",
		Open:   Open,
		Detect: Detect,
	})
}

var bom = []byte("\xef\xbb\xbf")

// Detect claims a CSV file whose header is the Covered List table's.
func Detect(path string, head []byte) bool {
	return bytes.HasPrefix(bytes.TrimPrefix(head, bom), []byte(colText+","+colDate))
}

// Open reads a Covered List table.
func Open(path string, r io.Reader, env formats.Env) (ingest.Source, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: read the header: %w", model.ErrBadInput, err)
	}
	s := &Source{path: path, base: filepath.Base(path), r: cr, text: -1, date: -1, row: 1, known: env.RegimeKnown}
	for i, h := range header {
		switch strings.TrimSpace(h) {
		case colText:
			s.text = i
		case colDate:
			s.date = i
		}
	}
	if s.text < 0 || s.date < 0 {
		return nil, fmt.Errorf("%w: the header needs the columns %s and %s", model.ErrBadInput, colText, colDate)
	}
	return s, nil
}

// Source reads a Covered List table row by row.
type Source struct {
	path, base string
	r          *csv.Reader
	text, date int
	known      func(string) bool
	row        int // CSV records read, the header being row 1
	queue      []ingest.Op
	skipped    []int
	done       bool
}

// Name returns the file name.
func (s *Source) Name() string { return s.path }

// Skipped lists the rows (numbered as Source's provenance numbers them) that
// name no entity: the Covered List also covers kinds of equipment whatever their
// producer (foreign-produced drones, routers, inverters...), which have no
// entity to list.
func (s *Source) Skipped() []int { return s.skipped }

// Next reads the next operation.
func (s *Source) Next(op *ingest.Op) error {
	for {
		if len(s.queue) > 0 {
			*op = s.queue[0]
			s.queue = s.queue[1:]
			return nil
		}
		if s.done {
			return io.EOF
		}
		rec, err := s.r.Read()
		if errors.Is(err, io.EOF) {
			s.done = true
			continue
		}
		s.row++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &ingest.LineError{File: s.path, Line: pe.StartLine, Reason: "malformed CSV: " + pe.Err.Error(), Err: pe}
			}
			return fmt.Errorf("%s: read: %w", s.path, err)
		}
		line, _ := s.r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) <= max(s.text, s.date) {
			return &ingest.LineError{File: s.path, Line: line, Reason: fmt.Sprintf("expected %d columns, got %d", max(s.text, s.date)+1, len(rec))}
		}
		s.queue, err = s.ops(strings.TrimSpace(rec[s.text]), strings.TrimSpace(rec[s.date]), line, s.queue[:0])
		if err != nil {
			return err
		}
	}
}

// firstDate finds the first "Month D, YYYY" of a date cell; the UAS row runs
// several together ("December 22, 2025Updated:January 7, 2026...") and the first
// is the inclusion.
var firstDate = regexp.MustCompile(`(January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},\s*\d{4}`)

func (s *Source) ops(text, date string, line int, out []ingest.Op) ([]ingest.Op, error) {
	bad := func(field, format string, args ...any) error {
		return &ingest.LineError{File: s.path, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if text == "" {
		return out, bad(colText, "required")
	}
	m := firstDate.FindString(date)
	if m == "" {
		return out, bad(colDate, "%q holds no date such as \"March 12, 2021\"", date)
	}
	from, ok := ofac.ParseDate(strings.Join(strings.Fields(m), " "))
	if !ok {
		return out, bad(colDate, "%q is not a date", m)
	}
	names := EntityNames(text)
	if len(names) == 0 {
		s.skipped = append(s.skipped, s.row)
		return out, nil
	}
	prov := fmt.Sprintf("%s#row %d", s.base, s.row)
	var recs []model.Record
	for _, name := range names {
		if slug(name) == "" {
			return out, bad(colText, "the entity name %q has no letters or digits", name)
		}
		id := "fcc:" + slug(name)
		recs = append(recs,
			model.Record{Kind: model.KindEntity, ID: id, Name: name, Source: prov, Valid: model.Always},
			model.Record{Kind: model.KindListing, Src: id, Dst: Regime, Reference: text, Categories: Categories(text),
				Valid: model.Period{From: from, To: model.MaxDate}, Source: prov})
	}
	if sub, ok := WhollyOwned(text); ok {
		recs = append(recs, model.Record{Kind: model.KindOwnership, Src: "fcc:" + slug(sub[0]), Dst: "fcc:" + slug(sub[1]),
			Share: model.Exact(100), Valid: model.Always, Source: prov})
	}
	for i := range recs {
		recs[i].Normalize()
		if err := recs[i].Validate(s.known); err != nil {
			return out, ingest.AtLine(s.path, line, err)
		}
	}
	for _, r := range recs {
		out = append(out, ingest.Op{Line: line, Record: r})
	}
	return out, nil
}

// byEntity finds the producer or provider a row names: the words after
// "produced by", "provided by", "produced or provided by", "supplied, directly
// or indirectly, by", up to the clause that follows the name.
var byEntity = regexp.MustCompile(`\b(?:produced|provided|supplied)(?: or provided)?(?:,? directly or indirectly,?)? by (.+?)(?:,? including\b|,? to the extent\b|,? or any of its\b|,? subject to\b|\.?$)`)

// andSubsidiary splits "Pacific Networks Corp and its wholly-owned subsidiary
// ComNet (USA) LLC" into its two companies.
var andSubsidiary = regexp.MustCompile(`\s+and its (wholly[- ]owned )?subsidiary\s+`)

// EntityNames returns the companies a Covered List row names, or none when the
// row covers a kind of equipment whatever its producer. A row naming a company
// and "its (wholly-owned) subsidiary" gives both.
func EntityNames(text string) []string {
	m := byEntity.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	var out []string
	for _, n := range andSubsidiary.Split(m[1], -1) {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// WhollyOwned returns the parent and the subsidiary of a row that names a
// company "and its wholly-owned subsidiary".
func WhollyOwned(text string) ([2]string, bool) {
	m := byEntity.FindStringSubmatch(text)
	if m == nil {
		return [2]string{}, false
	}
	parts := andSubsidiary.FindStringSubmatchIndex(m[1])
	if parts == nil || parts[2] < 0 { // no "wholly-owned"
		return [2]string{}, false
	}
	return [2]string{strings.TrimSpace(m[1][:parts[0]]), strings.TrimSpace(m[1][parts[1]:])}, true
}

// slug is the lower-case words of a name joined by "-": "China Telecom
// (Americas) Corp." -> "china-telecom-americas-corp".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
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

// Categories returns the product categories a row's scope limits its listing to:
// the video surveillance rows (Hytera, Hikvision, Dahua) cover "video surveillance
// and telecommunications equipment ... to the extent it is used for the purpose
// of public safety ...", which Keiretsu's categories express as telecom and
// video_surveillance. Other rows (Huawei, ZTE: all telecommunications equipment;
// services; software) get none, so they count for every product.
func Categories(text string) []string {
	if strings.Contains(strings.ToLower(text), "video surveillance") {
		return []string{"telecom", "video_surveillance"}
	}
	return nil
}
