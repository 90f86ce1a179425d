package gleif

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The formats of GLEIF's full downloads: the LEI-CDF (Level 1), RR-CDF (Level 2)
// and reporting-exception XML files, and the golden-copy JSON files, which hold
// the same elements converted from the XML (an element's text under "$", its
// attributes under "@name", a repeated element as an array). Both are read into
// cdfNodes and mapped once. The files are large (gigabytes), so records are read
// one at a time.

// cdfNode is one element: its text and its child elements by local name.
type cdfNode struct {
	text string
	kids map[string][]*cdfNode
}

func (n *cdfNode) add(name string, c *cdfNode) {
	if n.kids == nil {
		n.kids = map[string][]*cdfNode{}
	}
	n.kids[name] = append(n.kids[name], c)
}

// at returns the first element at the path of local names below n, or nil.
func (n *cdfNode) at(path ...string) *cdfNode {
	for _, p := range path {
		if n == nil || len(n.kids[p]) == 0 {
			return nil
		}
		n = n.kids[p][0]
	}
	return n
}

// str returns the trimmed text of the element at path, or "".
func (n *cdfNode) str(path ...string) string {
	if e := n.at(path...); e != nil {
		return strings.TrimSpace(e.text)
	}
	return ""
}

// all returns every element named by the last part of path, under the first
// element at the rest of it.
func (n *cdfNode) all(path ...string) []*cdfNode {
	parent := n.at(path[:len(path)-1]...)
	if parent == nil {
		return nil
	}
	return parent.kids[path[len(path)-1]]
}

// cdfRecord maps one record of a CDF file: an LEIRecord (it has an LEI and an
// Entity), a RelationshipRecord (a Relationship), or a reporting Exception (an
// ExceptionCategory). line is the record's line (XML) or position (JSON).
func (s *Source) cdfRecord(line int, n *cdfNode) {
	if r := n.at("RelationshipRecord"); r != nil {
		n = r // a JSON record wrapped in its element name
	}
	switch {
	case n.at("Relationship") != nil:
		rel := relationship{start: n.str("Relationship", "StartNode", "NodeID"), startType: n.str("Relationship", "StartNode", "NodeIDType"),
			end: n.str("Relationship", "EndNode", "NodeID"), endType: n.str("Relationship", "EndNode", "NodeIDType"),
			typ: n.str("Relationship", "RelationshipType"), status: n.str("Relationship", "RelationshipStatus"),
			registrationStatus: n.str("Registration", "RegistrationStatus"), lastUpdate: n.str("Registration", "LastUpdateDate"),
			startField: "Relationship.StartNode.NodeID", endField: "Relationship.EndNode.NodeID",
			startTypeField: "Relationship.StartNode.NodeIDType", endTypeField: "Relationship.EndNode.NodeIDType",
			periodsField: "Relationship.RelationshipPeriods", typField: "Relationship.RelationshipType"}
		for _, p := range n.all("Relationship", "RelationshipPeriods", "RelationshipPeriod") {
			rel.periods = append(rel.periods, period{start: p.str("StartDate"), end: p.str("EndDate"), typ: p.str("PeriodType")})
		}
		rel.recordID = rel.start + "|" + rel.typ + "|" + rel.end
		s.relationshipRecord(line, &rel)
	case n.at("ExceptionCategory") != nil:
		s.stats.ReportingExceptions++
	case n.at("LEI") != nil || n.at("Entity") != nil:
		e := entity{lei: n.str("LEI"), name: n.str("Entity", "LegalName"), jurisdiction: n.str("Entity", "LegalJurisdiction"),
			legalCountry: n.str("Entity", "LegalAddress", "Country"), hqCountry: n.str("Entity", "HeadquartersAddress", "Country"),
			category: n.str("Entity", "EntityCategory"), registeredAs: n.str("Entity", "RegistrationAuthority", "RegistrationAuthorityEntityID"),
			leiField: "LEI", nameField: "Entity.LegalName"}
		for _, o := range n.all("Entity", "OtherEntityNames", "OtherEntityName") {
			e.others = append(e.others, o.text)
		}
		for _, o := range n.all("Entity", "TransliteratedOtherEntityNames", "TransliteratedOtherEntityName") {
			e.others = append(e.others, o.text)
		}
		s.entityRecord(line, &e)
	default:
		s.fail(line, fieldErr("", "not an LEIRecord, RelationshipRecord or reporting Exception"))
	}
}

// recordLists are the elements whose children are the records of a CDF XML file.
var recordLists = map[string]bool{"LEIRecords": true, "RelationshipRecords": true, "ReportingExceptions": true}

// xmlSource streams the records of a CDF XML file.
type xmlSource struct {
	d     *xml.Decoder
	stack []string // local names of the open elements
}

func newXMLSource(r io.Reader) *xmlSource {
	return &xmlSource{d: xml.NewDecoder(r)}
}

func (x *xmlSource) fill(s *Source) error {
	for len(s.queue) == 0 {
		line, _ := x.d.InputPos()
		tok, err := x.d.Token()
		if errors.Is(err, io.EOF) {
			if len(x.stack) > 0 {
				s.fail(line, fmt.Errorf("malformed XML: the file ends inside <%s>", x.stack[len(x.stack)-1]))
			}
			s.rows = nil
			return nil
		}
		if err != nil {
			s.fail(line, fmt.Errorf("malformed XML: %w", err))
			s.rows = nil
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(x.stack) > 0 && recordLists[x.stack[len(x.stack)-1]] {
				n, err := x.element()
				if err != nil {
					s.fail(line, fmt.Errorf("malformed XML: %w", err))
					s.rows = nil
					return nil
				}
				s.cdfRecord(line, n)
				continue
			}
			if len(x.stack) == 0 && t.Name.Local != "LEIData" && t.Name.Local != "RelationshipData" && t.Name.Local != "ReportingExceptionData" {
				s.fail(line, fieldErr(t.Name.Local, "not a GLEIF file: the root element is not LEIData, RelationshipData or ReportingExceptionData"))
				s.rows = nil
				return nil
			}
			x.stack = append(x.stack, t.Name.Local)
		case xml.EndElement:
			x.stack = x.stack[:len(x.stack)-1]
		}
	}
	return nil
}

// element reads the rest of the element whose start was the last token.
func (x *xmlSource) element() (*cdfNode, error) {
	n := &cdfNode{}
	var text strings.Builder
	for {
		tok, err := x.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			c, err := x.element()
			if err != nil {
				return nil, err
			}
			n.add(t.Name.Local, c)
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			n.text = text.String()
			return n, nil
		}
	}
}

// isGoldenJSON reports whether the head of a JSON file is golden-copy JSON
// rather than an API response: it holds elements with their text under "$".
func isGoldenJSON(head []byte) bool {
	for _, k := range []string{"LEI", "NodeID", "ExceptionCategory"} {
		if hasJSONObjectWith(head, k, "$") {
			return true
		}
	}
	return false
}

// hasJSONObjectWith reports whether b holds "key": {"member": ...} (with
// optional spaces).
func hasJSONObjectWith(b []byte, key, member string) bool {
	k := []byte(`"` + key + `"`)
	for i := 0; ; {
		j := bytes.Index(b[i:], k)
		if j < 0 {
			return false
		}
		i += j + len(k)
		rest := bytes.TrimLeft(b[i:], " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '{' {
			continue
		}
		if bytes.HasPrefix(bytes.TrimLeft(rest[1:], " \t\r\n"), []byte(`"`+member+`"`)) {
			return true
		}
	}
}

// goldenJSONSource streams the records of a golden-copy JSON file: the elements
// of the array that is the document, or of each array member of its top-level
// object ("records", "relations", "exceptions").
type goldenJSONSource struct {
	d     *json.Decoder
	state int // 0 before the document, 1 in the top-level object, 2 in an array
	inTop bool
	n     int // records read, for their position
}

func newGoldenJSONSource(r *bufio.Reader) *goldenJSONSource {
	return &goldenJSONSource{d: json.NewDecoder(r)}
}

func (g *goldenJSONSource) fill(s *Source) error {
	bad := func(err error) error {
		var syn *json.SyntaxError
		if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
			s.fail(max(g.n, 1), fmt.Errorf("malformed JSON: %w", err))
			s.rows = nil
			return nil
		}
		return fmt.Errorf("%s: read: %w", s.name, err)
	}
	for len(s.queue) == 0 {
		switch g.state {
		case 0:
			tok, err := g.d.Token()
			if err != nil {
				return bad(err)
			}
			switch tok {
			case json.Delim('['):
				g.state = 2
			case json.Delim('{'):
				g.state, g.inTop = 1, true
			default:
				return bad(fmt.Errorf("the document is not an object or an array"))
			}
		case 1:
			if !g.d.More() {
				if _, err := g.d.Token(); err != nil {
					return bad(err)
				}
				s.rows = nil
				return nil
			}
			if _, err := g.d.Token(); err != nil { // the member's name
				return bad(err)
			}
			tok, err := g.d.Token()
			if err != nil {
				return bad(err)
			}
			switch tok {
			case json.Delim('['):
				g.state = 2
			case json.Delim('{'):
				// A header or other object: skip it.
				if err := skipRest(g.d); err != nil {
					return bad(err)
				}
			}
		case 2:
			if !g.d.More() {
				if _, err := g.d.Token(); err != nil {
					return bad(err)
				}
				if !g.inTop {
					s.rows = nil
					return nil
				}
				g.state = 1
				continue
			}
			var raw json.RawMessage
			if err := g.d.Decode(&raw); err != nil {
				return bad(err)
			}
			g.n++
			n, err := badgerFish(raw)
			if err != nil {
				s.fail(g.n, fmt.Errorf("malformed record: %w", err))
				continue
			}
			s.cdfRecord(g.n, n)
		}
	}
	return nil
}

// skipRest reads the rest of an object whose '{' was the last token.
func skipRest(d *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// badgerFish converts a golden-copy JSON element to a cdfNode: "$" is its text,
// members starting with "@" are attributes (not kept), and every other member is
// a child element, an array being the element repeated.
func badgerFish(raw json.RawMessage) (*cdfNode, error) {
	raw = bytes.TrimSpace(raw)
	n := &cdfNode{}
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return n, nil
	case raw[0] == '"':
		err := json.Unmarshal(raw, &n.text)
		return n, err
	case raw[0] != '{':
		n.text = string(raw) // a number or a boolean
		return n, nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, err
	}
	for k, v := range members {
		switch {
		case k == "$":
			var t string
			if err := json.Unmarshal(v, &t); err != nil {
				t = string(v)
			}
			n.text = t
		case strings.HasPrefix(k, "@"):
		default:
			v = bytes.TrimSpace(v)
			if len(v) > 0 && v[0] == '[' {
				var items []json.RawMessage
				if err := json.Unmarshal(v, &items); err != nil {
					return nil, err
				}
				for _, it := range items {
					c, err := badgerFish(it)
					if err != nil {
						return nil, err
					}
					n.add(k, c)
				}
				continue
			}
			c, err := badgerFish(v)
			if err != nil {
				return nil, err
			}
			n.add(k, c)
		}
	}
	return n, nil
}
