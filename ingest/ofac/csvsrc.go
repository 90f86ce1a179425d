package ofac

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/keiretsu/keiretsu/ingest"
)

// Columns of the legacy CSV files (OFAC's dat_spec.txt); none has a header row.
const (
	mainColumns    = 12 // ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
	colNum         = 0
	colName        = 1
	colType        = 2
	colProgram     = 3
	colRemarks     = 11
	altColumns     = 5 // ent_num, alt_num, alt_type, alt_name, alt_remarks
	addColumns     = 6 // ent_num, Add_num, Address, City/State/Postal, Country, Add_remarks
	commentColumns = 2 // ent_num, Remarks (continued)
)

// siblingNames are the files read with a main file, found in its directory.
type siblingNames struct{ alt, add, comments string }

var (
	sdnSiblings  = siblingNames{"alt", "add", "sdn_comments"}
	consSiblings = siblingNames{"cons_alt", "cons_add", "cons_comments"}
)

// siblingFiles returns the names a sibling of the main file base may have:
// the main file's name with its stem (sdn, cons_prim) replaced by the
// sibling's, in the same case (SDN_2025-05.csv -> ALT_2025-05.csv), then the
// sibling's plain name (alt.csv).
func siblingFiles(base, stem, sibling string) []string {
	plain := sibling + ".csv"
	if len(base) < len(stem) || !strings.EqualFold(base[:len(stem)], stem) {
		return []string{plain}
	}
	name := sibling
	if base[:len(stem)] == strings.ToUpper(base[:len(stem)]) {
		name = strings.ToUpper(sibling)
	}
	if name += base[len(stem):]; name == plain {
		return []string{plain}
	}
	return []string{name, plain}
}

// siblings is what the sibling files say, by ent_num.
type siblings struct {
	aliases   map[string][]string
	countries map[string][]string
	comments  map[string]string
	errs      []error // bad sibling rows and missing siblings, reported before the main file's rows
}

// csvSource reads a legacy main file (sdn.csv, cons_prim.csv) row by row.
type csvSource struct {
	path, base string
	r          *csv.Reader
	conv       converter
	sib        siblings
	queue      []ingest.Op
	done       bool
}

func (s *csvSource) Name() string { return s.path }

// newCSVSource reads the main file from r and loads its siblings from the
// directory of path (none for stdin).
func newCSVSource(path string, r io.Reader, l list, regimes *Regimes) (*csvSource, error) {
	s := &csvSource{path: path, base: filepath.Base(path), r: newCSVReader(r), conv: converter{list: l, regimes: regimes}}
	names, stem := sdnSiblings, "sdn"
	if l == listCons {
		names, stem = consSiblings, "cons_prim"
	}
	var err error
	if s.sib, err = loadSiblings(path, stem, names); err != nil {
		return nil, err
	}
	return s, nil
}

// newCSVReader reads OFAC's CSV dialect: no header, a varying number of fields
// (checked by the caller), an optional UTF-8 byte order mark.
func newCSVReader(r io.Reader) *csv.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

// Next reads the next operation.
func (s *csvSource) Next(op *ingest.Op) error {
	for {
		if len(s.sib.errs) > 0 {
			err := s.sib.errs[0]
			s.sib.errs = s.sib.errs[1:]
			return err
		}
		if len(s.queue) > 0 {
			*op = s.queue[0]
			s.queue = s.queue[1:]
			return nil
		}
		if s.done {
			return io.EOF
		}
		rec, line, err := readRow(s.r, s.path)
		if errors.Is(err, io.EOF) {
			s.done = true
			continue
		}
		if err != nil {
			return err
		}
		if rec == nil {
			continue
		}
		remarks := ""
		if len(rec) > colRemarks {
			remarks = rec[colRemarks]
		}
		e, err := s.entry(clean(rec), remarks, line)
		if err != nil {
			return err
		}
		s.queue, err = s.conv.ops(e, s.queue[:0])
		if err != nil {
			return err
		}
	}
}

// readRow reads one CSV row and the line it starts on. It returns a nil row for
// rows to skip: blank ones and OFAC's end-of-file line (a lone 0x1A byte). A row
// the CSV syntax rejects (an unterminated quote...) is a *ingest.LineError;
// reading goes on after it.
func readRow(r *csv.Reader, path string) ([]string, int, error) {
	rec, err := r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, &ingest.LineError{File: path, Line: pe.StartLine, Reason: "malformed CSV: " + pe.Err.Error(), Err: pe}
		}
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		return nil, 0, fmt.Errorf("%s: read: %w", path, err)
	}
	line, _ := r.FieldPos(0)
	if len(rec) == 1 && strings.Trim(rec[0], " \t\x1a") == "" {
		return nil, line, nil
	}
	return rec, line, nil
}

// latin1 returns s, or when s is not UTF-8, s read as Latin-1.
func latin1(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	rs := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		rs[i] = rune(s[i])
	}
	return string(rs)
}

// clean applies field to every value of a row.
func clean(rec []string) []string {
	for i, f := range rec {
		rec[i] = field(f)
	}
	return rec
}

// field cleans one value: text that is not UTF-8 is read as Latin-1 (older OFAC
// files), white space is trimmed, and OFAC's null marker "-0-" (also "-0" where a
// file was cut short after it) becomes "".
func field(s string) string {
	s = strings.TrimSpace(latin1(s))
	if s == "-0-" || s == "-0" {
		return ""
	}
	return s
}

// entry reads a main-file row; remarks is its Remarks column as written.
func (s *csvSource) entry(rec []string, remarks string, line int) (*entry, error) {
	bad := func(field, format string, args ...any) error {
		return &ingest.LineError{File: s.path, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if len(rec) != mainColumns {
		return nil, bad("", "expected %d columns (ent_num, SDN_Name, SDN_Type, Program, ..., Remarks), got %d", mainColumns, len(rec))
	}
	num := rec[colNum]
	if !allDigits(num) {
		return nil, bad("ent_num", "%q is not a number", num)
	}
	if rec[colName] == "" {
		return nil, bad("SDN_Name", "required")
	}
	e := &entry{file: s.path, source: s.base + "#" + num, line: line, num: num, name: rec[colName],
		sdnType: rec[colType], programs: splitPrograms(rec[colProgram]),
		aliases: s.sib.aliases[num], countries: s.sib.countries[num]}
	// Remarks longer than the column continue in the comments file, mid-word:
	// join them as written, then clean.
	e.text = field(latin1(nullMarker(remarks)) + s.sib.comments[num])
	e.items = parseRemarks(e.text)
	e.aliases = slices.Concat(e.aliases, remarkAliases(e.text))
	return e, nil
}

// nullMarker returns "" for OFAC's null marker and s otherwise, untrimmed.
func nullMarker(s string) string {
	if t := strings.TrimSpace(s); t == "-0-" || t == "-0" {
		return ""
	}
	return s
}

// splitPrograms splits OFAC's program column: "UKRAINE-EO13662] [RUSSIA-EO14024".
func splitPrograms(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "] [") {
		p = strings.TrimSpace(strings.Trim(strings.TrimSpace(p), "[]"))
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// loadSiblings reads the alias, address and comment files beside the main file
// into memory, keyed by ent_num: they are small next to it (the SDN list's are
// about 1.2 MB together). A sibling that does not exist is skipped: the entries
// then have no aliases, countries or continued remarks, and a missing alias or
// address file is a warning (as is reading the main file from standard input).
func loadSiblings(path, stem string, names siblingNames) (siblings, error) {
	sib := siblings{aliases: map[string][]string{}, countries: map[string][]string{}, comments: map[string]string{}}
	if path == "-" {
		sib.errs = append(sib.errs, ingest.Warnf(path, 0, "", "read from standard input, without %s.csv and %s.csv: entries are loaded without their aliases and countries",
			names.alt, names.add))
		return sib, nil
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	var missing []string
	read := func(name string, columns int, use func(rec []string)) error {
		var f *os.File
		var p string
		var err error
		candidates := siblingFiles(base, stem, name)
		for _, c := range candidates {
			p = filepath.Join(dir, c)
			if f, err = os.Open(p); !errors.Is(err, os.ErrNotExist) {
				break
			}
		}
		if errors.Is(err, os.ErrNotExist) {
			if name != names.comments {
				missing = append(missing, strings.Join(candidates, " (or ")+strings.Repeat(")", len(candidates)-1))
			}
			return nil
		}
		if err != nil {
			return err
		}
		defer f.Close()
		r := newCSVReader(f)
		for {
			rec, line, err := readRow(r, p)
			if errors.Is(err, io.EOF) {
				return nil
			}
			var le *ingest.LineError
			if errors.As(err, &le) {
				sib.errs = append(sib.errs, le)
				continue
			}
			if err != nil {
				return err
			}
			if rec == nil {
				continue
			}
			if len(rec) != columns {
				sib.errs = append(sib.errs, &ingest.LineError{File: p, Line: line,
					Reason: fmt.Sprintf("expected %d columns, got %d", columns, len(rec))})
				continue
			}
			rec[0] = field(rec[0])
			if !allDigits(rec[0]) {
				sib.errs = append(sib.errs, &ingest.LineError{File: p, Line: line, Field: "ent_num",
					Reason: fmt.Sprintf("%q is not a number", rec[0])})
				continue
			}
			use(rec)
		}
	}
	if err := read(names.alt, altColumns, func(rec []string) {
		if name := field(rec[3]); name != "" {
			sib.aliases[rec[0]] = append(sib.aliases[rec[0]], name)
		}
	}); err != nil {
		return sib, err
	}
	if err := read(names.add, addColumns, func(rec []string) {
		if country := field(rec[4]); country != "" {
			sib.countries[rec[0]] = append(sib.countries[rec[0]], country)
		}
	}); err != nil {
		return sib, err
	}
	if err := read(names.comments, commentColumns, func(rec []string) {
		sib.comments[rec[0]] += latin1(nullMarker(rec[1]))
	}); err != nil {
		return sib, err
	}
	if len(missing) > 0 {
		lost := "aliases and countries"
		if len(missing) == 1 && strings.HasPrefix(strings.ToLower(missing[0]), names.alt) {
			lost = "aliases"
		} else if len(missing) == 1 {
			lost = "countries"
		}
		w := ingest.Warnf(path, 0, "", "%s not found beside it: entries are loaded without their %s", strings.Join(missing, " and "), lost)
		sib.errs = append([]error{w}, sib.errs...)
	}
	return sib, nil
}
