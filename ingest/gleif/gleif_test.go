package gleif

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// TestGolden reads every input under testdata/ and compares what was understood,
// in the native form, with the .golden file next to it.
func TestGolden(t *testing.T) {
	formattest.GoldenSources(t, []string{"testdata/*.json", "testdata/*.csv", "testdata/*.xml"}, Detect, NewSource)
}

func TestDetect(t *testing.T) {
	formattest.CheckDetect(t, Detect, "f", []string{
		`{"meta":{},"data":[{"type":"lei-records","id":"X"}]}`,
		`{"data": {"type": "relationship-records"}}`,
		`{"data":{"type":"reporting-exceptions"}}`,
		`{"meta":{"goldenCopy":{"publishDate":"2025-05-15T00:00:00Z"},"pagination":{"total":0}},"links":{"first":"https://api.gleif.org/api/v1/lei-records?page%5Bnumber%5D=1"},"data":[]}`,
		"\xef\xbb\xbf" + `"LEI","Entity.LegalName","Entity.LegalName.xmllang"` + "\n",
		`Relationship.StartNode.NodeID,Relationship.StartNode.NodeIDType,Relationship.EndNode.NodeID` + "\r\n",
		`"LEI","Exception.Category","Exception.Reason.1"`,
		`{"records":[{"LEI":{"$":"TESTLEI0000000000301"},"Entity":{}}]}`,
		`[{"LEI": {"$": "TESTLEI0000000000301"}}]`,
		`{"relations":[{"RelationshipRecord":{"Relationship":{"StartNode":{"NodeID":{"$":"X"}}}}}]}`,
		`<?xml version="1.0"?>` + "\n" + `<lei:LEIData xmlns:lei="http://www.gleif.org/data/schema/leidata/2016">`,
		`<rr:RelationshipData xmlns:rr="http://www.gleif.org/data/schema/rr/2016">`,
	}, []string{
		`<sdnList xmlns="http://tempuri.org/sdnList.xsd">`,
		`{"LEI":"TESTLEI0000000000301"}`,
		`{"kind":"entity","id":"lei:X","name":"X"}`,
		`{"data":{"type":"isins"},"links":"https://api.gleif.org/api/v1/lei-records"}`,
		`[{"statementID":"x","statementType":"entityStatement"}]`,
		`{"id":"x","schema":"Company","properties":{}}`,
		`LEI,Name`,
	})
}

func TestRegistered(t *testing.T) {
	f, err := formats.Get("gleif")
	if err != nil {
		t.Fatal(err)
	}
	if f.Detect == nil || f.Open == nil {
		t.Fatal("gleif registered without Open or Detect")
	}
	if got := formats.Detect("x.json", []byte(`{"data":[{"type":"lei-records"}]}`)); got.Name != "gleif" {
		t.Errorf("formats.Detect picked %q", got.Name)
	}
}

func TestParseDate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2018-12-31T23:00:00Z", "2019-01-01"},      // CET midnight
		{"2017-07-16T22:00:00Z", "2017-07-17"},      // CEST midnight
		{"2006-08-08T02:00:00Z", "2006-08-08"},      // a little after midnight
		{"2020-03-01T05:00:00Z", "2020-03-01"},      // US Eastern midnight
		{"2019-12-31T16:00:00Z", "2020-01-01"},      // China midnight
		{"2019-01-01T11:59:59Z", "2019-01-01"},      // not a midnight: its UTC day
		{"2023-07-31T17:11:36Z", "2023-07-31"},      // a real time of day keeps its day
		{"2026-05-24T07:13:00Z", "2026-05-24"},      // not on any zone's midnight
		{"2018-04-13T15:30:00Z", "2018-04-13"},      // no zone is UTC+8:30
		{"2014-03-20T18:30:00Z", "2014-03-21"},      // India midnight
		{"2014-03-20T18:15:00Z", "2014-03-21"},      // Nepal midnight
		{"2014-03-20T03:30:00Z", "2014-03-20"},      // Newfoundland midnight
		{"2020-05-11T11:47:13.761Z", "2020-05-11"},  // fractions of a second: a real time
		{"2016-01-01T00:00:00+08:00", "2016-01-01"}, // explicit offset: the local date
		{"2016-01-01T23:30:00-05:00", "2016-01-01"},
		{"2016-01-01", "2016-01-01"},
		{"2016-01-01T00:00:00.000Z", "2016-01-01"},
	} {
		d, err := parseDate(c.in)
		if err != nil || d.String() != c.want {
			t.Errorf("parseDate(%q) = %v, %v; want %s", c.in, d, err, c.want)
		}
	}
	for _, bad := range []string{"31/12/2019", "2019-13-01", "yesterday"} {
		if _, err := parseDate(bad); err == nil {
			t.Errorf("parseDate(%q) accepted", bad)
		}
	}
}

// TestStats checks the counts of the relationship sample, which exercises every outcome.
func TestStats(t *testing.T) {
	in, err := os.ReadFile("testdata/relationships.json")
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource("relationships.json", bytes.NewReader(in))
	formattest.Render(t, src)
	want := Stats{Relationships: 13, Control: 6, SameAs: 1, Deleted: 1, SkippedFund: 1, SkippedAnnulled: 1, Rejected: 3}
	if diff := cmp.Diff(want, src.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func TestErrorsNameRecordAndField(t *testing.T) {
	in, err := os.ReadFile("testdata/relationships.json")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, le := range formattest.Read(t, NewSource("relationships.json", bytes.NewReader(in))).Errs {
		if !errors.Is(le, model.ErrBadInput) {
			t.Errorf("%v is not ErrBadInput", le)
		}
		got = append(got, le.Field)
	}
	want := []string{"to", "relationship.startNode.type", "relationship.periods"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error fields (-want +got):\n%s", diff)
	}
}

func TestNotGLEIF(t *testing.T) {
	src := NewSource("x.csv", strings.NewReader("a,b,c\n1,2,3\n"))
	var op ingest.Op
	err := src.Next(&op)
	var le *ingest.LineError
	if !errors.As(err, &le) || !strings.Contains(le.Reason, "not a GLEIF file") {
		t.Fatalf("got %v", err)
	}
	src = NewSource("empty.json", strings.NewReader(""))
	if err := src.Next(&op); !errors.Is(err, io.EOF) {
		t.Fatalf("empty file: %v", err)
	}
}

// TestCDFCutShort checks that an XML or golden-copy JSON file cut short gives
// its records so far and then one error naming the place, not a fatal one.
func TestCDFCutShort(t *testing.T) {
	for _, f := range []string{"testdata/lei-cdf.xml", "testdata/lei2-golden.json"} {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cut := in[:len(in)-60] // inside the last record
		res := formattest.Read(t, NewSource(f, bytes.NewReader(cut)))
		if len(res.Ops) == 0 || len(res.Errs) == 0 || !strings.Contains(res.Errs[len(res.Errs)-1].Reason, "malformed") {
			t.Errorf("%s cut short: %d records, errors %v; want the first records and a malformed-input error", f, len(res.Ops), res.Errs)
		}
	}
}
