package fcc

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/ingest/ofac"
	"github.com/keiretsu/keiretsu/internal/model"
)

// read reads a file with the built-in regimes loaded, every record valid
// against them; it returns the source and what it gave.
func read(t *testing.T, path string) (*Source, formattest.Result) {
	t.Helper()
	src := formattest.Open(t, Format, path, formats.Env{RegimeKnown: ofac.IsBuiltin})
	valid := func(op *ingest.Op) error { return op.Record.Validate(ofac.IsBuiltin) }
	return src.(*Source), formattest.Reader{Check: valid}.Read(t, src)
}

func TestGolden(t *testing.T) {
	src, res := read(t, "testdata/covered_list.csv")
	formattest.Golden(t, "testdata/covered_list.golden", res.Golden)
	if diff := cmp.Diff([]int{8, 9}, src.Skipped()); diff != "" {
		t.Errorf("skipped rows (-want +got):\n%s", diff)
	}
}

func TestEntityNames(t *testing.T) {
	for text, want := range map[string][]string{
		"Telecommunications equipment produced by Huawei Technologies Company, including telecommunications services.": {"Huawei Technologies Company"},
		"services supplied, directly or indirectly, by AO Kaspersky Lab or any of its predecessors":                    {"AO Kaspersky Lab"},
		"services provided by China Telecom (Americas) Corp. subject to section 214":                                   {"China Telecom (Americas) Corp."},
		"services provided by Pacific Networks Corp. and its wholly-owned subsidiary ComNet (USA) LLC subject to section 214": {
			"Pacific Networks Corp.", "ComNet (USA) LLC"},
		"software produced or provided by Kaspersky Lab, Inc. or any of its successors and assignees.":        {"Kaspersky Lab, Inc."},
		"services provided by Digitalsystem Technology Inc., subject to section 214":                          {"Digitalsystem Technology Inc."},
		"Routers produced in a foreign country, except routers granted a Conditional Approval by DoW or DHS.": nil,
		"Foreign-produced power inverters, except those approved by DoW.":                                     nil,
	} {
		if diff := cmp.Diff(want, EntityNames(text)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", text, diff)
		}
	}
}

func TestDetect(t *testing.T) {
	if got := formats.Detect("x.csv", []byte("covered_equipment_or_services,date_of_inclusion_on_covered_list\n")).Name; got != Format {
		t.Errorf("Detect = %s", got)
	}
	if _, err := Open("x.csv", bytes.NewReader([]byte("a,b\n")), formats.Env{}); err == nil {
		t.Error("a file without the columns opened")
	}
}

// TestRealCoveredList reads the FCC Covered List table (16 rows): 12 rows name
// 13 companies (Pacific Networks and its wholly-owned subsidiary ComNet share
// one), each listed from its inclusion date; 4 rows cover kinds of equipment
// (foreign-produced drones, routers, power inverters, robotic devices) and name
// no entity.
func TestRealCoveredList(t *testing.T) {
	src, res := read(t, filepath.Join(formattest.RealDir(t, "fcc_covered_list"), "covered_list_table.csv"))
	ops := res.Ops
	if bytes.Contains(res.Golden, []byte("ERROR")) {
		t.Errorf("errors:\n%s", res.Golden)
	}
	kinds := map[string]int{}
	from := map[string]string{}
	for _, op := range ops {
		kinds[op.Record.Kind.String()]++
		if op.Record.Kind == model.KindListing {
			from[op.Record.Src] = op.Record.Valid.From.String()
		}
	}
	if diff := cmp.Diff(map[string]int{"entity": 13, "listing": 13, "ownership": 1}, kinds); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	want := map[string]string{
		"fcc:huawei-technologies-company":                   "2021-03-12",
		"fcc:zte-corporation":                               "2021-03-12",
		"fcc:hytera-communications-corporation":             "2021-03-12",
		"fcc:hangzhou-hikvision-digital-technology-company": "2021-03-12",
		"fcc:dahua-technology-company":                      "2021-03-12",
		"fcc:ao-kaspersky-lab":                              "2022-03-25",
		"fcc:china-mobile-international-usa-inc":            "2022-03-25",
		"fcc:china-telecom-americas-corp":                   "2022-03-25",
		"fcc:pacific-networks-corp":                         "2022-09-20",
		"fcc:comnet-usa-llc":                                "2022-09-20",
		"fcc:china-unicom-americas-operations-limited":      "2022-09-20",
		"fcc:kaspersky-lab-inc":                             "2024-07-23",
		"fcc:digitalsystem-technology-inc":                  "2026-07-07",
	}
	if diff := cmp.Diff(want, from); diff != "" {
		t.Errorf("listings from (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{13, 14, 16, 17}, src.Skipped()); diff != "" {
		t.Errorf("rows without an entity (-want +got):\n%s", diff)
	}
	for _, op := range ops {
		if op.Record.ID == "fcc:huawei-technologies-company" && op.Record.Source != "covered_list_table.csv#row 2" {
			t.Errorf("Huawei source %q", op.Record.Source)
		}
	}
}
