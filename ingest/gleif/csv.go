package gleif

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvKind is which golden-copy file a CSV is, from its header.
type csvKind int

const (
	csvUnknown csvKind = iota
	csvLEI             // LEI2 CSV: Level 1 records
	csvRR              // RR CSV: Level 2 relationship records
	csvRepex           // reporting exceptions
)

func csvKindOf(header []string) csvKind {
	has := map[string]bool{}
	for _, h := range header {
		has[strings.TrimSpace(h)] = true
	}
	switch {
	case has["Relationship.StartNode.NodeID"] && has["Relationship.EndNode.NodeID"]:
		return csvRR
	case has["LEI"] && has["Entity.LegalName"]:
		return csvLEI
	case has["LEI"] && has["Exception.Category"]:
		return csvRepex
	}
	return csvUnknown
}

// splitHeader parses one CSV line (for detection); a line it cannot parse gives nil.
func splitHeader(line string) []string {
	r := csv.NewReader(strings.NewReader(strings.TrimRight(line, "\r")))
	r.LazyQuotes = true
	rec, err := r.Read()
	if err != nil {
		return nil
	}
	return rec
}

// csvSource streams the rows of a golden-copy CSV file.
type csvSource struct {
	r    *csv.Reader
	kind csvKind
	col  map[string]int
	// column groups found in the header
	otherNames []int
	periods    []periodCols
}

type periodCols struct{ start, end, typ int }

func newCSVSource(r io.Reader) (*csvSource, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("not a GLEIF file: %w", err)
	}
	c := &csvSource{r: cr, kind: csvKindOf(header), col: map[string]int{}}
	if c.kind == csvUnknown {
		return nil, errors.New("not a GLEIF file: neither API JSON nor a golden-copy CSV header (LEI2, RR or reporting exceptions)")
	}
	for i, h := range header {
		h = strings.TrimSpace(h)
		c.col[h] = i
		if isNumberedColumn(h, "Entity.OtherEntityNames.OtherEntityName.") ||
			isNumberedColumn(h, "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.") {
			c.otherNames = append(c.otherNames, i)
		}
	}
	for n := 1; ; n++ {
		p := fmt.Sprintf("Relationship.Period.%d.", n)
		start, ok := c.col[p+"startDate"]
		if !ok {
			break
		}
		c.periods = append(c.periods, periodCols{start: start, end: c.index(p + "endDate"), typ: c.index(p + "periodType")})
	}
	return c, nil
}

// isNumberedColumn reports whether h is prefix followed by digits only.
func isNumberedColumn(h, prefix string) bool {
	n, ok := strings.CutPrefix(h, prefix)
	if !ok || n == "" {
		return false
	}
	for _, c := range n {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (c *csvSource) index(name string) int {
	if i, ok := c.col[name]; ok {
		return i
	}
	return -1
}

// fill reads rows until one gives a result or the file ends (then it clears s.rows).
func (c *csvSource) fill(s *Source) error {
	for len(s.queue) == 0 {
		row, err := c.r.Read()
		if errors.Is(err, io.EOF) {
			s.rows = nil
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
			s.fail(pe.Line, fmt.Errorf("malformed CSV: %w", pe.Err))
			continue
		}
		if err != nil && !errors.Is(err, csv.ErrFieldCount) {
			return fmt.Errorf("%s: read: %w", s.name, err)
		}
		// Only a row read gives positions (FieldPos panics after a row that
		// did not parse, such as an unterminated quote at the end).
		line, _ := c.r.FieldPos(0)
		get := func(name string) string { return cell(row, c.index(name)) }
		switch c.kind {
		case csvLEI:
			e := entity{lei: get("LEI"), name: get("Entity.LegalName"), jurisdiction: get("Entity.LegalJurisdiction"),
				legalCountry: get("Entity.LegalAddress.Country"), hqCountry: get("Entity.HeadquartersAddress.Country"),
				category:     get("Entity.EntityCategory"),
				registeredAs: get("Entity.RegistrationAuthority.RegistrationAuthorityEntityID")}
			e.leiField, e.nameField = "LEI", "Entity.LegalName"
			for _, i := range c.otherNames {
				e.others = append(e.others, cell(row, i))
			}
			s.entityRecord(line, &e)
		case csvRR:
			rel := relationship{start: get("Relationship.StartNode.NodeID"), startType: get("Relationship.StartNode.NodeIDType"),
				end: get("Relationship.EndNode.NodeID"), endType: get("Relationship.EndNode.NodeIDType"),
				typ: get("Relationship.RelationshipType"), status: get("Relationship.RelationshipStatus"),
				registrationStatus: get("Registration.RegistrationStatus"), lastUpdate: get("Registration.LastUpdateDate"),
				startField: "Relationship.StartNode.NodeID", endField: "Relationship.EndNode.NodeID",
				startTypeField: "Relationship.StartNode.NodeIDType", endTypeField: "Relationship.EndNode.NodeIDType",
				periodsField: "Relationship.Period", typField: "Relationship.RelationshipType"}
			for _, p := range c.periods {
				rel.periods = append(rel.periods, period{start: cell(row, p.start), end: cell(row, p.end), typ: cell(row, p.typ)})
			}
			rel.recordID = rel.start + "|" + rel.typ + "|" + rel.end
			s.relationshipRecord(line, &rel)
		case csvRepex:
			s.stats.ReportingExceptions++
		}
	}
	return nil
}

func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}
