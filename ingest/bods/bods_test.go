package bods

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// render reads every operation of src and writes it in the canonical native form,
// with errors inline.
func render(t *testing.T, src ingest.Source) []byte {
	t.Helper()
	var out []byte
	var op ingest.Op
	for {
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			return out
		}
		var le *ingest.LineError
		if errors.As(err, &le) {
			out = append(out, "ERROR "+le.Error()+"\n"...)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", src.Name(), err)
		}
		if err := checkOp(&op); err != nil {
			t.Errorf("%s:%d: emitted an invalid record: %v", src.Name(), op.Line, err)
		}
		out = native.Append(out, &op)
	}
}

// checkOp verifies what every format promises: records are normalized and valid.
func checkOp(op *ingest.Op) error {
	r := op.Record
	r.Identifiers = append([]model.Identifier(nil), r.Identifiers...)
	r.Normalize()
	if !bytes.Equal(r.Encode(nil), op.Record.Encode(nil)) {
		return errors.New("not normalized")
	}
	if op.Delete {
		return nil
	}
	return op.Record.Validate(nil)
}

func goldenInputs(t *testing.T) []string {
	var files []string
	for _, pat := range []string{"testdata/*.json", "testdata/*.jsonl"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	return files
}

// TestGolden reads every input under testdata/ and compares what was understood,
// in the native form, with the .golden file next to it.
func TestGolden(t *testing.T) {
	for _, f := range goldenInputs(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !Detect(f, in[:min(len(in), 4096)]) {
				t.Errorf("Detect does not recognise %s", f)
			}
			out := render(t, NewSource(f, bytes.NewReader(in)))
			golden := strings.TrimSuffix(f, filepath.Ext(f)) + ".golden"
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), string(out)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		head string
		want bool
	}{
		{`[{"statementID":"x","statementType":"entityStatement"}]`, true},
		{`{"statementId": "x", "statementType": "entityStatement"}`, true},
		{`[{"statementId":"x","recordId":"r","recordType":"entity","recordDetails":{}}]`, true},
		{`{"statementID":"x","statementType":"personStatement"}` + "\n", true},
		{`{"kind":"entity","id":"bods:x","name":"X"}`, false},
		{`{"data":[{"type":"lei-records"}]}`, false},
		{`{"id":"x","schema":"Company","properties":{}}`, false},
		{`statementType,statementID`, false},
	} {
		if got := Detect("f", []byte(c.head)); got != c.want {
			t.Errorf("Detect(%q) = %v, want %v", c.head, got, c.want)
		}
	}
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
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || s.Mode != c.mode || model.Percent(uint64(s.Min)) != c.min || model.Percent(uint64(s.Max)) != c.max {
			t.Errorf("%s: %+v %v, want %v..%v mode %d", c.name, s, err, c.min, c.max, c.mode)
		}
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
		render(t, src)
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
	src := NewSource("v04_shares.json", bytes.NewReader(in))
	var fields []string
	var op ingest.Op
	for {
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			break
		}
		var le *ingest.LineError
		if errors.As(err, &le) {
			if !errors.Is(err, model.ErrBadInput) || le.File != "v04_shares.json" {
				t.Errorf("%v", err)
			}
			fields = append(fields, le.Field)
		}
	}
	want := []string{"recordDetails.interests[0].share", "recordDetails.interests[0].share", "recordDetails.interests[0].startDate",
		"recordDetails.interests.share.exact", "recordDetails.subject", "recordType"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("error fields (-want +got):\n%s", diff)
	}
}
