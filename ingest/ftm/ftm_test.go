package ftm

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// builtinKnown knows the built-in regimes, as a run without --regimes does, and
// the built-in regime ids the mapping names (the rules define the v1.1 ones:
// US-NDAA24-805, US-UFLPA).
func builtinKnown() func(string) bool {
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		panic(err)
	}
	return func(id string) bool { return set.Has(id) || builtinRegimes[id] }
}

// render reads every operation of src and writes it in the canonical native form,
// with errors inline and each regime's definition after it.
func render(t *testing.T, src ingest.Source) []byte {
	t.Helper()
	return formattest.Reader{Check: checkOp, Write: writeOp}.Read(t, src).Golden
}

// writeOp writes op in the native form, and a regime's definition after it.
func writeOp(out []byte, op *ingest.Op) []byte {
	out = native.Append(out, op)
	if op.Record.Kind == model.KindRegime {
		out = append(out, "# spec "+string(op.Record.Spec)+"\n"...)
	}
	return out
}

// checkOp is formattest.CheckOp (records are normalized and valid) and more: a
// regime's definition is one the rules accept.
func checkOp(op *ingest.Op) error {
	if err := formattest.CheckOp(op); err != nil || op.Delete {
		return err
	}
	if r := op.Record; r.Kind == model.KindRegime {
		reg, err := rules.ParseSpec(r.Spec)
		if err != nil {
			return err
		}
		if reg.ID != r.ID || reg.Rule != rules.RuleListed {
			return errors.New("regime spec does not match its record")
		}
	}
	return nil
}

// TestGolden reads every input under testdata/ and compares what was understood,
// in the native form, with the .golden file next to it.
func TestGolden(t *testing.T) {
	formattest.GoldenFiles(t, []string{"testdata/*.json"}, func(t *testing.T, f string, in []byte) []byte {
		formattest.Detects(t, Detect, f, in)
		return render(t, NewSource(f, bytes.NewReader(in), builtinKnown()))
	})
}

func TestDetect(t *testing.T) {
	formattest.CheckDetect(t, Detect, "f", []string{
		`{"id":"x","schema":"Company","properties":{"name":["X"]}}` + "\n",
		`{"op":"DEL","entity":{"id":"NK-1"}}` + "\n",
		`{"op":"DEL","entity":{"id":"NK-1"}}`,
		`{"op": "ADD", "entity": {"id": "x", "schema": "Person", "properties": {}}}` + "\n",
		`{"id":"x","schema":"Company","properties":{"name":["` + strings.Repeat("x", 5000),
	}, []string{
		`{"kind":"listing","op":"delete","entity":"x","regime":"US-OFAC-SDN"}` + "\n",
		`{"kind":"entity","id":"x","name":"X"}` + "\n",
		`[{"statementID":"x","statementType":"entityStatement"}]`,
		`{"data":[{"type":"lei-records"}]}`,
		`id,schema,properties`,
	})
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
		formattest.CheckShare(t, fmt.Sprintf("%q", c.in), s, err, c.min, c.max, c.mode, c.err)
	}
}

func TestStats(t *testing.T) {
	for _, c := range []struct {
		file string
		want Stats
	}{
		{"entities.ftm.json", Stats{Lines: 33, Entities: 7, Ownership: 6, Control: 3, Listings: 10, TopicListings: 6,
			Regimes: 2, Ignored: 3, Rejected: 10, Replaced: 1}},
		{"us-lists.ftm.json", Stats{Lines: 10, Entities: 5, Ownership: 3, Listings: 4, TopicListings: 2, Replaced: 2}},
		{"updates.delta.json", Stats{Lines: 13, Entities: 5, Ownership: 2, Control: 1, Listings: 1, TopicListings: 1,
			Deletes: 27, Rejected: 2}},
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
