package spdx

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// TestRealCounts pins what each public sample document yields. None may be
// rejected.
func TestRealCounts(t *testing.T) {
	formattest.CheckBOMCounts(t, Name, formattest.RealDir(t, "spdx"), map[string]formattest.BOMCounts{
		// DESCRIBES as a relationship; DYNAMIC_LINK tools-java -> xlsx; two suppliers.
		"presentations_OSS-NA-2023_SPDXVersion2.3_03-SBOMwDependency.json": {Products: 2, Components: 1, Sourcing: 2, Entities: 2},
		// Acme CONTAINS 3 packages; supplier "Person: Jane Doe", originator
		// ExampleCodeInspect; the 3 contained packages name nobody (gaps).
		"presentations_SBOMS-SPDX-Now-and-Future_ACME-v2.3.spdx.json": {Products: 4, Components: 3, Sourcing: 2, Entities: 2},
		// 3 DEPENDS_ON; the described binary is a file (not a product), GENERATED_FROM is no edge.
		"software_example11_spdx2.3_sbom.spdx.json": {Products: 4, Components: 3},
		// The same in 3.0: dependsOn scoped to build is kept.
		"software_example11_spdx3.0_sbom.spdx3.json": {Products: 4, Components: 3},
		// 4 hasDynamicLink (stated log4j -> examplemaven), the test-scoped dependsOn
		// on JUnit dropped, contains -> a file dropped; suppliedBy SPDX, originatedBy
		// Linux Foundation and JUnit.
		"software_example14_spdx3.0_examplemaven-0.0.1-enriched.spdx3.json": {Products: 6, Components: 4, Sourcing: 3, Entities: 3},
		// 3 STATIC_LINK into another document (external ids); BUILD_TOOL_OF and GENERATES are no edges.
		"software_example7_spdx2.2_example7-bin.spdx.json": {Products: 1, Components: 3},
		// 4 DYNAMIC_LINK; TEST_DEPENDENCY_OF (JUnit), GENERATES and TEST_CASE_OF are no edges.
		"software_example8_spdx2.3_examplemaven-0.0.1.spdx.json": {Products: 6, Components: 4, Sourcing: 3, Entities: 3},
	})
}

// TestRealSameInBothVersions checks that example 11, published in SPDX 2.3 and
// 3.0, gives the same products and edges: its packages have purls, the
// cross-source key.
func TestRealSameInBothVersions(t *testing.T) {
	dir := formattest.RealDir(t, "spdx")
	graph := func(file string) (ids []string) {
		for _, op := range formattest.ReadBOM(t, Name, filepath.Join(dir, file)) {
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
	dir := formattest.RealDir(t, "spdx")
	var got []string
	for _, op := range formattest.ReadBOM(t, Name, filepath.Join(dir, "presentations_SBOMS-SPDX-Now-and-Future_ACME-v2.3.spdx.json")) {
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
