package ftm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/internal/model"
)

func init() {
	formats.Register(formats.Format{
		Name:  "ftm",
		About: "FollowTheMoney entities as JSON Lines (OpenSanctions exports and their delta files)",
		Open: func(path string, r io.Reader, env formats.Env) (ingest.Source, error) {
			return NewSource(path, r, env.RegimeKnown), nil
		},
		Detect: Detect,
	})
}

// Detect reports whether a file's first line is an FtM entity (an object with
// "schema" and "properties") or an FtM delta line ({"op": "ADD"|"MOD"|"DEL",
// "entity": {...}}).
func Detect(_ string, head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	first, _, _ := bytes.Cut(t, []byte("\n"))
	var l struct {
		Op         string          `json:"op"`
		Entity     json.RawMessage `json:"entity"`
		Schema     string          `json:"schema"`
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(first, &l); err != nil {
		// A first line longer than the head: look for the members instead.
		return hasMember(first, "schema", '"') && hasMember(first, "properties", '{')
	}
	if l.Schema != "" && len(l.Properties) > 0 {
		return true
	}
	_, isOp := deltaOps[strings.ToUpper(l.Op)]
	return isOp && len(l.Entity) > 0 && l.Entity[0] == '{'
}

// hasMember reports whether b holds the member "key": followed by a value that
// starts with c.
func hasMember(b []byte, key string, c byte) bool {
	k := []byte(`"` + key + `"`)
	for i := 0; ; {
		j := bytes.Index(b[i:], k)
		if j < 0 {
			return false
		}
		i += j + len(k)
		rest := bytes.TrimLeft(b[i:], " \t")
		if len(rest) > 0 && rest[0] == ':' {
			if rest = bytes.TrimLeft(rest[1:], " \t"); len(rest) > 0 && rest[0] == c {
				return true
			}
		}
	}
}

var deltaOps = map[string]struct{}{"ADD": {}, "MOD": {}, "DEL": {}}

// Stats counts what a source read, by outcome.
type Stats struct {
	Lines     int // non-blank lines read
	Entities  int // entity records emitted
	Ownership int // ownership edges emitted
	Control   int // control edges emitted (Directorship, Control)
	Listings  int // listings emitted, from Sanction entities and from topics
	// TopicListings counts the listings (within Listings) given to entities with
	// the topic "sanction" that no Sanction entity in the file designates.
	TopicListings int
	Regimes       int // regime records emitted for datasets without a built-in regime
	Deletes       int // delete operations emitted (delta files)
	Ignored       int // entities of schemas that give no record (Address, Vessel, ...)
	Rejected      int // lines returned as *ingest.LineError
	// Replaced counts the edges that share their key with an edge another FtM
	// entity of the file gave (each reported as a replacing *ingest.Warning).
	Replaced int
}

// Source reads one FtM JSON Lines file.
type Source struct {
	name, base  string
	br          *bufio.Reader
	buf         []byte
	line        int
	regimeKnown func(string) bool
	queue       []result
	done        bool
	stats       Stats

	regimes map[string]bool // regime ids emitted by this source
	// topic candidates: entities with the topic "sanction", in file order
	topicOrder []string
	topics     map[string]topicCandidate
	// designations: Sanction entity id -> designated entity id
	designations map[string]string
	// emitted: what each FtM id of a delta line gave, for MOD and DEL later in
	// the file (not kept for plain exports, which hold no MOD or DEL)
	emitted map[string][]model.Key
	delta   bool // the current line is a delta line
	// edges: the FtM entity that gave each edge key of the file, to report a
	// record that replaces another's
	edges map[model.Key]edgeFrom
}

type topicCandidate struct {
	datasets []string
	line     int
	// sanctioned: the entity has the topic "sanction" (else it is a candidate
	// for being in a list dataset)
	sanctioned bool
}

type result struct {
	op  ingest.Op
	err error
}

// NewSource reads FtM entities from r; name is the file name used in errors, and
// its base name prefixes every record's source. regimeKnown says whether a regime
// id is loaded (nil accepts any); ids of regimes this source defines are known too.
func NewSource(name string, r io.Reader, regimeKnown func(string) bool) *Source {
	return &Source{name: name, base: filepath.Base(name), br: bufio.NewReaderSize(r, 1<<16), regimeKnown: regimeKnown,
		regimes: map[string]bool{}, topics: map[string]topicCandidate{}, designations: map[string]string{},
		emitted: map[string][]model.Key{}, edges: map[model.Key]edgeFrom{}}
}

// Name returns the file name.
func (s *Source) Name() string { return s.name }

// Stats returns the counts so far (complete after Next returned io.EOF).
func (s *Source) Stats() Stats { return s.stats }

// Next returns the next operation, a *ingest.LineError for a bad line or an
// *ingest.Warning for a record that replaces another of the file (reading may go
// on), or io.EOF.
func (s *Source) Next(op *ingest.Op) error {
	for len(s.queue) == 0 {
		if s.done {
			return io.EOF
		}
		line, err := s.readLine()
		if errors.Is(err, io.EOF) {
			s.done = true
			s.topicListings()
			continue
		}
		if err != nil {
			return err
		}
		s.line++
		if s.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		s.stats.Lines++
		s.parseLine(line)
	}
	res := s.queue[0]
	s.queue = s.queue[1:]
	if res.err != nil {
		return res.err
	}
	*op = res.op
	return nil
}

func (s *Source) readLine() ([]byte, error) {
	s.buf = s.buf[:0]
	for {
		chunk, err := s.br.ReadSlice('\n')
		s.buf = append(s.buf, chunk...)
		switch {
		case err == nil:
			return bytes.TrimRight(s.buf, "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(s.buf) == 0 {
				return nil, io.EOF
			}
			return bytes.TrimRight(s.buf, "\r\n"), nil
		default:
			return nil, fmt.Errorf("%s: read: %w", s.name, err)
		}
	}
}

func fieldErr(field, format string, args ...any) error {
	return model.FieldErrorf(field, format, args...)
}

func (s *Source) fail(err error) {
	s.stats.Rejected++
	s.queue = append(s.queue, result{err: ingest.AtLine(s.name, s.line, err)})
}

// known says whether a listing may name the regime.
func (s *Source) known(id string) bool {
	return s.regimeKnown == nil || s.regimeKnown(id) || s.regimes[id]
}

// emit queues a record after normalizing and validating it, and notes its key
// under the FtM id it came from. It reports whether the record was queued.
func (s *Source) emit(ftmID string, line int, r model.Record) bool {
	r.Normalize()
	if err := r.Validate(s.known); err != nil {
		s.queue = append(s.queue, result{err: ingest.AtLine(s.name, line, err)})
		s.stats.Rejected++
		return false
	}
	switch r.Kind {
	case model.KindEntity:
		s.stats.Entities++
	case model.KindOwnership:
		s.stats.Ownership++
	case model.KindControl:
		s.stats.Control++
	case model.KindListing:
		s.stats.Listings++
	case model.KindRegime:
		s.stats.Regimes++
	}
	if s.delta && ftmID != "" && r.Kind != model.KindRegime {
		s.emitted[ftmID] = append(s.emitted[ftmID], r.Key())
	}
	if !r.Kind.IsNode() {
		s.noteEdge(ftmID, line, r.Key())
	}
	s.queue = append(s.queue, result{op: ingest.Op{Record: r, Line: line}})
	return true
}

// edgeFrom is the FtM entity that gave an edge key, and its line.
type edgeFrom struct {
	id   string
	line int
}

// noteEdge notes that the FtM entity ftmID gives the edge key k. When another
// entity of the file gave it before (three Ownership records of one owner and
// asset with one start date and different ends), the store keeps only the
// later record, so the replacement is reported as a warning rather than merged
// silently. An entity giving its own key again (a MOD line) replaces nothing.
func (s *Source) noteEdge(ftmID string, line int, k model.Key) {
	if prev, ok := s.edges[k]; ok && prev.id != ftmID {
		s.stats.Replaced++
		s.queue = append(s.queue, result{err: &ingest.Warning{File: s.name, Line: line, Replaced: true,
			Reason: fmt.Sprintf("%s (FtM %s) has the key of the record FtM %s gave at line %d (%s): it replaces that one",
				k, ftmID, prev.id, prev.line, "an edge is keyed by its kind, its two ends and its start date")}})
	}
	s.edges[k] = edgeFrom{ftmID, line}
}

// del queues a delete of the record with key k.
func (s *Source) del(k model.Key) {
	r := model.Record{Kind: k.Kind, Valid: model.Always}
	if k.Kind.IsNode() {
		r.ID = k.Src
	} else {
		r.Src, r.Dst, r.Valid.From = k.Src, k.Dst, k.From
	}
	r.Normalize()
	delete(s.edges, k)
	s.stats.Deletes++
	s.queue = append(s.queue, result{op: ingest.Op{Delete: true, Record: r, Line: s.line}})
}

// entityJSON is one FtM entity.
type entityJSON struct {
	ID         string                       `json:"id"`
	Schema     string                       `json:"schema"`
	Caption    string                       `json:"caption"`
	Properties map[string][]json.RawMessage `json:"properties"`
	Datasets   []string                     `json:"datasets"`
}

type lineJSON struct {
	Op     string      `json:"op"`
	Entity *entityJSON `json:"entity"`
	entityJSON
}

func (s *Source) parseLine(line []byte) {
	var l lineJSON
	if err := json.Unmarshal(line, &l); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			s.fail(fieldErr(strings.TrimPrefix(te.Field, "entityJSON."), "unexpected JSON %s", te.Value))
			return
		}
		s.fail(fmt.Errorf("malformed JSON: %w", err))
		return
	}
	e := &l.entityJSON
	op := strings.ToUpper(strings.TrimSpace(l.Op))
	s.delta = l.Op != "" || l.Entity != nil
	if s.delta {
		if _, ok := deltaOps[op]; !ok {
			s.fail(fieldErr("op", "%q is not ADD, MOD or DEL", l.Op))
			return
		}
		if l.Entity == nil {
			s.fail(fieldErr("entity", "required in a delta line"))
			return
		}
		e = l.Entity
	}
	e.ID = strings.TrimSpace(e.ID)
	if e.ID == "" {
		s.fail(fieldErr("id", "required"))
		return
	}
	if op == "DEL" {
		s.remove(e.ID)
		return
	}
	if op == "MOD" {
		s.modify(e)
		return
	}
	s.entity(e)
}

// remove handles a DEL line: it deletes what the id gave earlier in this file, or
// else the entity node "ftm:<id>"; and for an entity, its topic listings (also
// those of earlier runs).
func (s *Source) remove(id string) {
	keys, seen := s.emitted[id]
	delete(s.emitted, id)
	s.forget(id)
	node := model.Key{Kind: model.KindEntity, Src: "ftm:" + id, From: model.MinDate}
	if !seen {
		keys = []model.Key{node}
	}
	if !slices.Contains(keys, node) {
		for _, k := range keys {
			s.del(k)
		}
		return
	}
	for _, r := range topicRegimes {
		if k := (model.Key{Kind: model.KindListing, Src: "ftm:" + id, Dst: r, From: model.MinDate}); !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		s.del(k)
	}
}

// forget drops what this file noted about an id: its topic candidacy (its place in
// topicOrder is skipped at the end) and a designation.
func (s *Source) forget(id string) {
	delete(s.topics, id)
	delete(s.designations, id)
}

// modify handles a MOD line: the new version is upserted; records that the id
// gave earlier in this file and that the new version does not give again are
// deleted, as are topic listings under built-in regimes that its datasets no
// longer support.
func (s *Source) modify(e *entityJSON) {
	old := s.emitted[e.ID]
	delete(s.emitted, e.ID)
	s.forget(e.ID)
	s.entity(e)
	now := s.emitted[e.ID]
	for _, k := range old {
		if !slices.Contains(now, k) {
			s.del(k)
		}
	}
	if _, isNode := nodeTypes[e.Schema]; isNode {
		still := map[string]bool{}
		if c, ok := s.topics[e.ID]; ok {
			regimes, _ := topicListingsOf(c)
			for _, r := range regimes {
				still[r] = true
			}
		}
		for _, r := range topicRegimes {
			k := model.Key{Kind: model.KindListing, Src: "ftm:" + e.ID, Dst: r, From: model.MinDate}
			if !still[r] {
				s.del(k)
			}
		}
	}
}
