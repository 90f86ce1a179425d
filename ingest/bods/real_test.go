package bods

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// readAll reads every operation of a real file, failing on any rejection.
func readAll(t *testing.T, path string) ([]ingest.Op, Stats) {
	t.Helper()
	src, ops := formattest.ReadReal(t, path, Detect, NewSource, formattest.CheckOp)
	for _, op := range ops {
		if !strings.HasPrefix(op.Record.Source, filepath.Base(path)+"#") {
			t.Errorf("%s: source %q", filepath.Base(path), op.Record.Source)
		}
	}
	return ops, src.Stats()
}

// TestRealFiles ingests every real BODS example: exact counts, nothing rejected.
func TestRealFiles(t *testing.T) {
	dir := formattest.RealDir(t, "bods")
	want := map[string]Stats{
		"v0.2/1-single-direct.json":                            {Statements: 3, Entities: 1, Persons: 1, Ownership: 1},
		"v0.2/2-single-update.json":                            {Statements: 4, Entities: 1, Persons: 1, Ownership: 1, UnspecifiedParty: 1},
		"v0.2/3-joint-ownership.json":                          {Statements: 7, Entities: 2, Persons: 2, Ownership: 3},
		"v0.2/4a-simple-pep-declaration.json":                  {Statements: 3, Entities: 1, Persons: 1, Ownership: 1, Dropped: 1},
		"v0.2/4b-full-pep-declaration.json":                    {Statements: 3, Entities: 1, Persons: 1, Ownership: 1, Dropped: 1},
		"v0.2/flat-serialisation_gb-coh-bods-package.json":     {Statements: 3, Entities: 1, Persons: 1, Ownership: 1},
		"v0.2/flat-serialisation_gb-coh-entity-statement.json": {Statements: 1, Entities: 1},
		"v0.2/flat-serialisation_gb-coh-person-statement.json": {Statements: 1, Persons: 1},
		"v0.2/indirect-ownership_os-03-dr-03.json":             {Statements: 6, Entities: 2, Persons: 1, Ownership: 2, IndirectSkipped: 1},
		"v0.2/indirect-ownership_os-03-dr-04.json":             {Statements: 6, Entities: 2, Persons: 1, Ownership: 2, IndirectSkipped: 1},
		"v0.2/indirect-ownership_os-06-dr-03.json":             {Statements: 9, Entities: 3, Persons: 1, Ownership: 4, IndirectSkipped: 1},
		"v0.2/indirect-ownership_os-06-dr-04.json":             {Statements: 9, Entities: 3, Persons: 1, Ownership: 4, IndirectSkipped: 1},
		"v0.2/indirect-ownership_os-07-dr-04-company-a.json":   {Statements: 6, Entities: 2, Persons: 1, Ownership: 2, IndirectSkipped: 1},
		"v0.2/indirect-ownership_os-07-dr-04-company-b.json":   {Statements: 9, Entities: 3, Persons: 1, Ownership: 4, IndirectSkipped: 1},
		"v0.2/indirect-ownership_os-07-dr-04-company-c.json":   {Statements: 3, Entities: 1, Persons: 1, Ownership: 1},
		"v0.2/indirect-ownership_os-07-dr-04-company-d.json":   {Statements: 2, Entities: 1, UnspecifiedParty: 1},
		"v0.2/indirect-ownership_os-08-dr-04-company-a.json":   {Statements: 6, Entities: 2, Persons: 1, Ownership: 3, IndirectSkipped: 1},
		"v0.2/missing-data_os-01-dr-02-dc-05.json":             {Statements: 3, Entities: 1, Persons: 1, Ownership: 1},
		"v0.2/missing-data_os-17-dr-02-dc-06.json":             {Statements: 2, Entities: 1, UnspecifiedParty: 1},
		"v0.2/os-01-dr-01.json":                                {Statements: 3, Entities: 1, Persons: 1, Ownership: 1},
		"v0.4/bods-package-annotations.json":                   {Statements: 3, Entities: 2, Ownership: 1},
		"v0.4/bods-package-entity-owning-entity.json":          {Statements: 3, Entities: 2, Ownership: 1},
		"v0.4/bods-package-fi-soe.json":                        {Statements: 9, Entities: 4, Ownership: 3, Control: 1, IndirectSkipped: 1},
		"v0.4/bods-package-linking-annotations.json":           {Statements: 3, Entities: 1, Persons: 1, Ownership: 1},
		"v0.4/bods-package.json":                               {Statements: 3, Entities: 1, Persons: 1, Ownership: 1},
		"v0.4/fermcat.json":                                    {Statements: 23, Entities: 1, Persons: 3, Ownership: 4, Control: 2, Superseded: 11},
		"v0.4/full-pep-declaration.json":                       {Statements: 3, Entities: 1, Persons: 1, Ownership: 1, Dropped: 1},
		"v0.4/indirect-ownership.json":                         {Statements: 6, Entities: 2, Persons: 1, Ownership: 2, IndirectSkipped: 1},
		"v0.4/joint-ownership.json":                            {Statements: 7, Entities: 2, Persons: 2, Ownership: 3},
		"v0.4/levent.json":                                     {Statements: 7, Entities: 1, Persons: 3, Control: 3},
		"v0.4/listed-company-exempt-from-disclosure.json":      {Statements: 2, Entities: 1, UnspecifiedParty: 1},
		"v0.4/mixed-direct-and-indirect-ownership.json":        {Statements: 6, Entities: 2, Persons: 1, Ownership: 3, IndirectSkipped: 1},
		"v0.4/multiple-indirect-ownership.json":                {Statements: 9, Entities: 3, Persons: 1, Ownership: 4, IndirectSkipped: 1},
		"v0.4/multiple-tax-residencies.json":                   {Statements: 3, Entities: 1, Persons: 1, Ownership: 1},
		"v0.4/mutilple-indirect-ownership-2.json":              {Statements: 9, Entities: 3, Persons: 1, Ownership: 4, IndirectSkipped: 1},
		"v0.4/nomination.json":                                 {Statements: 8, Entities: 2, Persons: 2, Control: 4},
		"v0.4/plc-entity-statement.json":                       {Statements: 1, Entities: 1},
		"v0.4/simple-pep-declaration.json":                     {Statements: 3, Entities: 1, Persons: 1, Ownership: 1, Dropped: 1},
		"v0.4/tecido.json":                                     {Statements: 11, Entities: 2, Persons: 1, Ownership: 6, Control: 6, Superseded: 2, Dropped: 3},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if len(files) != len(want) {
		t.Errorf("%d real BODS files, want %d", len(files), len(want))
	}
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		_, got := readAll(t, f)
		if diff := cmp.Diff(want[filepath.ToSlash(rel)], got); diff != "" {
			t.Errorf("%s stats (-want +got):\n%s", rel, diff)
		}
	}
}

// edgesOf returns a file's edges as "kind owner->owned share from..to" strings.
func edgesOf(t *testing.T, path string) (map[string]model.Record, []string) {
	t.Helper()
	ops, _ := readAll(t, path)
	nodes := map[string]model.Record{}
	var edges []string
	for _, op := range ops {
		r := op.Record
		if r.Kind == model.KindEntity {
			nodes[r.ID] = r
			continue
		}
		s := r.Kind.String() + " " + r.Src + "->" + r.Dst
		switch r.Share.Mode {
		case model.ShareExact:
			s += " " + ftoa(r.Share.Min)
		case model.ShareRange:
			s += " " + ftoa(r.Share.Min) + ".." + ftoa(r.Share.Max)
		}
		if r.Basis != "" {
			s += " " + r.Basis
		}
		s += " " + r.Valid.From.String() + ".." + r.Valid.To.String()
		edges = append(edges, s)
	}
	return nodes, edges
}

func ftoa(u uint32) string { return strconv.FormatFloat(model.Percent(uint64(u)), 'f', -1, 64) }

func TestRealStateOwned(t *testing.T) {
	dir := formattest.RealDir(t, "bods")
	nodes, edges := edgesOf(t, filepath.Join(dir, "v0.4", "bods-package-fi-soe.json"))
	want := []string{
		"ownership bods:0199c515a699->bods:19f1c5afe9d7 76.5 2020-01-01..",
		"ownership bods:7ff95ba3682c->bods:0199c515a699 100 2020-01-01..",
		"ownership bods:7ff95ba3682c->bods:19f1c5afe9d7 23.5 2020-01-01..",
		"control bods:05ce06ec97b1->bods:7ff95ba3682c dominant_influence ..",
	}
	if diff := cmp.Diff(want, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	// The ministry (stateBody) and the republic (state) are state bodies; the
	// indirect 100% of the republic in Gasgrid is not an edge (its chain is above).
	for id, typ := range map[string]string{"bods:7ff95ba3682c": "state_body", "bods:05ce06ec97b1": "state_body", "bods:19f1c5afe9d7": "company"} {
		if nodes[id].Type != typ {
			t.Errorf("%s is %q, want %s", id, nodes[id].Type, typ)
		}
	}
	if g := nodes["bods:19f1c5afe9d7"]; g.Name != "Gasgrid Finland Oy" || g.Country != "FI" || g.Identifier("registration") != "FI:3007894-1" {
		t.Errorf("Gasgrid: %+v", g)
	}
}

// TestRealIndirectNotDoubleCounted checks that no indirect statement of the
// examples becomes an edge beside the chain it summarises.
func TestRealIndirectNotDoubleCounted(t *testing.T) {
	dir := formattest.RealDir(t, "bods")
	for _, c := range []struct {
		file string
		want []string
	}{
		{"v0.4/indirect-ownership.json", []string{ // Person 1 -> B (unknown) -> A 60%; the indirect 30% is left out
			"ownership bods:d4ab89ea169a->bods:ad3f6c2fcc9e 60 2017-11-01..",
			"ownership bods:c25d4d612c2c->bods:d4ab89ea169a ..",
		}},
		{"v0.4/mixed-direct-and-indirect-ownership.json", []string{ // indirect 50% since 2017 left out, direct 50% since 2019 kept
			"ownership bods:ec61aeda7141->bods:9bfe59b6a869 50 2017-11-01..",
			"ownership bods:53508b65253f->bods:ec61aeda7141 ..",
			"ownership bods:53508b65253f->bods:9bfe59b6a869 50 2019-05-01..",
		}},
		{"v0.4/multiple-indirect-ownership.json", []string{ // 50% + 50% through C and D; the indirect 60% is left out
			"ownership bods:d177864a8b39->bods:63e3a8a8946f 50 2017-11-01..",
			"ownership bods:05fbbfb94b79->bods:63e3a8a8946f 50 2017-11-01..",
			"ownership bods:92ebf964a1f6->bods:d177864a8b39 ..",
			"ownership bods:92ebf964a1f6->bods:05fbbfb94b79 ..",
		}},
		{"v0.2/indirect-ownership_os-06-dr-04.json", []string{ // 40% + 20%; the indirect 60% is left out
			"ownership bods:59368bde-e38d-4a95-9a6c-8ef6aec54f9f->bods:c814b8ce-b120-46a0-a4ea-d58e9288e098 40 2017-11-01..",
			"ownership bods:829ec2d1-6ecb-4ca6-874f-c9c59f2cd843->bods:c814b8ce-b120-46a0-a4ea-d58e9288e098 20 2017-11-01..",
			"ownership bods:78feb28a-4331-4341-b9cb-c3a695a76e63->bods:59368bde-e38d-4a95-9a6c-8ef6aec54f9f ..",
			"ownership bods:78feb28a-4331-4341-b9cb-c3a695a76e63->bods:829ec2d1-6ecb-4ca6-874f-c9c59f2cd843 ..",
		}},
	} {
		_, edges := edgesOf(t, filepath.Join(dir, c.file))
		if diff := cmp.Diff(c.want, edges); diff != "" {
			t.Errorf("%s edges (-want +got):\n%s", c.file, diff)
		}
	}
}

func TestRealRanges(t *testing.T) {
	dir := formattest.RealDir(t, "bods")
	for file, want := range map[string]string{
		// "more than 25% but not more than 50%", published with exclusive bounds on both sides
		"v0.4/bods-package-linking-annotations.json":  "ownership bods:0fc263ba4126->bods:a01c1a0863e2 25.000001..49.999999 2018-09-19..",
		"v0.4/bods-package-entity-owning-entity.json": "ownership bods:e83cce729ada->bods:12b7dd0770ce 75..99.999999 ..",
		"v0.4/simple-pep-declaration.json":            "ownership bods:c9ceb68d7241->bods:841083ba86e3 25..49.999999 2016-07-07..",
		"v0.2/4a-simple-pep-declaration.json":         "ownership bods:a40f766e-0c33-4e34-b9d4-80e39aa99496->bods:41fd9f6c-ad31-4209-9ed8-1ec46cb0cae5 25..50 2016-07-07..",
	} {
		_, edges := edgesOf(t, filepath.Join(dir, file))
		if diff := cmp.Diff([]string{want}, edges); diff != "" {
			t.Errorf("%s edges (-want +got):\n%s", file, diff)
		}
	}
}

// TestRealUpdates checks the versions of tecido.json (0.4 updates, closed record)
// and 2-single-update.json (0.2 replacement).
func TestRealUpdates(t *testing.T) {
	dir := formattest.RealDir(t, "bods")
	nodes, edges := edgesOf(t, filepath.Join(dir, "v0.4", "tecido.json"))
	const maria, shear, tecido = "bods:018AF6B3EB", "bods:033E84672B", "bods:01B68D7633"
	want := []string{
		"control " + maria + "->" + tecido + " voting 2002-03-09..2021-09-24",
		"ownership " + maria + "->" + tecido + " 100 2002-03-09..2021-09-24",
		"control " + shear + "->" + tecido + " voting 2021-09-24..2022-09-21",
		"ownership " + shear + "->" + tecido + " 60 2021-09-24..2022-09-21",
		"control " + maria + "->" + tecido + " board 2021-09-24..2022-09-21",
		"ownership " + maria + "->" + tecido + " 40 2021-09-24..2022-09-21",
		"control " + shear + "->" + tecido + " voting 2022-09-21..2023-03-01",
		"ownership " + shear + "->" + tecido + " 70 2022-09-21..2023-03-01",
		"control " + maria + "->" + tecido + " board 2022-09-21..2023-03-03", // closed on 2023-03-03
		"ownership " + maria + "->" + tecido + " 30 2022-09-21..2023-03-03",
		"control " + shear + "->" + tecido + " voting 2023-03-01..",
		"ownership " + shear + "->" + tecido + " 80 2023-03-01..", // the latest wins
	}
	if diff := cmp.Diff(want, edges); diff != "" {
		t.Errorf("tecido edges (-want +got):\n%s", diff)
	}
	if nodes[maria].Type != model.TypePerson || nodes[tecido].Country != "US" {
		t.Errorf("nodes: %+v", nodes)
	}
	_, edges = edgesOf(t, filepath.Join(dir, "v0.2", "2-single-update.json"))
	if diff := cmp.Diff([]string{
		"ownership bods:019a93f1-e470-42e9-957b-03559861b2e2->bods:1dc0e987-5c57-4a1c-b3ad-61353b66a9b7 50 2016-04-06..",
	}, edges); diff != "" {
		t.Errorf("2-single-update edges (-want +got):\n%s", diff)
	}
}
