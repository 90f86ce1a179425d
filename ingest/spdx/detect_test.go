package spdx

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/bomgraph"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
)

func TestDetect(t *testing.T) {
	formattest.CheckDetect(t, Detect, "f.json", []string{
		`{"SPDXID":"SPDXRef-DOCUMENT","spdxVersion":"SPDX-2.3"}`,
		`{ "spdxVersion" : "SPDX-2.2", "dataLicense": "CC0-1.0"`,
		`{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[`,
		`{"@context":["https://spdx.org/rdf/3.0.0/spdx-context.jsonld"]`,
	}, []string{
		`{"@context":"https://schema.org","@graph":[]}`,
		`{"bomFormat":"CycloneDX","specVersion":"1.5"}`,
		"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0",
	})
}

func TestRegistered(t *testing.T) {
	if _, err := formats.Get(Name); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"testdata/router-fw-2.3.spdx.json", "testdata/minimal-3.0.spdx3.json"} {
		head, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := formats.Detect(f, head); got.Name != Name {
			t.Errorf("%s: formats.Detect picked %q", f, got.Name)
		}
	}
}

func TestParseAgent(t *testing.T) {
	type res struct {
		Party bomgraph.Party
		OK    bool
		Err   string
	}
	for _, c := range []struct {
		in   string
		want res
	}{
		{"Organization: SPDX (Spdx-tech@lists.spdx.org)", res{bomgraph.Party{Name: "SPDX", Email: "Spdx-tech@lists.spdx.org"}, true, ""}},
		{"Organization: Red Hat <secalert@redhat.com>", res{bomgraph.Party{Name: "Red Hat", Email: "secalert@redhat.com"}, true, ""}},
		{"Person: Tim Smith <tim@debian.org>", res{bomgraph.Party{Name: "Tim Smith", Person: true, Email: "tim@debian.org"}, true, ""}},
		{"Organization: ExampleCodeInspect ()", res{bomgraph.Party{Name: "ExampleCodeInspect"}, true, ""}},
		{"Organization: HiSilicon (Shanghai) Technologies Co., Ltd.", res{bomgraph.Party{Name: "HiSilicon (Shanghai) Technologies Co., Ltd."}, true, ""}},
		{"Organization: HiSilicon (Shanghai)", res{bomgraph.Party{Name: "HiSilicon (Shanghai)"}, true, ""}},
		{"Person: Jane Doe (jane.doe@example.com)", res{bomgraph.Party{Name: "Jane Doe", Person: true, Email: "jane.doe@example.com"}, true, ""}},
		{"Person: Gary O'Neall", res{bomgraph.Party{Name: "Gary O'Neall", Person: true}, true, ""}},
		{"Acme Widgets Ltd", res{bomgraph.Party{Name: "Acme Widgets Ltd"}, true, ""}},
		{"NOASSERTION", res{}},
		{"NONE", res{}},
		{"", res{}},
		{"Organization: ", res{}},
		{"Tool: syft-0.90", res{Err: "a tool is not an organisation or a person; ignored"}},
	} {
		p, ok, err := parseAgent(c.in)
		if diff := cmp.Diff(c.want, res{p, ok, err}); diff != "" {
			t.Errorf("parseAgent(%q) (-want +got):\n%s", c.in, diff)
		}
	}
}
