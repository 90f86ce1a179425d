package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSnapshotHistoryDiff: a snapshot run deletes what the previous snapshot of
// the name stated and it does not (a delisting), leaves a plain run's record
// alone, is logged, and the two states compare record by record until pruned.
func TestSnapshotHistoryDiff(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	s1 := write("s1.jsonl", `{"kind":"entity","id":"a","name":"A"}
{"kind":"entity","id":"b","name":"B"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"b"}
`)
	plain := write("plain.jsonl", `{"kind":"entity","id":"c","name":"C"}`+"\n")
	s2 := write("s2.jsonl", `{"kind":"entity","id":"a","name":"A"}
{"kind":"entity","id":"b","name":"B"}
`)
	for _, args := range [][]string{{"--snapshot", "ofac-sdn", s1}, {plain}, {"--snapshot", "ofac-sdn", s2}} {
		if r := keiretsu(t, "", append([]string{"ingest", "--data", data}, args...)...); r.code != 0 {
			t.Fatalf("ingest %v: %s", args, r.stderr)
		} else if args[0] == "--snapshot" && args[2] == s2 && !strings.Contains(r.stdout, "deleted 1") {
			t.Errorf("the second snapshot's summary: %s", r.stdout)
		}
	}
	r := keiretsu(t, "", "history", "--data", data, "--json")
	var runs []struct {
		Run               int
		Snapshot          *string
		Deleted           int
		DataVersionBefore *string
		DataVersion       string
		Retained          bool
	}
	if err := json.Unmarshal([]byte(r.stdout), &runs); err != nil || len(runs) != 3 {
		t.Fatalf("history: %v %s %s", err, r.stdout, r.stderr)
	}
	if runs[2].Deleted != 1 || *runs[2].Snapshot != "ofac-sdn" || runs[1].Snapshot != nil || *runs[2].DataVersionBefore != runs[1].DataVersion {
		t.Errorf("run log %s", r.stdout)
	}
	d := keiretsu(t, "", "diff", "--data", data, "--from", runs[0].DataVersion, "--to", runs[2].DataVersion, "--json")
	if d.code != 0 || !strings.Contains(d.stdout, `"deleted":[{"kind":"listing","entity":"b","regime":"US-OFAC-SDN"}]`) ||
		!strings.Contains(d.stdout, `"added":[{"kind":"entity","id":"c"`) {
		t.Errorf("diff: %d %s %s", d.code, d.stdout, d.stderr)
	}
	if r := keiretsu(t, "", "history", "--data", data, "--prune", "--keep", "1"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if d := keiretsu(t, "", "diff", "--data", data, "--from", runs[0].DataVersion, "--to", runs[2].DataVersion); d.code != 1 {
		t.Errorf("diff from a pruned state: exit %d", d.code)
	}
}
