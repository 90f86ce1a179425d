package ofac

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// xmlEntry is one <sdnEntry> of OFAC's classic XML (sdnList.xsd), used by both
// sdn.xml and consolidated.xml. Elements are matched by local name, so the
// namespace (http://tempuri.org/sdnList.xsd) does not matter.
type xmlEntry struct {
	UID       string   `xml:"uid"`
	FirstName string   `xml:"firstName"`
	LastName  string   `xml:"lastName"`
	SDNType   string   `xml:"sdnType"`
	Remarks   string   `xml:"remarks"`
	Programs  []string `xml:"programList>program"`
	IDs       []struct {
		Type    string `xml:"idType"`
		Number  string `xml:"idNumber"`
		Country string `xml:"idCountry"`
	} `xml:"idList>id"`
	AKAs []struct {
		FirstName string `xml:"firstName"`
		LastName  string `xml:"lastName"`
	} `xml:"akaList>aka"`
	Addresses []struct {
		Country string `xml:"country"`
	} `xml:"addressList>address"`
}

// xmlName writes a name as the legacy CSV does: "LAST, First" for individuals,
// the last name alone for the others.
func xmlName(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return last + ", " + first
}

// xmlSource reads the XML one <sdnEntry> at a time.
type xmlSource struct {
	path, base string
	dec        *xml.Decoder
	conv       converter
	queue      []ingest.Op
	done       bool
}

func newXMLSource(path string, r io.Reader, l list, regimes *Regimes) *xmlSource {
	return &xmlSource{path: path, base: filepath.Base(path), dec: xml.NewDecoder(r), conv: converter{list: l, regimes: regimes}}
}

func (s *xmlSource) Name() string { return s.path }

// Next reads the next operation. Malformed XML ends the file with an error naming
// its line (the rest cannot be read reliably); an invalid entry is a
// *ingest.LineError and reading goes on.
func (s *xmlSource) Next(op *ingest.Op) error {
	for {
		if len(s.queue) > 0 {
			*op = s.queue[0]
			s.queue = s.queue[1:]
			return nil
		}
		if s.done {
			return io.EOF
		}
		line, _ := s.dec.InputPos()
		tok, err := s.dec.Token()
		if errors.Is(err, io.EOF) {
			s.done = true
			continue
		}
		if err != nil {
			s.done = true
			return fmt.Errorf("%s:%d: %w: malformed XML: %w", s.path, line, model.ErrBadInput, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "sdnEntry" {
			continue
		}
		line, _ = s.dec.InputPos()
		var x xmlEntry
		if err := s.dec.DecodeElement(&x, &se); err != nil {
			s.done = true
			return fmt.Errorf("%s:%d: %w: malformed XML: %w", s.path, line, model.ErrBadInput, err)
		}
		e, err := s.entry(&x, line)
		if err != nil {
			return err
		}
		s.queue, err = s.conv.ops(e, s.queue[:0])
		if err != nil {
			return err
		}
	}
}

func (s *xmlSource) entry(x *xmlEntry, line int) (*entry, error) {
	num := strings.TrimSpace(x.UID)
	if !allDigits(num) {
		return nil, &ingest.LineError{File: s.path, Line: line, Field: "uid", Reason: fmt.Sprintf("%q is not a number", num)}
	}
	name := xmlName(x.FirstName, x.LastName)
	if name == "" {
		return nil, &ingest.LineError{File: s.path, Line: line, Field: "lastName", Reason: "required"}
	}
	e := &entry{file: s.path, source: s.base + "#" + num, line: line, num: num, name: name,
		sdnType: x.SDNType, text: strings.TrimSpace(x.Remarks)}
	for _, p := range x.Programs {
		if p = strings.TrimSpace(p); p != "" {
			e.programs = append(e.programs, p)
		}
	}
	var text strings.Builder
	text.WriteString(e.text)
	for _, id := range x.IDs {
		it := item{typ: strings.TrimSpace(id.Type), value: strings.TrimSpace(id.Number), country: strings.TrimSpace(id.Country)}
		e.items = append(e.items, it)
		text.WriteString("; " + it.typ + " " + it.value)
	}
	e.text = text.String()
	for _, a := range x.AKAs {
		e.aliases = append(e.aliases, xmlName(a.FirstName, a.LastName))
	}
	for _, a := range x.Addresses {
		if c := strings.TrimSpace(a.Country); c != "" {
			e.countries = append(e.countries, c)
		}
	}
	return e, nil
}
