package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRealSDNSnapshotEvents: the 2019 SDN file ingested as snapshot ofac-sdn,
// then a copy of it with 20 entries removed and 5 renamed, as next week's file
// would be. The 20 listings (and entities) are gone, nothing else is deleted,
// the watched delisted subjects get GONE events that name them, a company owned
// by a delisted one (a plain run's record, which the snapshot leaves alone)
// IMPROVES with the delisted owner in findingsRemoved, and the renamed and
// unchanged watched subjects get no event.
func TestRealSDNSnapshotEvents(t *testing.T) {
	src := filepath.Join(realData(t), "ofac_sdn_2019")
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	week1, week2 := filepath.Join(dir, "week1"), filepath.Join(dir, "week2")
	for _, d := range []string{week1, week2} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(filepath.Join(src, "sdn.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// One entry a line: ent_num,"name",type,... with type -0- for an entity
	// (not a vessel or an aircraft).
	lines := strings.SplitAfter(string(raw), "\n")
	var entities []string // ids of entity lines
	for _, l := range lines {
		f := strings.SplitN(l, ",", 4)
		if len(f) == 4 && strings.HasPrefix(f[1], `"`) && strings.HasSuffix(f[1], `"`) && strings.TrimSpace(f[2]) == "-0-" {
			entities = append(entities, "ofac:"+f[0])
		}
	}
	if len(entities) < 1000 {
		t.Fatalf("only %d entity lines in the 2019 SDN file", len(entities))
	}
	// Every 50th entity line is removed, the 5 lines of another stride renamed.
	removed, renamed := map[string]bool{}, map[string]bool{}
	for n, id := range entities {
		switch {
		case n%50 == 7 && len(removed) < 20:
			removed[id] = true
		case n%50 == 9 && len(renamed) < 5:
			renamed[id] = true
		}
	}
	var next strings.Builder
	for _, l := range lines {
		id := "ofac:" + strings.SplitN(l, ",", 2)[0]
		switch {
		case removed[id]:
			continue
		case renamed[id]:
			f := strings.SplitN(l, ",", 3)
			l = f[0] + "," + strings.TrimSuffix(f[1], `"`) + ` RENAMED"` + "," + f[2]
		}
		next.WriteString(l)
	}
	for _, name := range []string{"alt.csv", "add.csv", "sdn_comments.csv"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{week1, week2} {
			if err := os.WriteFile(filepath.Join(d, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(week1, "sdn.csv"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(week2, "sdn.csv"), []byte(next.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	const now = "2026-12-07T09:00:00Z"
	r := keiretsuAt(t, now, "", "ingest", "--data", data, "--snapshot", "ofac-sdn", filepath.Join(week1, "sdn.csv"))
	if r.code != 0 {
		t.Fatalf("week 1: %d %s", r.code, r.stderr)
	}
	before := stats(t, data)
	var someRemoved string
	for id := range removed {
		if someRemoved == "" || id < someRemoved {
			someRemoved = id
		}
	}
	// A plain run: a company 60% owned by a delisted entity, and one by a renamed one.
	var renamedOne string
	for id := range renamed {
		if renamedOne == "" || id < renamedOne {
			renamedOne = id
		}
	}
	plain := fmt.Sprintf(`{"kind":"entity","id":"acme-sub","name":"Acme Sub"}
{"kind":"ownership","owner":%q,"owned":"acme-sub","percent":60}
{"kind":"entity","id":"beta-sub","name":"Beta Sub"}
{"kind":"ownership","owner":%q,"owned":"beta-sub","percent":60}
`, someRemoved, renamedOne)
	if r := keiretsuAt(t, now, plain, "ingest", "--data", data, "-"); r.code != 0 {
		t.Fatalf("plain run: %d %s", r.code, r.stderr)
	}
	watched := []string{"acme-sub", "beta-sub"}
	for id := range removed {
		watched = append(watched, id)
	}
	for id := range renamed {
		watched = append(watched, id)
	}
	unchanged := entities[0]
	watched = append(watched, unchanged)
	slices.Sort(watched)
	args := []string{"watch", "--data", data, "add", "--regime", "US-OFAC-SDN"}
	for _, id := range watched {
		args = append(args, "--entity", id)
	}
	if r := keiretsuAt(t, now, "", args...); r.code != 0 || strings.Count(r.stdout, "\n") != len(watched) {
		t.Fatalf("watch add: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if evs, _ := cliEvents(t, now, "--data", data); len(evs) != 0 {
		t.Fatalf("events before week 2: %+v", evs)
	}

	r = keiretsuAt(t, now, "", "ingest", "--data", data, "--snapshot", "ofac-sdn", filepath.Join(week2, "sdn.csv"))
	if r.code != 0 {
		t.Fatalf("week 2: %d %s", r.code, r.stderr)
	}
	after := stats(t, data)
	if got := before.Listings["US-OFAC-SDN"] - after.Listings["US-OFAC-SDN"]; got != 20 {
		t.Errorf("%d SDN listings gone, want 20 (%d -> %d)", got, before.Listings["US-OFAC-SDN"], after.Listings["US-OFAC-SDN"])
	}
	// The plain run's two companies and their ownership stay.
	if after.Entities != before.Entities+2-20 || after.Edges["ownership"] != 2 {
		t.Errorf("entities %d -> %d, ownership edges %d: want the 20 delisted gone and the plain run's records kept",
			before.Entities, after.Entities, after.Edges["ownership"])
	}
	// The automatic same_as link of week 1 is not the snapshot's to delete.
	if after.Edges["same_as"] != before.Edges["same_as"] || before.Edges["same_as"] == 0 {
		t.Errorf("same_as links %d -> %d, want the automatic link kept", before.Edges["same_as"], after.Edges["same_as"])
	}
	deleted := regexp.MustCompile(`deleted (\d+)`).FindStringSubmatch(r.stdout)
	if deleted == nil {
		t.Fatalf("week 2 summary: %s", r.stdout)
	}
	if n, _ := strconv.Atoi(deleted[1]); n != 40 {
		t.Errorf("week 2 deleted %d records, want the 20 listings and their 20 entities: %s", n, r.stdout)
	}

	evs, _ := cliEvents(t, now, "--data", data)
	got := map[string]cliEvent{}
	for _, e := range evs {
		if _, dup := got[e.Subject]; dup {
			t.Errorf("two events for %s", e.Subject)
		}
		got[e.Subject] = e
	}
	for id := range removed {
		e, ok := got[id]
		if !ok || e.Kind != "GONE" || e.After != nil || e.Before != "EXPOSED" || e.Regime != "US-OFAC-SDN" {
			t.Errorf("delisted %s: event %+v, want GONE from EXPOSED", id, e)
		}
	}
	if e, ok := got["acme-sub"]; !ok || e.Kind != "IMPROVED" || e.After == nil || *e.After != "CLEAR" ||
		len(e.FindingsRemoved) != 1 || e.FindingsRemoved[0]["listedEntity"] != someRemoved {
		t.Errorf("acme-sub, owned by delisted %s: event %+v, want IMPROVED to CLEAR with the delisted owner removed", someRemoved, e)
	}
	for id := range renamed {
		if e, ok := got[id]; ok {
			t.Errorf("renamed %s: event %+v, want none (a name is not a finding)", id, e)
		}
	}
	for _, id := range []string{"beta-sub", unchanged} {
		if e, ok := got[id]; ok {
			t.Errorf("%s: event %+v, want none", id, e)
		}
	}
	if len(evs) != 21 {
		t.Errorf("%d events, want 21 (20 GONE, 1 IMPROVED)", len(evs))
	}
}
