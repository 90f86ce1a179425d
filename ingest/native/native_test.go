package native_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/model"
)

func known(id string) bool { return id == "US-OFAC-SDN" || id == "US-NDAA-889" }

// TestGolden reads testdata/*.jsonl and compares what was understood, written back
// in the canonical native form with errors inline, with testdata/*.golden.
func TestGolden(t *testing.T) {
	formattest.GoldenFiles(t, []string{"testdata/*.jsonl"}, func(t *testing.T, f string, in []byte) []byte {
		return formattest.Read(t, native.NewReader(filepath.Base(f), bytes.NewReader(in), known)).Golden
	})
}

// TestRoundTrip checks that Append writes what Parse reads back unchanged.
func TestRoundTrip(t *testing.T) {
	in, err := os.ReadFile("testdata/valid.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	rd := native.NewReader("valid.jsonl", bytes.NewReader(in), known)
	var op ingest.Op
	n := 0
	for {
		err := rd.Next(&op)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		line := native.Append(nil, &op)
		var back ingest.Op
		if err := native.Parse(bytes.TrimSpace(line), &back, known); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		back.Line = op.Line
		if !bytes.Equal(back.Record.Encode(nil), op.Record.Encode(nil)) || back.Delete != op.Delete {
			t.Errorf("round trip of line %d changed it:\n%s", op.Line, line)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d records", n)
	}
}

func TestErrorsNameLineAndField(t *testing.T) {
	for _, c := range []struct {
		line, field, reason string
	}{
		{`{"kind":"ownership","owner":"a","owned":"b","percent":150}`, "percent", "outside 0..100"},
		{`{"kind":"ownership","owner":"a","owned":"b","percent":-1}`, "percent", "outside 0..100"},
		{`{"kind":"ownership","owner":"a","owned":"b","percentMin":60,"percentMax":40}`, "percentMin", "greater than"},
		{`{"kind":"ownership","owner":"a","owned":"b","percent":50,"percentMax":60}`, "percent", "not both"},
		{`{"kind":"ownership","owner":"a","owned":"b","percent":"50"}`, "percent", "expected a number"},
		{`{"kind":"entity","name":"No id"}`, "id", "required"},
		{`{"kind":"entity","id":"x"}`, "name", "required"},
		{`{"kind":"entity","id":"x","name":"X","type":"ministry"}`, "type", "not one of"},
		{`{"kind":"entity","id":"x","name":"X","country":"China"}`, "country", "alpha-2"},
		{`{"kind":"entity","id":"x","name":"X","hqCountry":"CHN"}`, "hqCountry", "alpha-2"},
		{`{"kind":"product","id":"p","name":"P","hqCountry":"CN"}`, "hqCountry", "only entities"},
		{`{"kind":"sourcing","product":"p","entity":"e","site":"Xinjiang"}`, "site", "ISO 3166"},
		{`{"kind":"sourcing","product":"p","entity":"e","site":"CN-"}`, "site", "ISO 3166"},
		{`{"kind":"sourcing","product":"p","entity":"e","site":"CN-XJ12"}`, "site", "ISO 3166"},
		{`{"kind":"sourcing","product":"p","entity":"e","site":"C1"}`, "site", "ISO 3166"},
		{`{"kind":"shareholding","owner":"a","owned":"b"}`, "kind", "unknown kind"},
		{`{"owner":"a","owned":"b"}`, "kind", "required"},
		{`{"kind":"listing","regime":"US-OFAC-SDN","entity":"x","from":"2020-01-01","to":"2019-01-01"}`, "to", "before"},
		{`{"kind":"listing","regime":"US-OFAC-SDN","entity":"x","from":"2020-01-01","to":"2020-01-01"}`, "to", "before"},
		{`{"kind":"listing","regime":"US-OFAC-SDN","entity":"x","from":"2024-13-45"}`, "from", "valid"},
		{`{"kind":"listing","regime":"NO-SUCH","entity":"x"}`, "regime", "unknown regime"},
		{`{"kind":"component","parent":"p","child":"c","essential":"no"}`, "essential", "true or false"},
		{`{"kind":"control","controller":"a","controlled":"b","basis":"friendship"}`, "basis", "not one of"},
		{`{"kind":"sourcing","product":"p","entity":"e","role":"distributor"}`, "role", "not one of"},
		{`{"kind":"entity","id":"x","name":"X","aliases":"X Co"}`, "aliases", "array of strings"},
		{`{"kind":"same_as","a":"x","b":"x"}`, "b", "itself"},
	} {
		rd := native.NewReader("f.jsonl", strings.NewReader("{\"kind\":\"entity\",\"id\":\"ok\",\"name\":\"Ok\"}\n\n"+c.line+"\n"), known)
		var op ingest.Op
		if err := rd.Next(&op); err != nil {
			t.Fatalf("first line: %v", err)
		}
		err := rd.Next(&op)
		var le *ingest.LineError
		if !errors.As(err, &le) {
			t.Errorf("%s: error %v, want a LineError", c.line, err)
			continue
		}
		if le.File != "f.jsonl" || le.Line != 3 || le.Field != c.field || !strings.Contains(le.Reason, c.reason) {
			t.Errorf("%s: got %q (field %q), want f.jsonl:3 field %q containing %q", c.line, le, le.Field, c.field, c.reason)
		}
		if !errors.Is(err, model.ErrBadInput) {
			t.Errorf("%s: not ErrBadInput", c.line)
		}
	}
}

func TestMalformedJSON(t *testing.T) {
	for _, line := range []string{`{"kind":"entity", "id": `, `[1,2]`, `{"kind":"entity","id":"x","name":"X"} trailing`, `{"kind":"entity","id":"x","name":"X",}`, `{"kind":"entity","id":"\x01"}`} {
		rd := native.NewReader("m.jsonl", strings.NewReader(line+"\n"), known)
		var op ingest.Op
		err := rd.Next(&op)
		var le *ingest.LineError
		if !errors.As(err, &le) || le.Line != 1 || !strings.Contains(le.Error(), "m.jsonl:1:") {
			t.Errorf("%q: %v", line, err)
		}
	}
}

// TestLongLines reads lines longer than the reader's buffer.
func TestLongLines(t *testing.T) {
	long := strings.Repeat("x", 200_000)
	in := `{"kind":"entity","id":"big","name":"` + long + `"}` + "\r\n" + `{"kind":"entity","id":"next","name":"N"}`
	rd := native.NewReader("l.jsonl", strings.NewReader(in), nil)
	var op ingest.Op
	if err := rd.Next(&op); err != nil || op.Record.Name != long {
		t.Fatalf("long line: %v", err)
	}
	if err := rd.Next(&op); err != nil || op.Record.ID != "next" || op.Line != 2 {
		t.Fatalf("line after a long one: %v %+v", err, op)
	}
}

// TestErrorsWrapTheirCause checks that a bad line's *ingest.LineError lets callers
// tell a syntax error from a bad field with errors.As, not by its text.
func TestErrorsWrapTheirCause(t *testing.T) {
	for _, c := range []struct {
		line   string
		syntax bool
		field  string
	}{
		{`{"kind":"entity", "id": `, true, ""},
		{`not json`, true, ""},
		{`{"kind":"entity","id":"a","name":"A"} trailing`, true, ""},
		{`{"kind":"entity","id":"a","name":"A","aliases":[1]}`, false, "aliases"},
		{`{"kind":"ownership","owner":"a","owned":"b","percent":"half"}`, false, "percent"},
		{`{"kind":"ownership","owner":"a","owned":"b","percent":150}`, false, "percent"},
	} {
		rd := native.NewReader("f.jsonl", strings.NewReader(c.line+"\n"), known)
		var op ingest.Op
		err := rd.Next(&op)
		var le *ingest.LineError
		if !errors.As(err, &le) || !errors.Is(err, model.ErrBadInput) {
			t.Errorf("%s: %v is not a line error of bad input", c.line, err)
			continue
		}
		var se *native.SyntaxError
		if got := errors.As(err, &se); got != c.syntax {
			t.Errorf("%s: %v: a syntax error %v, want %v", c.line, err, got, c.syntax)
		}
		var fe *model.FieldError
		if c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field || le.Field != c.field) {
			t.Errorf("%s: %v: want a *model.FieldError about %s", c.line, err, c.field)
		}
	}
}
