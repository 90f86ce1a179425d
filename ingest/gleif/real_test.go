package gleif

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// readAll reads every operation of a file, failing on any rejection.
func readAll(t *testing.T, path string) ([]ingest.Op, Stats) {
	t.Helper()
	src, ops := formattest.ReadReal(t, path, Detect, NewSource, formattest.CheckOp)
	return ops, src.Stats()
}

// TestRealFiles ingests every real GLEIF file: exact counts, nothing rejected.
func TestRealFiles(t *testing.T) {
	dir := formattest.RealDir(t, "gleif_api_json")
	want := map[string]Stats{
		"lei_records/multi_lei_records.json":                                   {LEIRecords: 12},
		"relationships/direct-child-relationships_21380068P1DRHMJ8KU70.json":   {Relationships: 15, Control: 15},
		"relationships/direct-child-relationships_529900GRZ2BQY5ZM9N49.json":   {Relationships: 12, Control: 12},
		"relationships/ultimate-child-relationships_21380068P1DRHMJ8KU70.json": {Relationships: 15, Control: 15},
		"relationships/ultimate-child-relationships_529900GRZ2BQY5ZM9N49.json": {Relationships: 12, Control: 12},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if len(files) != 34 {
		t.Errorf("%d real GLEIF files, want 34", len(files))
	}
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		w, ok := want[rel]
		if !ok {
			switch {
			case strings.HasPrefix(rel, "lei_records/"):
				w = Stats{LEIRecords: 1}
			case strings.HasPrefix(rel, "relationships/"):
				w = Stats{Relationships: 1, Control: 1}
			case strings.HasPrefix(rel, "reporting_exceptions/"):
				w = Stats{ReportingExceptions: 1}
			}
		}
		ops, got := readAll(t, f)
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s stats (-want +got):\n%s", rel, diff)
		}
		for _, op := range ops {
			if op.Delete {
				t.Errorf("%s: unexpected delete %v", rel, op.Record.Key())
			}
			if !strings.HasPrefix(op.Record.Source, filepath.Base(f)+"#") {
				t.Errorf("%s: source %q", rel, op.Record.Source)
			}
		}
	}
}

func TestRealShellChildren(t *testing.T) {
	dir := formattest.RealDir(t, "gleif_api_json")
	ops, _ := readAll(t, filepath.Join(dir, "relationships", "direct-child-relationships_21380068P1DRHMJ8KU70.json"))
	from := map[string]string{}
	for _, op := range ops {
		r := op.Record
		if r.Kind != model.KindControl || r.Src != "lei:21380068P1DRHMJ8KU70" || r.Basis != "consolidation" || r.Valid.To != model.MaxDate {
			t.Errorf("not a control edge from Shell plc: %+v", r)
		}
		from[r.Dst] = r.Valid.From.String()
	}
	// Children and the starts of their RELATIONSHIP_PERIODs (the ACCOUNTING_PERIODs are ignored).
	for child, start := range map[string]string{
		"lei:2138009AGE4DW1J76R35": "2017-10-18", // a LAPSED registration: the relationship is still ACTIVE
		"lei:213800C2Y6KDQCD2WZ09": "2013-11-01",
		"lei:549300MH1CA06T7E7F09": "2021-11-03",
		"lei:549300C63TY5E3U3HI12": "2018-05-03",
	} {
		if from[child] != start {
			t.Errorf("Shell -> %s from %q, want %s", child, from[child], start)
		}
	}
	if len(from) != 15 {
		t.Errorf("%d children, want 15", len(from))
	}
	if s := ops[0].Record.Source; !strings.HasPrefix(s, "direct-child-relationships_21380068P1DRHMJ8KU70.json#2138009AGE4DW1J76R35|LEI|IS_DIRECTLY_CONSOLIDATED_BY|") {
		t.Errorf("source %q", s)
	}
}

// TestRealPeriods checks the day conversion on real UTC instants from a CET registrant.
func TestRealPeriods(t *testing.T) {
	dir := formattest.RealDir(t, "gleif_api_json")
	ops, _ := readAll(t, filepath.Join(dir, "relationships", "direct-child-relationships_529900GRZ2BQY5ZM9N49.json"))
	for _, op := range ops {
		// RELATIONSHIP_PERIOD startDate "2017-07-16T22:00:00Z" is midnight of 17 July in Germany.
		if op.Record.Dst == "lei:5299002NNN4AMOTG3786" {
			if got := op.Record.Valid.From.String(); got != "2017-07-17" {
				t.Errorf("PUMA child from %s, want 2017-07-17", got)
			}
			return
		}
	}
	t.Error("no edge to lei:5299002NNN4AMOTG3786")
}

func TestRealEntities(t *testing.T) {
	dir := formattest.RealDir(t, "gleif_api_json")
	ops, _ := readAll(t, filepath.Join(dir, "lei_records", "multi_lei_records.json"))
	byID := map[string]model.Record{}
	for _, op := range ops {
		byID[op.Record.ID] = op.Record
	}
	shell := byID["lei:21380068P1DRHMJ8KU70"]
	if shell.Name != "SHELL PLC" || shell.Country != "GB" || shell.HQCountry != "GB" || shell.Type != model.TypeCompany ||
		!cmp.Equal(shell.Aliases, []string{"ROYAL DUTCH SHELL PLC"}) ||
		shell.Identifier("lei") != "21380068P1DRHMJ8KU70" || shell.Identifier("registration") != "GB:04366849" ||
		shell.Source != "multi_lei_records.json#21380068P1DRHMJ8KU70" {
		t.Errorf("Shell plc: %+v", shell)
	}
	// A LAPSED registration is still an entity.
	if nfa, ok := byID["lei:335800CCCPHKUOXPC332"]; !ok || nfa.Name != "NFA INTERNATIONAL" || nfa.Country != "IN" {
		t.Errorf("LAPSED NFA INTERNATIONAL: %+v", nfa)
	}
	if ms := byID["lei:INR2EJN1ERAN0W5ZP974"]; ms.Country != "US" || ms.HQCountry != "US" || ms.Identifier("bic") != "MSFTUS66XXX" {
		t.Errorf("Microsoft: %+v", ms)
	}
}
