package bods

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/internal/model"
)

func init() {
	formats.Register(formats.Format{
		Name:  "bods",
		About: "Beneficial Ownership Data Standard 0.4 and 0.2/0.3 (JSON array, object or JSON Lines)",
		Open: func(path string, r io.Reader, env formats.Env) (ingest.Source, error) {
			return NewSource(path, r), nil
		},
		Detect: Detect,
	})
}

// Detect reports whether a file's first bytes are BODS statements: JSON holding
// "statementType" (0.2/0.3) or "recordType" with "recordDetails" (0.4).
func Detect(_ string, head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) == 0 || (t[0] != '[' && t[0] != '{') {
		return false
	}
	if bytes.Contains(t, []byte(`"statementType"`)) && (bytes.Contains(t, []byte(`"statementID"`)) || bytes.Contains(t, []byte(`"statementId"`))) {
		return true
	}
	return bytes.Contains(t, []byte(`"recordType"`)) && bytes.Contains(t, []byte(`"recordDetails"`))
}

// Stats counts what a source read, by outcome. Interests are counted in every
// statement that states them, versions included.
type Stats struct {
	Statements int // statements read (valid or not)
	Entities   int // entity records emitted for BODS entities
	Persons    int // entity records emitted for BODS persons
	Ownership  int // ownership edges emitted
	Control    int // control edges emitted
	// IndirectSkipped counts indirect shareholding or voting interests left out
	// because the chain of direct statements they summarise is in the file.
	IndirectSkipped int
	// IndirectOnly counts indirect shareholding or voting interests whose chain is
	// not in the file, emitted as ownership with a lower bound of 0.
	IndirectOnly int
	// UnspecifiedParty counts relationship statements without a known interested party.
	UnspecifiedParty int
	// Superseded counts edges of older versions (0.4 updates, 0.2 replaced
	// statements) that a later version replaced entirely.
	Superseded int
	// Replaced counts 0.2 entity and person statements replaced by newer ones.
	Replaced int
	// Dropped counts interests left out so as not to add to a known share: voting
	// rights beside a shareholding (unless a majority), untyped interests beside either.
	Dropped  int
	Rejected int // statements returned as *ingest.LineError
}

// Source reads one BODS file. It reads the whole file before returning the first
// operation, because later statements update or replace earlier ones.
type Source struct {
	name, base string
	r          io.Reader
	started    bool
	queue      []result
	stats      Stats
}

type result struct {
	op  ingest.Op
	err error
}

// NewSource reads BODS statements from r; name is the file name used in errors,
// and its base name prefixes every record's source.
func NewSource(name string, r io.Reader) *Source {
	return &Source{name: name, base: filepath.Base(name), r: r}
}

// Name returns the file name.
func (s *Source) Name() string { return s.name }

// Stats returns the counts (complete once Next has returned its first result).
func (s *Source) Stats() Stats { return s.stats }

// Next returns the next operation, a *ingest.LineError for a bad statement (reading
// may go on), or io.EOF.
func (s *Source) Next(op *ingest.Op) error {
	if !s.started {
		s.started = true
		stmts, errs, err := s.read()
		if err != nil {
			return err
		}
		p := newProcessor(s, stmts)
		p.version()
		p.run()
		s.queue = p.results(errs)
	}
	if len(s.queue) == 0 {
		return io.EOF
	}
	res := s.queue[0]
	s.queue = s.queue[1:]
	if res.err != nil {
		return res.err
	}
	*op = res.op
	return nil
}

// positioned is a result at a position in the file, for ordering the output.
type positioned struct {
	res      result
	pos, seq int
}

// read decodes every statement. Statements that cannot be understood become
// LineErrors at their position; malformed JSON ends the file.
func (s *Source) read() ([]*stmt, []positioned, error) {
	br := bufio.NewReaderSize(s.r, 1<<16)
	if bom, _ := br.Peek(3); string(bom) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3)
	}
	dec := json.NewDecoder(br)
	var stmts []*stmt
	var errs []positioned
	fail := func(item int, err error) {
		s.stats.Rejected++
		errs = append(errs, positioned{res: result{err: ingest.AtLine(s.name, item, err)}, pos: item, seq: -1})
	}
	first, err := firstByte(br)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("%s: read: %w", s.name, err)
	}
	array := first == '['
	if array {
		if _, err := dec.Token(); err != nil {
			return nil, nil, ingest.AtLine(s.name, 1, fmt.Errorf("malformed JSON: %w", err))
		}
	}
	for item := 1; ; item++ {
		if array && !dec.More() {
			break
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if !array && errors.Is(err, io.EOF) {
				break
			}
			s.stats.Statements++
			fail(item, fmt.Errorf("malformed JSON: %w", err))
			break
		}
		s.stats.Statements++
		st, err := parseStatement(raw)
		if err != nil {
			fail(item, err)
			continue
		}
		st.item = item
		stmts = append(stmts, st)
	}
	return stmts, errs, nil
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			_, _ = br.Discard(1)
		default:
			return b[0], nil
		}
	}
}

// candidate is a record the processor proposes; edges of several versions of one
// relationship are resolved by key before output.
type candidate struct {
	rec   model.Record
	pos   int    // the statement's position in the file
	seq   int    // proposal order
	scope string // edges with the same scope and key replace each other ("" = no dedupe)
	rank  int    // the higher rank wins within a scope; equal ranks: the later proposal
}

// results resolves the candidates and returns everything in file order.
func (p *processor) results(errs []positioned) []result {
	type skey struct {
		scope string
		key   model.Key
	}
	best := map[skey]int{}
	for i, c := range p.cands {
		if c.scope == "" {
			continue
		}
		k := skey{c.scope, c.rec.Key()}
		if j, ok := best[k]; !ok || c.rank >= p.cands[j].rank {
			best[k] = i
		}
	}
	var out []positioned
	for i, c := range p.cands {
		if c.scope != "" && best[skey{c.scope, c.rec.Key()}] != i {
			p.src.stats.Superseded++
			continue
		}
		switch c.rec.Kind {
		case model.KindOwnership:
			p.src.stats.Ownership++
		case model.KindControl:
			p.src.stats.Control++
		}
		out = append(out, positioned{res: result{op: ingest.Op{Record: c.rec, Line: c.pos}}, pos: c.pos, seq: c.seq})
	}
	out = append(out, p.errs...)
	out = append(out, errs...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].pos != out[j].pos {
			return out[i].pos < out[j].pos
		}
		return out[i].seq < out[j].seq
	})
	res := make([]result, len(out))
	for i, o := range out {
		res[i] = o.res
	}
	return res
}

// processor maps the statements of one file to records.
type processor struct {
	src   *Source
	stmts []*stmt
	cands []candidate
	errs  []positioned
	seq   int

	// 0.2: statements replacing each id, and the relationship statements by id
	replacedBy map[string][]*stmt
	// ids of relationship records (0.4) and ownership statements (0.2) in the file
	relIDs map[string]bool
	// direct: interested party -> subjects, over the direct interests in the file
	direct map[string][]string
}

func newProcessor(s *Source, stmts []*stmt) *processor {
	p := &processor{src: s, stmts: stmts, replacedBy: map[string][]*stmt{}, relIDs: map[string]bool{}, direct: map[string][]string{}}
	for _, st := range stmts {
		for _, old := range st.replaces {
			p.replacedBy[old] = append(p.replacedBy[old], st)
		}
		if st.kind == kindRelationship {
			p.relIDs[st.groupID()] = true
		}
	}
	for _, st := range stmts {
		if st.kind != kindRelationship || st.party == "" || st.subject == "" {
			continue
		}
		hasDirect := len(st.interests) == 0
		for i := range st.interests {
			if !st.indirect(&st.interests[i]) {
				hasDirect = true
			}
		}
		if hasDirect {
			from, to := p.nodeID(st, st.party), p.nodeID(st, st.subject)
			if !slices.Contains(p.direct[from], to) {
				p.direct[from] = append(p.direct[from], to)
			}
		}
	}
	return p
}

func (p *processor) propose(c candidate) {
	c.seq = p.seq
	p.seq++
	c.rec.Normalize()
	if err := c.rec.Validate(nil); err != nil {
		p.fail(c.pos, err)
		return
	}
	p.cands = append(p.cands, c)
}

func (p *processor) fail(pos int, err error) {
	p.src.stats.Rejected++
	p.errs = append(p.errs, positioned{res: result{err: ingest.AtLine(p.src.name, pos, err)}, pos: pos, seq: p.seq})
	p.seq++
}

// version warns, once per file, when the BODS version its statements state (or
// their shape, when they state none) is one whose mapping may differ from the
// one read: statements are read with the 0.2/0.3 mapping (0.1 shares it for
// entity, person and ownership-or-control statements), records with the 0.4 one.
func (p *processor) version() {
	for _, st := range p.stmts {
		v, field := st.version, "publicationDetails.bodsVersion"
		switch {
		case st.v04 && (v == "" || v == "0.4"):
		case st.v04:
			p.warn(st.item, field, "BODS %s: read as BODS 0.4 records (recordId, recordType, recordDetails)", v)
		case v == "0.2" || v == "0.3":
		case v == "":
			p.warn(st.item, field, "BODS statements that state no version (BODS 0.1 states none): read as BODS 0.2/0.3 statements, "+
				"whose entity, person and ownership-or-control statements 0.1 shares")
		case v == "0.1":
			p.warn(st.item, field, "BODS 0.1: read as BODS 0.2/0.3 statements, whose entity, person and ownership-or-control statements it shares")
		default:
			p.warn(st.item, field, "BODS %s in the statement format of 0.1-0.3 (statementID, statementType): read as BODS 0.2/0.3 statements", v)
		}
		return
	}
}

// warn queues a warning about the statement at pos.
func (p *processor) warn(pos int, field, format string, args ...any) {
	p.errs = append(p.errs, positioned{res: result{err: ingest.Warnf(p.src.name, pos, field, format, args...)}, pos: pos, seq: p.seq})
	p.seq++
}

// nodeID is the entity id a statement's reference to a node resolves to.
func (p *processor) nodeID(st *stmt, ref string) string {
	if st.v04 {
		return "bods:" + ref
	}
	return "bods:" + p.resolve(ref)
}

// resolve follows 0.2 replacements of entity and person statements to the newest.
func (p *processor) resolve(id string) string {
	seen := map[string]bool{}
	for !seen[id] {
		seen[id] = true
		next := ""
		for _, r := range p.replacedBy[id] {
			if r.kind == kindEntity || r.kind == kindPerson {
				next = r.id
				break
			}
		}
		if next == "" {
			return id
		}
		id = next
	}
	return id
}

// run proposes every record.
func (p *processor) run() {
	groups := map[string][]*stmt{}
	var order []string
	for _, st := range p.stmts {
		if !st.v04 {
			continue
		}
		if _, ok := groups[st.recordID]; !ok {
			order = append(order, st.recordID)
		}
		groups[st.recordID] = append(groups[st.recordID], st)
	}
	for _, id := range order {
		vs := groups[id]
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].date < vs[j].date })
		p.record04(vs)
	}
	for _, st := range p.stmts {
		if !st.v04 {
			p.statement02(st)
		}
	}
}

// record04 maps the versions of one 0.4 record, oldest first.
func (p *processor) record04(vs []*stmt) {
	last := vs[len(vs)-1]
	if last.kind != kindRelationship {
		p.node(last)
		return
	}
	p.versions04(vs)
}

// live is an edge of the current version of a relationship, with the position of
// the statement that last stated it.
type live struct {
	rec model.Record
	pos int
	key model.Key // the key as stated (rec's from may have moved)
}

// versions04 maps the versions of a 0.4 relationship. The latest version's edges
// are current; an earlier version's edge is history:
//   - restated by the next version with the same key (ends and startDate) and the
//     same share, it continues (one edge, the later statement its source);
//   - restated with a different share, it ends on the day of the next version's
//     statementDate, where the new share begins (the publisher kept the startDate
//     of the interest but the share changed when it was reported);
//   - not restated, it ends where the next version begins: the earliest of the
//     next version's statementDate and the startDates of its new interests.
//
// So no two versions of one relationship hold on the same day.
func (p *processor) versions04(vs []*stmt) {
	scope := "r:" + vs[0].recordID
	var cur []*live
	prevDay := model.MaxDate
	for _, v := range vs {
		if v.kind != kindRelationship {
			continue // a record id reused for a node: not a version of this relationship
		}
		edges, ok := p.edges(v)
		if !ok {
			continue // a bad version is reported and skipped; the one before stays current
		}
		day := v.dateDay()
		if day == prevDay || day == model.MaxDate {
			// A correction (same statementDate) or an undated statement: the
			// latest wins outright, the version before leaves no history.
			p.src.stats.Superseded += len(cur)
			cur = nil
		}
		prevDay = day
		byKey := map[model.Key]*live{}
		for _, l := range cur {
			byKey[l.key] = l
		}
		// The day the new version takes over from the interests it does not restate.
		cut := day
		for _, e := range edges {
			if _, restated := byKey[e.Key()]; !restated && e.Valid.From != model.MinDate && e.Valid.From < cut {
				cut = e.Valid.From
			}
		}
		if cut == model.MaxDate {
			cut = model.MinDate // no date at all: the latest statement wins outright
		}
		var next []*live
		kept := map[*live]bool{}
		for _, e := range edges {
			key := e.Key()
			old, restated := byKey[key]
			if restated && !kept[old] {
				kept[old] = true
				switch {
				case e.Kind != model.KindOwnership || e.Share == old.rec.Share:
					p.src.stats.Superseded++ // continued by the new statement
					e.Valid.From = old.rec.Valid.From
				case day != model.MaxDate && (e.Valid.From == model.MinDate || day > e.Valid.From):
					p.history(old.rec, old.pos, scope, day)
					e.Valid.From = day
				default:
					p.src.stats.Superseded++
				}
			}
			next = append(next, &live{rec: e, pos: v.item, key: key})
		}
		for _, l := range cur {
			if !kept[l] {
				p.history(l.rec, l.pos, scope, cut)
			}
		}
		cur = next
	}
	end := model.MaxDate
	if last := vs[len(vs)-1]; last.status == "closed" {
		end = last.dateDay() // closed on that day (at an unknown date: kept open, the cautious reading)
	}
	for _, l := range cur {
		p.history(l.rec, l.pos, scope, end)
	}
}

// startOf is the day a statement takes over from the one it replaces: the
// earliest of its statementDate and its interests' startDates (MinDate when it has
// neither: then the statement before it is dropped, the latest winning outright).
func startOf(v *stmt) model.Date {
	d := v.dateDay()
	for i := range v.interests {
		if s, err := parseDay(v.interests[i].StartDate, false); err == nil && s != model.MinDate && s < d {
			d = s
		}
	}
	if d == model.MaxDate {
		return model.MinDate
	}
	return d
}

// statement02 maps one 0.2/0.3 statement.
func (p *processor) statement02(st *stmt) {
	switch st.kind {
	case kindEntity, kindPerson:
		if p.resolve(st.id) != st.id {
			p.src.stats.Replaced++
			return
		}
		p.node(st)
	case kindRelationship:
		replacers := p.replacedBy[st.id]
		edges, ok := p.edges(st)
		if !ok {
			return
		}
		cutoff := model.MaxDate
		for _, r := range replacers {
			cutoff = min(cutoff, startOf(r))
		}
		rank := 1
		if len(replacers) > 0 {
			rank = 0 // history: an edge a replacement restates with the same key gives way to it
		}
		for _, e := range edges {
			e.Valid.To = min(e.Valid.To, cutoff)
			if empty(e.Valid) {
				p.src.stats.Superseded++
				continue
			}
			p.propose(candidate{rec: e, pos: st.item, scope: "s", rank: rank})
		}
	}
}

// node proposes the entity record of an entity or person statement.
func (p *processor) node(st *stmt) {
	r, nameless, err := st.nodeRecord()
	if err != nil {
		p.fail(st.item, err)
		return
	}
	r.ID = p.nodeID(st, st.nodeRef())
	if nameless {
		field := "name"
		if st.kind == kindPerson {
			field = "names"
		}
		if st.v04 {
			field = "recordDetails." + field
		}
		what := "entity"
		if st.kind == kindPerson {
			what = "person"
		}
		r.Name = st.nodeRef()
		p.warn(st.item, field, "the %s states no name: it is named by its id %s", what, r.Name)
	}
	r.Source = p.src.base + "#" + st.id
	n := len(p.cands)
	p.propose(candidate{rec: r, pos: st.item})
	if len(p.cands) > n {
		if st.kind == kindPerson {
			p.src.stats.Persons++
		} else {
			p.src.stats.Entities++
		}
	}
}
