package bods

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// TestGolden reads every input under testdata/ and compares what was understood,
// in the native form, with the .golden file next to it.
func TestGolden(t *testing.T) {
	formattest.GoldenSources(t, []string{"testdata/*.json", "testdata/*.jsonl"}, Detect, NewSource)
}

func TestDetect(t *testing.T) {
	formattest.CheckDetect(t, Detect, "f", []string{
		`[{"statementID":"x","statementType":"entityStatement"}]`,
		`{"statementId": "x", "statementType": "entityStatement"}`,
		`[{"statementId":"x","recordId":"r","recordType":"entity","recordDetails":{}}]`,
		`{"statementID":"x","statementType":"personStatement"}` + "\n",
	}, []string{
		`{"kind":"entity","id":"bods:x","name":"X"}`,
		`{"data":[{"type":"lei-records"}]}`,
		`{"id":"x","schema":"Company","properties":{}}`,
		`statementType,statementID`,
	})
}

func TestRegistered(t *testing.T) {
	f, err := formats.Get("bods")
	if err != nil || f.Detect == nil || f.Open == nil {
		t.Fatalf("bods not registered: %v", err)
	}
	if got := formats.Detect("x.json", []byte(`[{"statementID":"x","statementType":"entityStatement"}]`)); got.Name != "bods" {
		t.Errorf("formats.Detect picked %q", got.Name)
	}
}

func TestShares(t *testing.T) {
	pct := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		name     string
		in       rawShare
		min, max float64
		mode     model.ShareMode
		err      string
	}{
		{"exact", rawShare{Exact: pct(76.5)}, 76.5, 76.5, model.ShareExact, ""},
		{"exact wins over a range", rawShare{Exact: pct(50), Minimum: pct(50), Maximum: pct(50)}, 50, 50, model.ShareExact, ""},
		{"closed range", rawShare{Minimum: pct(25), Maximum: pct(50)}, 25, 50, model.ShareRange, ""},
		{"more than 25, at most 50", rawShare{ExclusiveMinimum: pct(25), Maximum: pct(50)}, 25.000001, 50, model.ShareRange, ""},
		{"more than 50, less than 75", rawShare{ExclusiveMinimum: pct(50), ExclusiveMaximum: pct(75)}, 50.000001, 74.999999, model.ShareRange, ""},
		{"at least 75", rawShare{Minimum: pct(75)}, 75, 100, model.ShareRange, ""},
		{"less than 25", rawShare{ExclusiveMaximum: pct(25)}, 0, 24.999999, model.ShareRange, ""},
		{"tighter of both lower bounds", rawShare{Minimum: pct(20), ExclusiveMinimum: pct(25)}, 25.000001, 100, model.ShareRange, ""},
		{"empty", rawShare{}, 0, 100, model.ShareUnknown, ""},
		{"min above max", rawShare{Minimum: pct(60), Maximum: pct(40)}, 0, 0, 0, "empty"},
		{"exclusive bounds that meet", rawShare{ExclusiveMinimum: pct(50), ExclusiveMaximum: pct(50)}, 0, 0, 0, "empty"},
		{"over 100", rawShare{Exact: pct(100.5)}, 0, 0, 0, "outside"},
		{"negative", rawShare{Minimum: pct(-1)}, 0, 0, 0, "outside"},
	} {
		s, _, err := parseShare(&c.in)
		formattest.CheckShare(t, c.name, s, err, c.min, c.max, c.mode, c.err)
	}
}

func TestParseDay(t *testing.T) {
	for _, c := range []struct {
		in   string
		end  bool
		want string
	}{
		{"2019-04-01", false, "2019-04-01"},
		{"2019-09-11T11:17:23Z", false, "2019-09-11"},
		{"2020-02", false, "2020-02-01"},
		{"2020-02", true, "2020-03-01"},
		{"2020-12", true, "2021-01-01"},
		{"2018", false, "2018-01-01"},
		{"2018", true, "2019-01-01"},
		{"", false, ""},
		{"", true, ""},
	} {
		d, err := parseDay(c.in, c.end)
		if err != nil || d.String() != c.want {
			t.Errorf("parseDay(%q, %v) = %v, %v; want %q", c.in, c.end, d, err, c.want)
		}
	}
	for _, bad := range []string{"01/02/2020", "2020-13-01", "20", "2020-1"} {
		if _, err := parseDay(bad, false); err == nil {
			t.Errorf("parseDay(%q) accepted", bad)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	got := identifiers([]rawIdentifier{
		{Scheme: "GB-COH", ID: "04366849"}, {Scheme: "XI-LEI", ID: "21380068p1drhmj8ku70"}, {Scheme: "FI-PRO", ID: "3007894-1"},
		{Scheme: "CN-SAIC", ID: "91440300192203821L"}, {Scheme: "MX-RFC", ID: "CPL211105123"},
		{SchemeName: "Company Registry, Delaware. Company number", ID: "758355"}, {Scheme: "GB-COH", ID: "99999999"}, {Scheme: "NO-BRC", ID: ""},
	})
	want := []model.Identifier{
		{Scheme: "registration", Value: "GB:04366849"}, {Scheme: "lei", Value: "21380068P1DRHMJ8KU70"},
		{Scheme: "uscc", Value: "91440300192203821L"}, {Scheme: "mx-rfc", Value: "CPL211105123"},
		{Scheme: "company-registry-delaware-company-number", Value: "758355"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identifiers (-want +got):\n%s", diff)
	}
}

// TestStats checks the counts of the golden inputs that exercise indirect
// statements, versions and replacements.
func TestStats(t *testing.T) {
	for _, c := range []struct {
		file string
		want Stats
	}{
		{"v04_indirect.json", Stats{Statements: 14, Entities: 4, Persons: 1, Ownership: 7, Control: 2,
			IndirectSkipped: 2, IndirectOnly: 2, UnspecifiedParty: 1}},
		{"v04_updates.json", Stats{Statements: 16, Entities: 2, Persons: 1, Ownership: 9, Control: 4, Superseded: 4}},
		{"v02_replaces.json", Stats{Statements: 12, Entities: 2, Persons: 1, Ownership: 3, Control: 3, IndirectSkipped: 1,
			Replaced: 1, UnspecifiedParty: 1, Dropped: 1, Rejected: 2}},
	} {
		in, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		src := NewSource(c.file, bytes.NewReader(in))
		formattest.Render(t, src)
		if diff := cmp.Diff(c.want, src.Stats()); diff != "" {
			t.Errorf("%s stats (-want +got):\n%s", c.file, diff)
		}
	}
}

func TestErrorsAreBadInput(t *testing.T) {
	in, err := os.ReadFile("testdata/v04_shares.json")
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, le := range formattest.Read(t, NewSource("v04_shares.json", bytes.NewReader(in))).Errs {
		if !errors.Is(le, model.ErrBadInput) || le.File != "v04_shares.json" {
			t.Errorf("%v", le)
		}
		fields = append(fields, le.Field)
	}
	want := []string{"recordDetails.interests[0].share", "recordDetails.interests[0].share", "recordDetails.interests[0].startDate",
		"recordDetails.interests.share.exact", "recordDetails.subject", "recordType"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("error fields (-want +got):\n%s", diff)
	}
}
