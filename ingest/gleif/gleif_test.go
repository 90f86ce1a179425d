package gleif

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

// TestGolden reads every input under testdata/ and compares what was understood,
// in the native form, with the .golden file next to it.
func TestGolden(t *testing.T) {
	var files []string
	for _, pat := range []string{"testdata/*.json", "testdata/*.csv"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
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
		{`{"meta":{},"data":[{"type":"lei-records","id":"X"}]}`, true},
		{`{"data": {"type": "relationship-records"}}`, true},
		{`{"data":{"type":"reporting-exceptions"}}`, true},
		{"\xef\xbb\xbf" + `"LEI","Entity.LegalName","Entity.LegalName.xmllang"` + "\n", true},
		{`Relationship.StartNode.NodeID,Relationship.StartNode.NodeIDType,Relationship.EndNode.NodeID` + "\r\n", true},
		{`"LEI","Exception.Category","Exception.Reason.1"`, true},
		{`{"kind":"entity","id":"lei:X","name":"X"}`, false},
		{`{"data":{"type":"isins"},"links":"https://api.gleif.org/api/v1/lei-records"}`, false},
		{`[{"statementID":"x","statementType":"entityStatement"}]`, false},
		{`{"id":"x","schema":"Company","properties":{}}`, false},
		{`LEI,Name`, false},
	} {
		if got := Detect("f", []byte(c.head)); got != c.want {
			t.Errorf("Detect(%q) = %v, want %v", c.head, got, c.want)
		}
	}
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
		{"2019-01-01T11:59:59Z", "2019-01-01"},      // before noon rounds down
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
	render(t, src)
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
	src := NewSource("relationships.json", bytes.NewReader(in))
	var got []string
	var op ingest.Op
	for {
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			break
		}
		var le *ingest.LineError
		if errors.As(err, &le) {
			if !errors.Is(err, model.ErrBadInput) {
				t.Errorf("%v is not ErrBadInput", err)
			}
			got = append(got, le.Field)
		}
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
