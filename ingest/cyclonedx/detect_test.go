package cyclonedx

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

func TestDetect(t *testing.T) {
	formattest.CheckDetect(t, Detect, "f.json", []string{
		`{"bomFormat":"CycloneDX","specVersion":"1.6"}`,
		"{\n  \"$schema\": \"http://cyclonedx.org/schema/bom-1.4.schema.json\",\n  \"bomFormat\" : \"CycloneDX\",",
	}, []string{
		`{"name":"bomFormat","value":"CycloneDX"}`,
		`{"bomFormat":"SPDX"}`,
		`{"spdxVersion":"SPDX-2.3"}`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.4">`,
		`{"kind":"entity","id":"x","name":"bomFormat CycloneDX"}`,
	})
}

func TestRegistered(t *testing.T) {
	f, err := formats.Get(Name)
	if err != nil {
		t.Fatal(err)
	}
	if f.Detect == nil || f.Open == nil {
		t.Fatal("format lacks Open or Detect")
	}
	head, err := os.ReadFile("testdata/router-hbom-1.6.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := formats.Detect("router.json", head); got.Name != Name {
		t.Errorf("formats.Detect picked %q", got.Name)
	}
}

// TestErrorsNameLineAndField checks what a bad item's error, and a dropped
// item's warning, says: the file, the line where the item starts, the JSON path
// of the field; errors are bad input, warnings (what the standard allows but
// Keiretsu drops) are not errors of the run.
func TestErrorsNameLineAndField(t *testing.T) {
	f, err := os.Open("testdata/invalid-1.4.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := formattest.Read(t, NewReader("testdata/invalid-1.4.cdx.json", f))
	ops := res.Ops
	type want struct {
		line          int
		field, reason string
	}
	errs := []want{
		{20, "services", "expected []cyclonedx.service"},
		{13, "components[3].name", "required"},
	}
	warns := []want{
		{11, "components[1].bom-ref", `bom-ref "cpu" is used again`},
		{14, "components[4].purl", "not a package URL"},
		{15, "components[5].properties[0].value", `quantity "eight"`},
		{22, "dependencies[0].dependsOn[1]", `"ghost"`},
		{23, "dependencies[1].ref", `"phantom"`},
		{24, "dependencies[2].dependsOn[0]", "component of itself"},
	}
	if len(res.Errs) != len(errs) || len(res.Warnings) != len(warns) {
		t.Fatalf("%d errors and %d warnings, want %d and %d: %v %v", len(res.Errs), len(res.Warnings), len(errs), len(warns), res.Errs, res.Warnings)
	}
	for i, w := range errs {
		e := res.Errs[i]
		if e.File != "testdata/invalid-1.4.cdx.json" || e.Line != w.line || e.Field != w.field || !strings.Contains(e.Reason, w.reason) {
			t.Errorf("error %d: %q (line %d, field %q), want line %d field %q containing %q", i, e, e.Line, e.Field, w.line, w.field, w.reason)
		}
		if !errors.Is(e, model.ErrBadInput) {
			t.Errorf("error %d is not ErrBadInput", i)
		}
	}
	for i, w := range warns {
		e := res.Warnings[i]
		if e.File != "testdata/invalid-1.4.cdx.json" || e.Line != w.line || e.Field != w.field || !strings.Contains(e.Reason, w.reason) {
			t.Errorf("warning %d: %q (line %d, field %q), want line %d field %q containing %q", i, e, e.Line, e.Field, w.line, w.field, w.reason)
		}
	}
	// The good items around the bad ones are read.
	if len(ops) == 0 {
		t.Fatal("no records")
	}
	for _, op := range ops {
		if op.Line < 1 {
			t.Errorf("%v: line %d", op.Record.Key(), op.Line)
		}
	}
}

// TestFatal checks the documents that cannot be read at all: one error, then the end.
func TestFatal(t *testing.T) {
	for _, c := range []struct{ doc, reason string }{
		{`{"bomFormat":"SPDX","components":[]}`, "not a CycloneDX BOM"},
		{`{"bomFormat":"CycloneDX","specVersion":"2.0"}`, "not supported"},
		{`[1,2]`, "not an object"},
		{``, "malformed JSON"},
	} {
		res := formattest.Read(t, NewReader("x.json", strings.NewReader(c.doc)))
		ops, errs := res.Ops, res.Errs
		if len(ops) != 0 || len(errs) == 0 || !strings.Contains(errs[len(errs)-1].Reason, c.reason) {
			t.Errorf("%q: %d records, errors %v; want an error containing %q", c.doc, len(ops), errs, c.reason)
		}
	}
}

var _ ingest.Source = NewReader("", nil)
