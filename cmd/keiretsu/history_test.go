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

// TestScreenDataVersion: `screen --data-version` answers byte for byte and
// with the exit status it gave when that was the data, after a delisting and
// a wipe (a recorded run that keeps the run log), and fails with one line once
// the state is pruned.
func TestScreenDataVersion(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	s1 := filepath.Join(dir, "s1.jsonl")
	if err := os.WriteFile(s1, []byte(`{"kind":"entity","id":"b","name":"B"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"b"}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	s2 := filepath.Join(dir, "s2.jsonl")
	if err := os.WriteFile(s2, []byte(`{"kind":"entity","id":"b","name":"B"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	screen := func(extra ...string) result {
		return keiretsu(t, "", append([]string{"screen", "--data", data, "--entity", "b", "--as-of", "2025-01-01", "--json"}, extra...)...)
	}
	if r := keiretsu(t, "", "ingest", "--data", data, "--snapshot", "ofac-sdn", s1); r.code != 0 {
		t.Fatal(r.stderr)
	}
	then := screen()
	if then.code != 5 {
		t.Fatalf("listed entity: exit %d %s", then.code, then.stderr)
	}
	var v struct{ DataVersion string }
	if err := json.Unmarshal([]byte(then.stdout), &v); err != nil {
		t.Fatal(err)
	}
	if r := keiretsu(t, "", "ingest", "--data", data, "--snapshot", "ofac-sdn", s2); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := screen(); r.code != 0 {
		t.Errorf("after the delisting: exit %d", r.code)
	}
	w := keiretsu(t, "", "wipe", "--data", data, "--yes")
	if w.code != 0 || !strings.Contains(w.stdout, "deleted 1") {
		t.Fatalf("wipe: %d %s %s", w.code, w.stdout, w.stderr)
	}
	if r := screen(); r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("after the wipe: exit %d %s", r.code, r.stderr)
	}
	past := screen("--data-version", v.DataVersion)
	if past.code != then.code || past.stdout != then.stdout {
		t.Errorf("the past state: exit %d\n%s\nwant exit %d\n%s", past.code, past.stdout, then.code, then.stdout)
	}
	h := keiretsu(t, "", "history", "--data", data, "--json")
	var runs []struct {
		Run      int
		Files    []string
		Written  int
		Deleted  int
		Retained bool
	}
	if err := json.Unmarshal([]byte(h.stdout), &runs); err != nil || len(runs) != 3 {
		t.Fatalf("history: %v %s", err, h.stdout)
	}
	if runs[2].Deleted != 1 || runs[2].Written != 0 || len(runs[2].Files) != 0 {
		t.Errorf("the wipe's run: %s", h.stdout)
	}
	if r := keiretsu(t, "", "history", "--data", data, "--prune", "--keep", "1"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := screen("--data-version", v.DataVersion)
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "no retained run produced") {
		t.Errorf("a pruned state: exit %d %q", r.code, r.stderr)
	}
}

// TestSnapshotKeepsAutoLinks: the same_as link ingest derives from two entities
// sharing an LEI is not a statement of the snapshot that brought them, so the
// next run of the same snapshot neither deletes it nor counts it; it goes when
// the entities no longer share the identifier.
func TestSnapshotKeepsAutoLinks(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	const week = `{"kind":"entity","id":"a","name":"Alpha Holdings","identifiers":{"lei":"5493001KJTIIGC8Y1R12"}}
{"kind":"entity","id":"b","name":"Alpha Holdings Ltd","identifiers":{"lei":"5493001KJTIIGC8Y1R12"}}
{"kind":"entity","id":"c","name":"Gamma"}
`
	for i := range 3 {
		r := keiretsu(t, week, "ingest", "--data", data, "--snapshot", "reg", "-")
		if r.code != 0 || !strings.Contains(r.stdout, "deleted 0") {
			t.Fatalf("run %d: %d %s %s", i, r.code, r.stdout, r.stderr)
		}
		if s := stats(t, data); s.Edges["same_as"] != 1 {
			t.Fatalf("after run %d: %d same_as links, want 1", i, s.Edges["same_as"])
		}
	}
	// b drops the LEI: the link goes (as an automatic unlink, not a snapshot deletion).
	next := strings.Replace(week, `"Alpha Holdings Ltd","identifiers":{"lei":"5493001KJTIIGC8Y1R12"}`, `"Alpha Holdings Ltd"`, 1)
	if r := keiretsu(t, next, "ingest", "--data", data, "--snapshot", "reg", "-"); r.code != 0 || !strings.Contains(r.stdout, "deleted 0") {
		t.Fatalf("run without the shared LEI: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if s := stats(t, data); s.Edges["same_as"] != 0 {
		t.Errorf("%d same_as links once the LEI is no longer shared, want 0", s.Edges["same_as"])
	}
}
