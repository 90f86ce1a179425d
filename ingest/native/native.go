// Package native reads Keiretsu's native JSON Lines format (CONTRACT.md section 2):
// one object per line whose `kind` says what it is. It streams: memory holds one
// line at a time.
package native

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// Reader reads native records from one file.
type Reader struct {
	name        string
	br          *bufio.Reader
	line        int
	buf         []byte
	regimeKnown func(string) bool
}

// NewReader reads from r; name is the file name used in errors. regimeKnown says
// whether a listing's regime is loaded (nil accepts any).
func NewReader(name string, r io.Reader, regimeKnown func(string) bool) *Reader {
	return &Reader{name: name, br: bufio.NewReaderSize(r, 1<<16), regimeKnown: regimeKnown}
}

// Name returns the file name.
func (r *Reader) Name() string { return r.name }

// readLine returns the next line without its newline, or io.EOF.
func (r *Reader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.buf = append(r.buf, chunk...)
		switch {
		case err == nil:
			return bytes.TrimRight(r.buf, "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(r.buf) == 0 {
				return nil, io.EOF
			}
			return bytes.TrimRight(r.buf, "\r\n"), nil
		default:
			return nil, fmt.Errorf("%s: read: %w", r.name, err)
		}
	}
}

// Next reads the next operation. Blank lines are skipped. A bad line gives a
// *ingest.LineError; reading may go on after it.
func (r *Reader) Next(op *ingest.Op) error {
	for {
		line, err := r.readLine()
		if err != nil {
			return err
		}
		r.line++
		if r.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		*op = ingest.Op{Line: r.line}
		if err := Parse(line, op, r.regimeKnown); err != nil {
			return ingest.AtLine(r.name, r.line, err)
		}
		return nil
	}
}

// fields holds what one line said, before it is mapped to a record.
type fields struct {
	kind, op                 string
	ends                     map[string]string
	percent, pmin, pmax      *float64
	quantity                 *float64
	essential                *bool
	from, to                 string
	fromSet, toSet           bool
	aliases, categories      []string
	identifiers              []model.Identifier
	name, typ, country, cat  string
	hqCountry, site          string
	basis, role, ref, source string
	reason                   string
}

func fieldErr(field, format string, args ...any) error {
	return model.FieldErrorf(field, format, args...)
}

// endFields are the id-valued fields of every kind.
var endFields = map[string]bool{
	"id": true, "owner": true, "owned": true, "controller": true, "controlled": true, "parent": true, "child": true,
	"product": true, "entity": true, "regime": true, "a": true, "b": true,
}

// Parse reads one line into op: the record, normalized and validated.
func Parse(line []byte, op *ingest.Op, regimeKnown func(string) bool) error {
	s := &scanner{b: line}
	if !s.consume('{') {
		return syntaxErr("a line must hold one JSON object")
	}
	f := fields{ends: map[string]string{}}
	if !s.consume('}') {
		for {
			key, err := s.str()
			if err != nil {
				return err
			}
			if !s.consume(':') {
				return syntaxErr("expected : after \"" + key + "\"")
			}
			if err := f.read(s, key); err != nil {
				var fe *model.FieldError
				var se *SyntaxError
				if errors.As(err, &fe) || errors.As(err, &se) {
					return err
				}
				return &model.FieldError{Field: key, Reason: err.Error(), Err: err}
			}
			if s.consume(',') {
				continue
			}
			if s.consume('}') {
				break
			}
			return syntaxErr("expected , or } after field \"" + key + "\"")
		}
	}
	if s.ws(); s.i != len(s.b) {
		return syntaxErr("unexpected text after the object")
	}
	return f.record(op, regimeKnown)
}

func (f *fields) read(s *scanner, key string) error {
	if s.null() {
		return nil
	}
	var err error
	str := func(dst *string) { *dst, err = s.str() }
	num := func(dst **float64) {
		var v float64
		if v, err = s.number(); err == nil {
			*dst = &v
		}
	}
	switch {
	case endFields[key]:
		var v string
		if v, err = s.str(); err == nil {
			f.ends[key] = v
		}
	case key == "kind":
		str(&f.kind)
	case key == "op":
		str(&f.op)
	case key == "name":
		str(&f.name)
	case key == "type":
		str(&f.typ)
	case key == "country":
		str(&f.country)
	case key == "hqCountry":
		str(&f.hqCountry)
	case key == "site":
		str(&f.site)
	case key == "category":
		str(&f.cat)
	case key == "basis":
		str(&f.basis)
	case key == "role":
		str(&f.role)
	case key == "reference":
		str(&f.ref)
	case key == "source":
		str(&f.source)
	case key == "reason":
		str(&f.reason)
	case key == "from":
		str(&f.from)
		f.fromSet = true
	case key == "to":
		str(&f.to)
		f.toSet = true
	case key == "percent":
		num(&f.percent)
	case key == "percentMin":
		num(&f.pmin)
	case key == "percentMax":
		num(&f.pmax)
	case key == "quantity":
		num(&f.quantity)
	case key == "essential":
		var v bool
		if v, err = s.boolean(); err == nil {
			f.essential = &v
		}
	case key == "aliases":
		f.aliases, err = s.strings()
	case key == "categories":
		f.categories, err = s.strings()
	case key == "identifiers":
		f.identifiers = f.identifiers[:0]
		err = s.stringMap(func(k, v string) { f.identifiers = append(f.identifiers, model.Identifier{Scheme: k, Value: v}) })
	default:
		// Fields of a later version are read and ignored.
		err = s.skip(0)
	}
	return err
}

func (f *fields) record(op *ingest.Op, regimeKnown func(string) bool) error {
	if f.kind == "" {
		return fieldErr("kind", "required")
	}
	kind, ok := model.ParseKind(f.kind)
	if !ok || kind == model.KindRegime {
		return fieldErr("kind", "unknown kind %q (entity, ownership, control, product, component, sourcing, listing, same_as)", f.kind)
	}
	switch f.op {
	case "", "upsert":
	case "delete":
		op.Delete = true
	default:
		return fieldErr("op", "%q is not delete or upsert", f.op)
	}
	r := &op.Record
	*r = model.Record{Kind: kind, Source: f.source, Valid: model.Always}
	if kind.IsNode() {
		r.ID = f.ends["id"]
		if op.Delete {
			if r.ID == "" {
				return fieldErr("id", "required")
			}
			return nil
		}
		r.Name, r.Type, r.Country, r.Category = f.name, f.typ, f.country, f.cat
		r.Aliases, r.Identifiers = f.aliases, f.identifiers
		if kind == model.KindProduct && f.typ != "" {
			return fieldErr("type", "products have no type (did you mean category?)")
		}
		if kind == model.KindEntity {
			r.HQCountry = f.hqCountry
		} else if f.hqCountry != "" {
			return fieldErr("hqCountry", "only entities have a headquarters country")
		}
	} else {
		src, dst, _, _ := kind.Ends()
		r.Src, r.Dst = f.ends[src], f.ends[dst]
		if r.Src == "" {
			return fieldErr(src, "required")
		}
		if r.Dst == "" {
			return fieldErr(dst, "required")
		}
		if f.from != "" {
			d, err := model.ParseDate(f.from)
			if err != nil {
				return fieldErr("from", "%q is not a valid YYYY-MM-DD date", f.from)
			}
			r.Valid.From = d
		} else if f.fromSet {
			return fieldErr("from", "empty date")
		}
		if f.to != "" {
			d, err := model.ParseDate(f.to)
			if err != nil {
				return fieldErr("to", "%q is not a valid YYYY-MM-DD date", f.to)
			}
			r.Valid.To = d
		} else if f.toSet {
			return fieldErr("to", "empty date")
		}
		if op.Delete {
			r.Normalize()
			return nil
		}
		if err := f.edgeFields(r); err != nil {
			return err
		}
	}
	r.Normalize()
	return r.Validate(regimeKnown)
}

func checkPercent(field string, p *float64) error {
	if p != nil && (*p < 0 || *p > 100) {
		return fieldErr(field, "%v is outside 0..100", *p)
	}
	return nil
}

func (f *fields) edgeFields(r *model.Record) error {
	switch r.Kind {
	case model.KindOwnership:
		for _, c := range []struct {
			name string
			p    *float64
		}{{"percent", f.percent}, {"percentMin", f.pmin}, {"percentMax", f.pmax}} {
			if err := checkPercent(c.name, c.p); err != nil {
				return err
			}
		}
		switch {
		case f.percent != nil && (f.pmin != nil || f.pmax != nil):
			return fieldErr("percent", "give either percent or percentMin/percentMax, not both")
		case f.percent != nil:
			r.Share = model.Exact(*f.percent)
		case f.pmin != nil || f.pmax != nil:
			r.Share = model.Share{Min: 0, Max: model.Whole, Mode: model.ShareRange}
			if f.pmin != nil {
				r.Share.Min = model.ShareFromPercent(*f.pmin)
			}
			if f.pmax != nil {
				r.Share.Max = model.ShareFromPercent(*f.pmax)
			}
			if f.pmin != nil && f.pmax != nil && *f.pmin > *f.pmax {
				return fieldErr("percentMin", "percentMin %v is greater than percentMax %v", *f.pmin, *f.pmax)
			}
		default:
			r.Share = model.UnknownShare
		}
	case model.KindControl:
		r.Basis = f.basis
	case model.KindComponent:
		r.Quantity = f.quantity
		r.Essential = f.essential == nil || *f.essential
	case model.KindSourcing:
		r.Role, r.Site = f.role, f.site
	case model.KindListing:
		r.Reference, r.Categories = f.ref, f.categories
	case model.KindSameAs:
		r.Reason = f.reason
	}
	return nil
}
