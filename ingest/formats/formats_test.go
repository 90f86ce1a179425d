package formats_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	_ "github.com/keiretsu/keiretsu/ingest/bods"
	_ "github.com/keiretsu/keiretsu/ingest/csl"
	_ "github.com/keiretsu/keiretsu/ingest/cyclonedx"
	_ "github.com/keiretsu/keiretsu/ingest/fcc"
	"github.com/keiretsu/keiretsu/ingest/formats"
	_ "github.com/keiretsu/keiretsu/ingest/ftm"
	_ "github.com/keiretsu/keiretsu/ingest/gleif"
	_ "github.com/keiretsu/keiretsu/ingest/ofac"
	_ "github.com/keiretsu/keiretsu/ingest/spdx"
)

// readIDs opens content as `keiretsu ingest` does without --format and returns
// the ids of the nodes it reads (records and warnings only: a bad line fails).
func readIDs(t *testing.T, path, content string) ([]string, error) {
	t.Helper()
	src, err := formats.Open(path, strings.NewReader(content), "", formats.Env{})
	if err != nil {
		return nil, err
	}
	var ids []string
	for {
		var op ingest.Op
		err := src.Next(&op)
		var w *ingest.Warning
		switch {
		case errors.Is(err, io.EOF):
			return ids, nil
		case errors.As(err, &w):
		case err != nil:
			t.Fatalf("%s: %v", path, err)
		case op.Record.Kind.IsNode():
			ids = append(ids, op.Record.ID)
		}
	}
}

// TestDetectByContent checks that the keys that tell a JSON format count
// wherever they are in the document, not only in its first bytes, and that
// native JSON Lines is recognised by its content too.
func TestDetectByContent(t *testing.T) {
	filler := `{"type":"library","name":"pad","version":"` + strings.Repeat("1", 5000) + `"}`
	for _, c := range []struct {
		name, path, content, wantID string
	}{
		{"CycloneDX with bomFormat after its components", "bom.json",
			`{"components":[` + filler + `,{"type":"library","name":"left-pad","purl":"pkg:npm/left-pad@1.3.0"}],"specVersion":"1.5","bomFormat":"CycloneDX"}`,
			"purl:pkg:npm/left-pad@1.3.0"},
		{"SPDX with spdxVersion at the end", "sbom.json",
			`{"SPDXID":"SPDXRef-DOCUMENT","name":"x","packages":[{"SPDXID":"SPDXRef-p","name":"p","description":"` + strings.Repeat("x", 5000) + `","externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/p@1.0.0"}]}],"spdxVersion":"SPDX-2.3"}`,
			"purl:pkg:npm/p@1.0.0"},
		{"GLEIF record whose type follows long attributes", "page.json",
			`{"data":{"attributes":{"lei":"5493001KJTIIGC8Y1R12","entity":{"legalName":{"name":"Bloomberg Finance L.P."},"jurisdiction":"US-DE","otherNames":[{"name":"` + strings.Repeat("B", 5000) + `"}]}},"id":"5493001KJTIIGC8Y1R12","type":"lei-records"}}`,
			"lei:5493001KJTIIGC8Y1R12"},
		{"native without the .jsonl extension", "records.txt",
			"\n" + `{"id":"acme","kind":"entity","name":"Acme"}` + "\n", "acme"},
	} {
		ids, err := readIDs(t, c.path, c.content)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		found := false
		for _, id := range ids {
			found = found || id == c.wantID
		}
		if !found {
			t.Errorf("%s: read %v, want %s among them", c.name, ids, c.wantID)
		}
	}
}

// TestUnknownFormat checks that a file no format recognises fails with a
// message that says so and lists the --format values, not with a parse error
// of a format it is not in; and that an empty file reads nothing.
func TestUnknownFormat(t *testing.T) {
	for _, c := range []struct {
		path, content string
		want          []string
	}{
		{"list.csv", "Name,Clean Name,Alias\nHuawei,huawei,\n", []string{"list.csv: no format recognised", "--format (bis-dpl, bods, csl, cyclonedx, fcc, ftm, gleif, native, ofac-cons, ofac-sdn, spdx)"}},
		{"data.json", `{"records":[{"x":1}]}`, []string{"the JSON file is none of the formats"}},
		{"big.json", `{"items":[` + strings.Repeat(`{"a":1},`, 1000) + `{"a":1}]}`, []string{"the JSON file is none of the formats"}},
		{"alt.csv", `36,12,"aka","AERO-CARIBBEAN",-0- ` + "\n", []string{"alt.csv is read beside sdn.csv"}},
		{"cons_add.csv", `1,2,"Street","City","China",-0-` + "\n", []string{"cons_add.csv is read beside cons_prim.csv"}},
		{"sdn.xml", `<?xml version="1.0"?><Sanctions/>`, []string{"the XML file is none"}},
	} {
		_, err := readIDs(t, c.path, c.content)
		if !errors.Is(err, formats.ErrUnknownFormat) {
			t.Errorf("%s: error %v, want ErrUnknownFormat", c.path, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", c.path, err, w)
			}
		}
	}
	for _, content := range []string{"", "\n\n", "\xef\xbb\xbf \n"} {
		if ids, err := readIDs(t, "empty.json", content); err != nil || len(ids) != 0 {
			t.Errorf("empty file %q: %v %v, want nothing read", content, ids, err)
		}
	}
}
