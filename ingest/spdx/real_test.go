package spdx

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/internal/model"
)

// realDir returns the shared real-data directory for a format (../shared/data/real
// beside the repository root). It skips the test when the data is absent, except
// in CI (CI=true), where absent data is a failure.
func realDir(t *testing.T, format string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	data := filepath.Join(dir, "..", "shared", "data", "real", format)
	if _, err := os.Stat(data); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real data missing in CI: %v", err)
		}
		t.Skipf("real data absent (%v)", err)
	}
	return data
}

// counts are the records of a file by kind, and its rejections.
type counts struct {
	Products, Components, Sourcing, Entities, Rejected int
}

func count(ops []ingest.Op, errs []*ingest.LineError) counts {
	var c counts
	for _, op := range ops {
		switch op.Record.Kind {
		case model.KindProduct:
			c.Products++
		case model.KindComponent:
			c.Components++
		case model.KindSourcing:
			c.Sourcing++
		case model.KindEntity:
			c.Entities++
		}
	}
	c.Rejected = len(errs)
	return c
}

// readReal detects and reads one real file.
func readReal(t *testing.T, dir, name string) []ingest.Op {
	t.Helper()
	path := filepath.Join(dir, name)
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f := formats.Detect(path, in[:min(len(in), 4096)]); f.Name != Name {
		t.Errorf("%s detected as %q", name, f.Name)
	}
	_, ops, errs := readAll(t, NewReader(path, bytes.NewReader(in)))
	for _, e := range errs {
		t.Errorf("rejected: %v", e)
	}
	return ops
}

// TestRealCounts pins what each public sample document yields. None may be
// rejected.
func TestRealCounts(t *testing.T) {
	dir := realDir(t, "spdx")
	cases := []struct {
		file string
		want counts
	}{
		// DESCRIBES as a relationship; DYNAMIC_LINK tools-java -> xlsx; two suppliers.
		{"presentations_OSS-NA-2023_SPDXVersion2.3_03-SBOMwDependency.json", counts{Products: 2, Components: 1, Sourcing: 2, Entities: 2}},
		// Acme CONTAINS 3 packages; supplier "Person: Jane Doe", originator
		// ExampleCodeInspect; the 3 contained packages name nobody (gaps).
		{"presentations_SBOMS-SPDX-Now-and-Future_ACME-v2.3.spdx.json", counts{Products: 4, Components: 3, Sourcing: 2, Entities: 2}},
		// 3 DEPENDS_ON; the described binary is a file (not a product), GENERATED_FROM is no edge.
		{"software_example11_spdx2.3_sbom.spdx.json", counts{Products: 4, Components: 3}},
		// The same in 3.0: dependsOn scoped to build is kept.
		{"software_example11_spdx3.0_sbom.spdx3.json", counts{Products: 4, Components: 3}},
		// 4 hasDynamicLink (stated log4j -> examplemaven), the test-scoped dependsOn
		// on JUnit dropped, contains -> a file dropped; suppliedBy SPDX, originatedBy
		// Linux Foundation and JUnit.
		{"software_example14_spdx3.0_examplemaven-0.0.1-enriched.spdx3.json", counts{Products: 6, Components: 4, Sourcing: 3, Entities: 3}},
		// 3 STATIC_LINK into another document (external ids); BUILD_TOOL_OF and GENERATES are no edges.
		{"software_example7_spdx2.2_example7-bin.spdx.json", counts{Products: 1, Components: 3}},
		// 4 DYNAMIC_LINK; TEST_DEPENDENCY_OF (JUnit), GENERATES and TEST_CASE_OF are no edges.
		{"software_example8_spdx2.3_examplemaven-0.0.1.spdx.json", counts{Products: 6, Components: 4, Sourcing: 3, Entities: 3}},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != len(cases) {
		t.Errorf("%d sample files, %d pinned: pin the counts of every sample", len(files), len(cases))
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ops := readReal(t, dir, c.file)
			if diff := cmp.Diff(c.want, count(ops, nil)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRealSameInBothVersions checks that example 11, published in SPDX 2.3 and
// 3.0, gives the same products and edges: its packages have purls, the
// cross-source key.
func TestRealSameInBothVersions(t *testing.T) {
	dir := realDir(t, "spdx")
	graph := func(file string) (ids []string) {
		for _, op := range readReal(t, dir, file) {
			switch r := op.Record; r.Kind {
			case model.KindProduct:
				ids = append(ids, "product "+r.ID+" "+r.Name)
			case model.KindComponent:
				ids = append(ids, "component "+r.Src+" -> "+r.Dst)
			}
		}
		return ids
	}
	v2 := graph("software_example11_spdx2.3_sbom.spdx.json")
	v3 := graph("software_example11_spdx3.0_sbom.spdx3.json")
	less := func(a, b string) bool { return a < b }
	if diff := cmp.Diff(v2, v3, cmpopts.SortSlices(less)); diff != "" {
		t.Errorf("2.3 (-) and 3.0 (+) differ:\n%s", diff)
	}
}

// TestRealSuppliers checks the parties of the ACME example: a person supplier, an
// organisation originator (manufacturer), and nothing for the others.
func TestRealSuppliers(t *testing.T) {
	dir := realDir(t, "spdx")
	var got []string
	for _, op := range readReal(t, dir, "presentations_SBOMS-SPDX-Now-and-Future_ACME-v2.3.spdx.json") {
		switch r := op.Record; r.Kind {
		case model.KindEntity:
			got = append(got, "entity "+r.ID+" "+r.Type+" "+r.Name)
		case model.KindSourcing:
			got = append(got, "sourcing "+r.Src+" -> "+r.Dst+" "+r.Role)
		}
	}
	const acme = "spdx:http://spdx.org/spdxdocs/spdx-example-4ca64a7e-2f6f-41bf-8b18-16da59d67824:SPDXRef-Acme"
	want := []string{
		"entity person:jane-doe person Jane Doe",
		"entity org:examplecodeinspect company ExampleCodeInspect",
		"sourcing " + acme + " -> person:jane-doe supplier",
		"sourcing " + acme + " -> org:examplecodeinspect manufacturer",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
