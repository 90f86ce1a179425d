package fcc

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/ingest/ofac"
	"github.com/keiretsu/keiretsu/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// read reads a file with the built-in regimes loaded; it returns the source, the
// operations, and the output rendered as golden text (errors inline, in order).
func read(t *testing.T, path string) (*Source, []ingest.Op, []byte) {
	t.Helper()
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := formats.Get(Format)
	if err != nil {
		t.Fatal(err)
	}
	src, err := f.Open(path, bytes.NewReader(in), formats.Env{RegimeKnown: ofac.IsBuiltin})
	if err != nil {
		t.Fatal(err)
	}
	var ops []ingest.Op
	var out []byte
	for {
		var op ingest.Op
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			return src.(*Source), ops, out
		}
		if err != nil {
			var le *ingest.LineError
			if !errors.As(err, &le) {
				t.Fatalf("fatal error: %v", err)
			}
			out = append(out, "ERROR "+err.Error()+"\n"...)
			continue
		}
		if err := op.Record.Validate(ofac.IsBuiltin); err != nil {
			t.Errorf("invalid record: %v", err)
		}
		ops = append(ops, op)
		out = native.Append(out, &op)
	}
}

func TestGolden(t *testing.T) {
	src, _, got := read(t, "testdata/covered_list.csv")
	const golden = "testdata/covered_list.golden"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", golden, diff)
	}
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

// realData returns the directory of a real-data sample (../shared/data/real/NAME
// from the repository root). It skips the test when the folder is absent, except
// in CI (CI=true), where that is a failure.
func realData(t *testing.T, name string) string {
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
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", "real", name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real data %s is missing (CI=true): %v", p, err)
		}
		t.Skipf("real data %s is absent", p)
	}
	return p
}

// TestRealCoveredList reads the FCC Covered List table (16 rows): 12 rows name
// 13 companies (Pacific Networks and its wholly-owned subsidiary ComNet share
// one), each listed from its inclusion date; 4 rows cover kinds of equipment
// (foreign-produced drones, routers, power inverters, robotic devices) and name
// no entity.
func TestRealCoveredList(t *testing.T) {
	src, ops, out := read(t, filepath.Join(realData(t, "fcc_covered_list"), "covered_list_table.csv"))
	if bytes.Contains(out, []byte("ERROR")) {
		t.Errorf("errors:\n%s", out)
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
