package gleif

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// apiDoc is a GLEIF API response: "data" is one resource or an array of them.
type apiDoc struct {
	Data json.RawMessage `json:"data"`
}

type apiResource struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Attributes json.RawMessage `json:"attributes"`
}

type apiName struct {
	Name string `json:"name"`
}

type apiLEI struct {
	LEI    string `json:"lei"`
	Entity struct {
		LegalName                apiName   `json:"legalName"`
		OtherNames               []apiName `json:"otherNames"`
		TransliteratedOtherNames []apiName `json:"transliteratedOtherNames"`
		LegalAddress             struct {
			Country string `json:"country"`
		} `json:"legalAddress"`
		HeadquartersAddress struct {
			Country string `json:"country"`
		} `json:"headquartersAddress"`
		RegisteredAs string `json:"registeredAs"`
		Jurisdiction string `json:"jurisdiction"`
		Category     string `json:"category"`
	} `json:"entity"`
	BIC      stringList `json:"bic"`
	OCID     string     `json:"ocid"`
	QCC      string     `json:"qcc"`
	SPGlobal stringList `json:"spglobal"`
}

type apiNode struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type apiRelationship struct {
	ValidTo      string `json:"validTo"`
	Relationship struct {
		StartNode apiNode `json:"startNode"`
		EndNode   apiNode `json:"endNode"`
		Type      string  `json:"type"`
		Status    string  `json:"status"`
		Periods   []struct {
			StartDate string `json:"startDate"`
			EndDate   string `json:"endDate"`
			Type      string `json:"type"`
		} `json:"periods"`
	} `json:"relationship"`
	Registration struct {
		Status         string `json:"status"`
		LastUpdateDate string `json:"lastUpdateDate"`
	} `json:"registration"`
	Extension struct {
		DeletedAt string `json:"deletedAt"`
	} `json:"extension"`
}

// stringList reads a JSON string, an array of strings or null.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = nil
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = []string{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*l = ss
	return nil
}

func (l stringList) first() string {
	for _, s := range l {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// readAPI reads a whole API response and queues its records.
func (s *Source) readAPI() error {
	body, err := io.ReadAll(s.br)
	if err != nil {
		return fmt.Errorf("%s: read: %w", s.name, err)
	}
	body = bytes.TrimSpace(body)
	var items []json.RawMessage
	if len(body) > 0 && body[0] == '[' {
		// A bare array of resources (e.g. the "data" arrays of several pages joined).
		if err := json.Unmarshal(body, &items); err != nil {
			return &ingest.LineError{File: s.name, Line: 1, Reason: "malformed JSON: " + err.Error(), Err: err}
		}
	} else {
		var doc apiDoc
		if err := json.Unmarshal(body, &doc); err != nil {
			return &ingest.LineError{File: s.name, Line: 1, Reason: "malformed JSON: " + err.Error(), Err: err}
		}
		data := bytes.TrimSpace(doc.Data)
		switch {
		case len(data) == 0 || string(data) == "null":
			return &ingest.LineError{File: s.name, Line: 1, Field: "data", Reason: "required (a GLEIF API response)"}
		case data[0] == '[':
			if err := json.Unmarshal(data, &items); err != nil {
				return &ingest.LineError{File: s.name, Line: 1, Field: "data", Reason: err.Error(), Err: err}
			}
		default:
			items = []json.RawMessage{data}
		}
	}
	for i, raw := range items {
		s.apiItem(i+1, raw)
	}
	return nil
}

func (s *Source) apiItem(line int, raw json.RawMessage) {
	var res apiResource
	if err := json.Unmarshal(raw, &res); err != nil {
		s.fail(line, fmt.Errorf("malformed resource: %w", err))
		return
	}
	switch res.Type {
	case "lei-records":
		var a apiLEI
		if err := json.Unmarshal(res.Attributes, &a); err != nil {
			s.fail(line, fieldErr("attributes", "%w", err))
			return
		}
		e := entity{lei: a.LEI, name: a.Entity.LegalName.Name, jurisdiction: a.Entity.Jurisdiction,
			legalCountry: a.Entity.LegalAddress.Country, hqCountry: a.Entity.HeadquartersAddress.Country, category: a.Entity.Category,
			registeredAs: a.Entity.RegisteredAs, bic: a.BIC.first(), ocid: a.OCID, qcc: a.QCC,
			spglobal: a.SPGlobal.first(), leiField: "lei", nameField: "entity.legalName.name"}
		if e.lei == "" {
			e.lei = res.ID
		}
		for _, n := range a.Entity.OtherNames {
			e.others = append(e.others, n.Name)
		}
		for _, n := range a.Entity.TransliteratedOtherNames {
			e.others = append(e.others, n.Name)
		}
		s.entityRecord(line, &e)
	case "relationship-records":
		var a apiRelationship
		if err := json.Unmarshal(res.Attributes, &a); err != nil {
			s.fail(line, fieldErr("attributes", "%w", err))
			return
		}
		rr := a.Relationship
		rel := relationship{recordID: res.ID, start: strings.TrimSpace(rr.StartNode.ID), startType: rr.StartNode.Type,
			end: strings.TrimSpace(rr.EndNode.ID), endType: rr.EndNode.Type, typ: rr.Type, status: rr.Status,
			validTo: a.ValidTo, registrationStatus: a.Registration.Status, lastUpdate: a.Registration.LastUpdateDate,
			deleted:    a.Extension.DeletedAt != "",
			startField: "relationship.startNode.id", endField: "relationship.endNode.id",
			startTypeField: "relationship.startNode.type", endTypeField: "relationship.endNode.type",
			periodsField: "relationship.periods", typField: "relationship.type"}
		for _, p := range rr.Periods {
			rel.periods = append(rel.periods, period{start: p.StartDate, end: p.EndDate, typ: p.Type})
		}
		if rel.recordID == "" {
			rel.recordID = rel.start + "|" + rel.typ + "|" + rel.end
		}
		s.relationshipRecord(line, &rel)
	case "reporting-exceptions":
		s.stats.ReportingExceptions++
	default:
		s.fail(line, fieldErr("type", "%q is not lei-records, relationship-records or reporting-exceptions", res.Type))
	}
}

// parseDate reads a GLEIF date or timestamp as a calendar day (see the package
// documentation): YYYY-MM-DD as is; an instant with an explicit offset as its local
// date; an instant in UTC that is some time zone's midnight as the day of the
// nearest midnight; any other instant in UTC (a registration at 17:11:36) as its
// UTC day.
func parseDate(v string) (model.Date, error) {
	v = strings.TrimSpace(v)
	if len(v) == 10 {
		return model.ParseDate(v)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05"} {
		t, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		if !strings.HasSuffix(v, "Z") && !strings.HasSuffix(v, "+00:00") {
			return model.ParseDate(v[:10])
		}
		if zoneMidnight(t) {
			return model.DateOf(t.Add(12 * time.Hour)), nil
		}
		return model.DateOf(t), nil
	}
	return 0, fmt.Errorf("%q is not a date or timestamp", v)
}

// midnightOffsets are the UTC offsets, in minutes, of the time zones whose
// midnight an instant in UTC may be (from UTC-11 to UTC+12, the range in which
// the nearest midnight is the intended day): whole hours, and the zones of half
// and three-quarter hours (Newfoundland, Marquesas, Iran, Afghanistan, India,
// Nepal, Myanmar, Eucla, South Australia, Lord Howe).
var midnightOffsets = func() map[int]bool {
	m := map[int]bool{}
	for h := -11; h <= 12; h++ {
		m[h*60] = true
	}
	for _, o := range []int{-9*60 - 30, -3*60 - 30, -2*60 - 30, 3*60 + 30, 4*60 + 30, 5*60 + 30, 5*60 + 45, 6*60 + 30, 8*60 + 45, 9*60 + 30, 10*60 + 30} {
		m[o] = true
	}
	return m
}()

// zoneMidnight reports whether the UTC instant t is midnight in a time zone of
// midnightOffsets: whole minutes, at a time of day that such a midnight falls on.
func zoneMidnight(t time.Time) bool {
	t = t.UTC()
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return false
	}
	m := t.Hour()*60 + t.Minute() // UTC time of day of local midnight at offset -m (mod a day)
	return midnightOffsets[-m] || midnightOffsets[24*60-m]
}
