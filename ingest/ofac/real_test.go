package ofac

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// tally counts what a file gave.
type tally struct {
	Kinds       map[string]int // records per kind
	Listings    map[string]int // listings per regime
	Types       map[string]int // entities per type
	Identifiers map[string]int // identifiers per scheme
	Aliases     int
	WithCountry int
	Errors      int
}

func count(ops []ingest.Op, errs []*ingest.LineError) (tally, map[string]model.Record, map[string][]model.Record) {
	t := tally{Kinds: map[string]int{}, Listings: map[string]int{}, Types: map[string]int{}, Identifiers: map[string]int{}, Errors: len(errs)}
	entities := map[string]model.Record{}
	listings := map[string][]model.Record{}
	for _, op := range ops {
		r := op.Record
		t.Kinds[r.Kind.String()]++
		switch r.Kind {
		case model.KindEntity:
			entities[r.ID] = r
			t.Types[r.Type]++
			t.Aliases += len(r.Aliases)
			for _, id := range r.Identifiers {
				t.Identifiers[id.Scheme]++
			}
			if r.Country != "" {
				t.WithCountry++
			}
		case model.KindListing:
			t.Listings[r.Dst]++
			listings[r.Src] = append(listings[r.Src], r)
		}
	}
	return t, entities, listings
}

// TestRealSDN2019 reads OFAC's SDN list of January 2019 (sdn.csv with alt.csv,
// add.csv and sdn_comments.csv beside it).
//
// PROVENANCE.md says 7,378 entries and 9,681 aliases: those are `wc -l` counts,
// one short because the files do not end with a newline. The files hold 7,379
// entries (7,379 distinct ent_nums: 3,845 individuals, 2,994 entities, 323
// vessels, 217 aircraft, the figures PROVENANCE.md itself gives) and 9,682 alias
// rows, of which 2 repeat another alias of the same entry (8407, 16448) and 5
// repeat the entry's own name (10594, 12609, 12610, 13369, 20125): 9,675 aliases.
func TestRealSDN2019(t *testing.T) {
	dir := formattest.RealDir(t, "ofac_sdn_2019")
	res := readFile(t, FormatSDN, filepath.Join(dir, "sdn.csv"))
	ops := res.Clean(t)
	formattest.CheckStream(t, ops, IsBuiltin)
	got, entities, listings := count(ops, res.Errs)
	want := tally{
		Kinds:       map[string]int{"entity": 7379, "listing": 7379},
		Listings:    map[string]int{RegimeSDN: 7379},
		Types:       map[string]int{"person": 3845, "company": 2994, "organization": 540},
		Identifiers: map[string]int{"duns": 25, "imo": 364, "registration": 376, "swift": 67, "website": 284},
		Aliases:     11712, // alt.csv and the remarks' a.k.a. names
		WithCountry: 5145,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	// Name collisions with Huawei's and Dahua's are just data.
	if e := entities["ofac:13062"]; e.Name != "BOZTEPE, Omer" || e.Type != model.TypePerson || len(listings["ofac:13062"]) != 1 {
		t.Errorf("BOZTEPE: %+v %+v", e, listings["ofac:13062"])
	}
	for _, id := range []string{"ofac:22245", "ofac:22246"} { // addresses at the Dahua Hotel, Shanghai
		if e := entities[id]; e.Country != "CN" || e.Source != "sdn.csv#"+id[5:] {
			t.Errorf("%s: %+v", id, e)
		}
	}
	// A vessel with its IMO number.
	if e := entities["ofac:15036"]; e.Type != model.TypeOrganization || e.Identifier("imo") != "9187629" {
		t.Errorf("vessel 15036: %+v", e)
	}
}

// TestRealConsolidated reads the consolidated non-SDN list as legacy CSV
// (December 2025) and as XML (March 2023): the same Huawei entry gets the same
// entity and the same CMIC listing from both.
func TestRealConsolidated(t *testing.T) {
	for _, c := range []struct {
		dir, file string
		want      tally
	}{
		{"ofac_consolidated_nonsdn_2025", "cons_prim.csv", tally{
			Kinds:       map[string]int{"entity": 442, "listing": 462, "regime": 4},
			Listings:    map[string]int{RegimeCMIC: 68, RegimeSSI: 286, RegimeNSPLC: 78, RegimeNSMBS: 15, RegimeCAPTA: 15},
			Types:       map[string]int{"company": 358, "person": 79, "state_body": 5},
			Identifiers: map[string]int{"isin": 53, "lei": 15, "registration": 257, "swift": 33, "uscc": 58, "website": 170},
			Aliases:     1143,
			WithCountry: 390,
		}},
		{"ofac_consolidated_nonsdn_xml_2023", "consolidated_non_sdn_2023-03-08.xml", tally{
			Kinds:       map[string]int{"entity": 445, "listing": 465, "regime": 5},
			Listings:    map[string]int{RegimeCMIC: 68, RegimeSSI: 289, RegimeNSPLC: 78, RegimeNSMBS: 14, RegimeCAPTA: 15, RegimeFSE: 1},
			Types:       map[string]int{"company": 361, "person": 79, "state_body": 5},
			Identifiers: map[string]int{"isin": 53, "lei": 9, "registration": 251, "swift": 34, "uscc": 58, "website": 174},
			Aliases:     1119,
			WithCountry: 392,
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			res := readFile(t, FormatCons, filepath.Join(formattest.RealDir(t, c.dir), c.file))
			ops := res.Clean(t)
			formattest.CheckStream(t, ops, IsBuiltin)
			got, entities, listings := count(ops, res.Errs)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			hw := entities["ofac:30947"]
			if hw.Name != "HUAWEI TECHNOLOGIES CO., LTD." || hw.Identifier("uscc") != "914403001922038216" ||
				hw.Country != "CN" || hw.Type != model.TypeCompany || hw.Source != c.file+"#30947" {
				t.Errorf("Huawei: %+v", hw)
			}
			want := []model.Record{{Kind: model.KindListing, Src: "ofac:30947", Dst: RegimeCMIC, Reference: "CMIC-EO13959",
				Valid: model.Period{From: model.MustDate("2021-06-03"), To: model.MaxDate}, Source: c.file + "#30947"}}
			if diff := cmp.Diff(want, listings["ofac:30947"]); diff != "" {
				t.Errorf("Huawei listings (-want +got):\n%s", diff)
			}
			// Huawei Investment & Holding: its ISINs (the first one kept) and CMIC listing.
			if e := entities["ofac:32087"]; e.Identifier("isin") == "" || len(listings["ofac:32087"]) != 1 ||
				listings["ofac:32087"][0].Dst != RegimeCMIC {
				t.Errorf("Huawei Investment & Holding: %+v %+v", e, listings["ofac:32087"])
			}
		})
	}
}
