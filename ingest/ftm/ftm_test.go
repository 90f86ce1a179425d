package ftm

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
	"github.com/keiretsu/keiretsu/internal/rules"
)

var update = flag.Bool("update", false, "rewrite golden files")

// builtinKnown knows the built-in regimes, as a run without --regimes does.
func builtinKnown() func(string) bool {
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		panic(err)
	}
	return set.Has
}

// render reads every operation of src and writes it in the canonical native form,
// with errors inline and each regime's definition after it.
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
		if op.Record.Kind == model.KindRegime {
			out = append(out, "# spec "+string(op.Record.Spec)+"\n"...)
		}
	}
}

// checkOp verifies what every format promises: records are normalized and valid,
// and a regime's definition is one the rules accept.
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
	if r.Kind == model.KindRegime {
		reg, err := rules.ParseSpec(r.Spec)
		if err != nil {
			return err
		}
		if reg.ID != r.ID || reg.Rule != rules.RuleListed {
			return errors.New("regime spec does not match its record")
		}
	}
	return op.Record.Validate(nil)
}

// TestGolden reads every input under testdata/ and compares what was understood,
// in the native form, with the .golden file next to it.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
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
			out := render(t, NewSource(f, bytes.NewReader(in), builtinKnown()))
			golden := strings.TrimSuffix(f, ".json") + ".golden"
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
		{`{"id":"x","schema":"Company","properties":{"name":["X"]}}` + "\n", true},
		{`{"op":"DEL","entity":{"id":"NK-1"}}` + "\n", true},
		{`{"op":"DEL","entity":{"id":"NK-1"}}`, true},
		{`{"op": "ADD", "entity": {"id": "x", "schema": "Person", "properties": {}}}` + "\n", true},
		{`{"id":"x","schema":"Company","properties":{"name":["` + strings.Repeat("x", 5000), true},
		{`{"kind":"listing","op":"delete","entity":"x","regime":"US-OFAC-SDN"}` + "\n", false},
		{`{"kind":"entity","id":"x","name":"X"}` + "\n", false},
		{`[{"statementID":"x","statementType":"entityStatement"}]`, false},
		{`{"data":[{"type":"lei-records"}]}`, false},
		{`id,schema,properties`, false},
	} {
		if got := Detect("f", []byte(c.head)); got != c.want {
			t.Errorf("Detect(%.60q) = %v, want %v", c.head, got, c.want)
		}
	}
}

func TestRegistered(t *testing.T) {
	f, err := formats.Get("ftm")
	if err != nil || f.Detect == nil || f.Open == nil {
		t.Fatalf("ftm not registered: %v", err)
	}
	if got := formats.Detect("x.json", []byte(`{"id":"x","schema":"Company","properties":{}}`+"\n")); got.Name != "ftm" {
		t.Errorf("formats.Detect picked %q", got.Name)
	}
}

func TestPercentages(t *testing.T) {
	for _, c := range []struct {
		in       []string
		min, max float64
		mode     model.ShareMode
		err      string
	}{
		{[]string{"51%"}, 51, 51, model.ShareExact, ""},
		{[]string{"51"}, 51, 51, model.ShareExact, ""},
		{[]string{" 51.5 % "}, 51.5, 51.5, model.ShareExact, ""},
		{[]string{"51,5"}, 51.5, 51.5, model.ShareExact, ""},
		{[]string{"0.51"}, 0.51, 0.51, model.ShareExact, ""}, // a percent as written, not a fraction
		{[]string{"100"}, 100, 100, model.ShareExact, ""},
		{[]string{"25-50"}, 25, 50, model.ShareRange, ""},
		{[]string{"25 – 50 %"}, 25, 50, model.ShareRange, ""},
		{[]string{"25 to 50%"}, 25, 50, model.ShareRange, ""},
		{[]string{">50"}, 50.000001, 100, model.ShareRange, ""},
		{[]string{">= 75%"}, 75, 100, model.ShareRange, ""},
		{[]string{"<25"}, 0, 24.999999, model.ShareRange, ""},
		{[]string{"<=25"}, 0, 25, model.ShareRange, ""},
		{[]string{"30", "35"}, 30, 35, model.ShareRange, ""},
		{[]string{"30", "30%"}, 30, 30, model.ShareExact, ""},
		{nil, 0, 100, model.ShareUnknown, ""},
		{[]string{"150"}, 0, 0, 0, "outside"},
		{[]string{"-5"}, 0, 0, 0, "outside"},
		{[]string{"about half"}, 0, 0, 0, "not a percentage"},
		{[]string{"50-25"}, 0, 0, 0, "empty range"},
		{[]string{"NaN"}, 0, 0, 0, "not a percentage"},
	} {
		s, err := parsePercentages(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || s.Mode != c.mode || model.Percent(uint64(s.Min)) != c.min || model.Percent(uint64(s.Max)) != c.max {
			t.Errorf("%q: %+v %v, want %v..%v mode %d", c.in, s, err, c.min, c.max, c.mode)
		}
	}
}

func TestStats(t *testing.T) {
	for _, c := range []struct {
		file string
		want Stats
	}{
		{"entities.ftm.json", Stats{Lines: 33, Entities: 7, Ownership: 6, Control: 3, Listings: 10, TopicListings: 6,
			Regimes: 2, Ignored: 3, Rejected: 10}},
		{"updates.delta.json", Stats{Lines: 13, Entities: 5, Ownership: 2, Control: 1, Listings: 1, TopicListings: 1,
			Deletes: 19, Rejected: 2}},
	} {
		in, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		src := NewSource(c.file, bytes.NewReader(in), builtinKnown())
		render(t, src)
		if diff := cmp.Diff(c.want, src.Stats()); diff != "" {
			t.Errorf("%s stats (-want +got):\n%s", c.file, diff)
		}
	}
}

// TestKnownRegimeNotRedefined checks that a regime the run knows (from --regimes or
// an earlier run) is named but not defined again.
func TestKnownRegimeNotRedefined(t *testing.T) {
	known := func(id string) bool { return id == "FTM-ch_seco_sanctions" || builtinKnown()(id) }
	line := `{"id":"s","schema":"Sanction","properties":{"entity":["e"],"program":["Ukraine"]},"datasets":["ch_seco_sanctions"]}`
	out := string(render(t, NewSource("k.json", strings.NewReader(line), known)))
	if strings.Contains(out, `"kind":"regime"`) || !strings.Contains(out, `"regime":"FTM-ch_seco_sanctions"`) {
		t.Errorf("got:\n%s", out)
	}
	// A listing under a regime the run does not know at all is rejected.
	unknown := func(string) bool { return false }
	line = `{"id":"s","schema":"Sanction","properties":{"entity":["e"],"program":["SDGT"]},"datasets":["us_ofac_sdn"]}`
	out = string(render(t, NewSource("u.json", strings.NewReader(line), unknown)))
	if !strings.Contains(out, "ERROR u.json:1: field regime: unknown regime") {
		t.Errorf("got:\n%s", out)
	}
}
