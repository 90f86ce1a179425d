package ftm

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// readAll reads every operation of a real file, failing on any rejection.
func readAll(t *testing.T, path string, known func(string) bool) ([]ingest.Op, Stats) {
	t.Helper()
	open := func(path string, r io.Reader) *Source { return NewSource(path, r, known) }
	src, ops := formattest.ReadReal(t, path, Detect, open, checkOp)
	return ops, src.Stats()
}

const (
	t1  = "yente_t1_entities.ftm.json"
	wnk = "yente_t2_20240527194702-wnk_entities.delta.json"
	pfh = "yente_t2_20240528014702-pfh_entities.delta.json"
	npf = "yente_t2_20240528074703-npf_entities.delta.json"
	iv3 = "yente_t2_20240528134729-3iv_entities.delta.json"
)

// TestRealFiles ingests every real FtM file on its own: exact counts, nothing rejected.
func TestRealFiles(t *testing.T) {
	dir := formattest.RealDir(t, "opensanctions_ftm")
	want := map[string]Stats{
		t1:  {Lines: 7, Entities: 6, Listings: 6, TopicListings: 6, Ignored: 1},
		wnk: {Lines: 2, Entities: 2, Listings: 7, TopicListings: 7, Regimes: 1},
		pfh: {Lines: 2, Entities: 2, Listings: 5, TopicListings: 5, Regimes: 1, Deletes: 5},
		npf: {Lines: 1, Deletes: 7},
		iv3: {Lines: 1, Entities: 1, Listings: 1, TopicListings: 1},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != len(want) {
		t.Errorf("%d real FtM files, want %d", len(files), len(want))
	}
	for _, f := range files {
		ops, got := readAll(t, f, builtinKnown())
		if diff := cmp.Diff(want[filepath.Base(f)], got); diff != "" {
			t.Errorf("%s stats (-want +got):\n%s", filepath.Base(f), diff)
		}
		for _, op := range ops {
			if !op.Delete && !strings.HasPrefix(op.Record.Source, filepath.Base(f)) {
				t.Errorf("%s: source %q", filepath.Base(f), op.Record.Source)
			}
		}
	}
}

func TestRealEntities(t *testing.T) {
	dir := formattest.RealDir(t, "opensanctions_ftm")
	ops, _ := readAll(t, filepath.Join(dir, t1), builtinKnown())
	nodes := map[string]model.Record{}
	listings := map[string][]string{}
	for _, op := range ops {
		switch r := op.Record; r.Kind {
		case model.KindEntity:
			nodes[r.ID] = r
		case model.KindListing:
			listings[r.Src] = append(listings[r.Src], r.Dst)
		}
	}
	irgc := nodes["ftm:NK-2PacmNpiLUmoz4XD2mSt7A"]
	if irgc.Name != "IRGC" || irgc.Type != model.TypeCompany || irgc.Country != "IR" ||
		!cmp.Equal(irgc.Aliases, []string{"Iranian Revolutionary Guard Corps"}) ||
		irgc.Source != t1+"#NK-2PacmNpiLUmoz4XD2mSt7A" {
		t.Errorf("IRGC: %+v", irgc)
	}
	if p := nodes["ftm:NK-2Ka3UvopqbpZmVDFjWd4LA"]; p.Type != model.TypePerson || p.Country != "RU" || p.Identifier("tax") != "366510784303" {
		t.Errorf("Kuzmenko: %+v", p)
	}
	if _, ok := nodes["ftm:NK-2MQE6AmhAk4tqhENJAMUG9"]; ok {
		t.Error("an Address became an entity")
	}
	// The export is the eu_fsf dataset: every sanctioned entity is listed under the EU asset freeze.
	for id := range nodes {
		if !cmp.Equal(listings[id], []string{"EU-ASSET-FREEZE"}) {
			t.Errorf("%s listings %v", id, listings[id])
		}
	}
}

// TestRealDeltas applies the base file and the delta files in order to a map
// standing in for the store, as successive ingest runs would.
func TestRealDeltas(t *testing.T) {
	dir := formattest.RealDir(t, "opensanctions_ftm")
	store := map[model.Key]model.Record{}
	builtin := builtinKnown()
	known := func(id string) bool {
		_, stored := store[model.Key{Kind: model.KindRegime, Src: id, From: model.MinDate}]
		return builtin(id) || stored
	}
	for _, f := range []string{t1, wnk, pfh, npf, iv3} {
		ops, _ := readAll(t, filepath.Join(dir, f), known)
		for _, op := range ops {
			if op.Delete {
				delete(store, op.Record.Key())
			} else {
				store[op.Record.Key()] = op.Record
			}
		}
	}
	listed := func(id, regime string) bool {
		_, ok := store[model.Key{Kind: model.KindListing, Src: id, Dst: regime, From: model.MinDate}]
		return ok
	}
	entity := func(id string) (model.Record, bool) {
		r, ok := store[model.Key{Kind: model.KindEntity, Src: id, From: model.MinDate}]
		return r, ok
	}
	// MOD: renamed, and now only in eu_fsf: its OFAC and UK listings are deleted.
	const aqi = "ftm:NK-2T3S8Hu29ktYnKSTgQp2wL"
	if r, ok := entity(aqi); !ok || r.Name != "Foobar Foobargroup" {
		t.Errorf("%s after MOD: %+v", aqi, r)
	}
	if !listed(aqi, "EU-ASSET-FREEZE") || listed(aqi, "US-OFAC-SDN") || listed(aqi, "UK-OFSI") || listed(aqi, topicRegime) {
		t.Errorf("%s listings after MOD are wrong", aqi)
	}
	// DEL: the entity and its built-in listings are gone.
	const ghost = "ftm:NK-500Poltergeist"
	if _, ok := entity(ghost); ok {
		t.Errorf("%s survived its DEL", ghost)
	}
	for _, r := range topicRegimes {
		if listed(ghost, r) {
			t.Errorf("%s still listed under %s", ghost, r)
		}
	}
	// ADD in the last delta.
	if r, ok := entity("ftm:Q4365364"); !ok || r.Type != model.TypePerson || !listed("ftm:Q4365364", "EU-ASSET-FREEZE") {
		t.Errorf("Q4365364: %+v", r)
	}
	// The regime of lists without a built-in one was defined once, by the first file naming it.
	if r, ok := store[model.Key{Kind: model.KindRegime, Src: topicRegime, From: model.MinDate}]; !ok || r.Source != wnk {
		t.Errorf("%s: %+v", topicRegime, r)
	}
	// Janan Agha (added in the first delta, untouched since) is listed under the
	// built-in regimes of his datasets, and under the topic regime for the others.
	const janan = "ftm:NK-2sJaJRaPJcWUfMbHjTtWcL"
	for _, r := range []string{"EU-ASSET-FREEZE", "UK-OFSI", topicRegime} {
		if !listed(janan, r) {
			t.Errorf("%s not listed under %s", janan, r)
		}
	}
	if listed(janan, "US-OFAC-SDN") {
		t.Errorf("%s listed under US-OFAC-SDN, which none of his datasets is", janan)
	}
	ref := store[model.Key{Kind: model.KindListing, Src: janan, Dst: topicRegime, From: model.MinDate}].Reference
	if !strings.Contains(ref, "un_sc_sanctions") || strings.Contains(ref, "eu_fsf") {
		t.Errorf("%s topic listing reference %q", janan, ref)
	}
}
