package cyclonedx

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// TestRealCounts pins what each public sample BOM yields. None may be rejected.
func TestRealCounts(t *testing.T) {
	formattest.CheckBOMCounts(t, Name, formattest.RealDir(t, "cyclonedx"), map[string]formattest.BOMCounts{
		// 7 devices (the board and its 6 parts), 6 board->part edges, a supplier per part
		// (Samtec, Molex, 3M, Multicomp twice, TE Connectivity); the board itself is a gap.
		"HBOM_PCIe-SATA-adapter-board_bom.json": {Products: 7, Components: 6, Sourcing: 6, Entities: 5},
		// 1.2, no dependencies: the root and its 43 npm packages.
		"SBOM_cern-lhc-vdm-editor-e564943_bom.json": {Products: 44, Components: 43},
		// The root lists its 62 components flat and depends on laravel/laravel
		// alone, through which the dependency graph reaches the 61 others: their
		// root edges are left out (their chains place them), so the 113 dependsOn
		// pairs are the edges. Authors are not sourcing: all gaps.
		"SBOM_laravel-7.12.0_bom.1.4.json": {Products: 63, Components: 113},
		// The application, 6 services (nested 1 + 5); 6 nesting + 3 new dependency
		// edges; Acme Inc provides 4 services, Postgres and S3 name no provider.
		"SaaSBOM_apigateway-microservices-datastores_bom.json": {Products: 7, Components: 8, Sourcing: 4, Entities: 1},
	})
}

// TestRealHBOMSuppliers checks that each device of the HBOM is supplied by the
// company its BOM names.
func TestRealHBOMSuppliers(t *testing.T) {
	dir := formattest.RealDir(t, "cyclonedx")
	ops := formattest.ReadBOM(t, Name, filepath.Join(dir, "HBOM_PCIe-SATA-adapter-board_bom.json"))
	const ns = "cdx:urn:uuid:e8c355aa-2142-4084-a8c7-6d42c8610ba2:"
	got := map[string]string{}
	names := map[string]string{}
	for _, op := range ops {
		switch r := op.Record; r.Kind {
		case model.KindSourcing:
			if r.Role != "supplier" {
				t.Errorf("%s -> %s: role %s", r.Src, r.Dst, r.Role)
			}
			got[r.Src] = r.Dst
		case model.KindEntity:
			names[r.ID] = r.Name
		}
	}
	want := map[string]string{
		ns + "PCIE-098-02-F-D-EMS2": "org:samtec",
		ns + "molex-47155-4001":     "org:molex",
		ns + "3M-5622-4100-ML":      "org:3m",
		ns + "MC9A22-1034":          "org:multicomp",
		ns + "826632-3":             "org:te-connectivity",
		ns + "MP000003":             "org:multicomp",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sourcing (-want +got):\n%s", diff)
	}
	wantNames := map[string]string{"org:samtec": "Samtec", "org:molex": "Molex", "org:3m": "3M",
		"org:multicomp": "Multicomp", "org:te-connectivity": "TE Connectivity"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
}

// TestRealLaravelDependencies checks that every (ref, dependsOn) pair of the
// laravel SBOM's dependency graph is a component edge.
func TestRealLaravelDependencies(t *testing.T) {
	dir := formattest.RealDir(t, "cyclonedx")
	const file = "SBOM_laravel-7.12.0_bom.1.4.json"
	ops := formattest.ReadBOM(t, Name, filepath.Join(dir, file))
	in, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Metadata struct {
			Component struct {
				Ref  string `json:"bom-ref"`
				Purl string `json:"purl"`
			} `json:"component"`
		} `json:"metadata"`
		Components []struct {
			Ref  string `json:"bom-ref"`
			Purl string `json:"purl"`
		} `json:"components"`
		Dependencies []struct {
			Ref       string   `json:"ref"`
			DependsOn []string `json:"dependsOn"`
		} `json:"dependencies"`
	}
	if err := json.Unmarshal(in, &doc); err != nil {
		t.Fatal(err)
	}
	purl := map[string]string{doc.Metadata.Component.Ref: doc.Metadata.Component.Purl}
	for _, c := range doc.Components {
		purl[c.Ref] = c.Purl
	}
	var edges [][2]string
	for _, op := range ops {
		if r := op.Record; r.Kind == model.KindComponent {
			edges = append(edges, [2]string{r.Src, r.Dst})
		}
	}
	if len(doc.Dependencies) != 63 {
		t.Fatalf("%d dependencies entries, want 63", len(doc.Dependencies))
	}
	pairs := 0
	for _, d := range doc.Dependencies {
		for _, on := range d.DependsOn {
			pairs++
			e := [2]string{"purl:" + purl[d.Ref], "purl:" + purl[on]}
			if !slices.Contains(edges, e) {
				t.Errorf("no edge %s -> %s", e[0], e[1])
			}
		}
	}
	if pairs != 113 {
		t.Errorf("%d dependsOn pairs, want 113", pairs)
	}
}
