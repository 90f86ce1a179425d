package gleif

import (
	"path/filepath"
	"testing"

	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// TestScreenRealData screens Shell plc's consolidated children as the rules see
// GLEIF's Level 2: control, never ownership.
func TestScreenRealData(t *testing.T) {
	dir := formattest.RealDir(t, "gleif_api_json")
	set, err := rules.NewSet(rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	const shell = "lei:21380068P1DRHMJ8KU70"
	for _, c := range []struct {
		name, listed, regime, subject, day string
		want                               model.Verdict
	}{
		{"889: a consolidated child is an affiliate", shell, "US-NDAA-889", "lei:2138009AGE4DW1J76R35", "2024-01-01", model.Exposed},
		{"889: a sibling is an affiliate too", "lei:2138009AGE4DW1J76R35", "US-NDAA-889", "lei:213800C2Y6KDQCD2WZ09", "2024-01-01", model.Exposed},
		{"889: before the relationship period began (2021-11-03)", shell, "US-NDAA-889", "lei:549300MH1CA06T7E7F09", "2020-06-01", model.Clear},
		{"889: after it began", shell, "US-NDAA-889", "lei:549300MH1CA06T7E7F09", "2022-01-01", model.Exposed},
		{"OFAC: consolidation is control, so CAUTION", shell, "US-OFAC-SDN", "lei:2138009AGE4DW1J76R35", "2024-01-01", model.Caution},
		{"EU: control catches", shell, "EU-ASSET-FREEZE", "lei:2138009AGE4DW1J76R35", "2024-01-01", model.Exposed},
	} {
		b := projection.NewBuilder()
		for _, f := range []string{
			"lei_records/multi_lei_records.json",
			"relationships/direct-child-relationships_21380068P1DRHMJ8KU70.json",
			"relationships/ultimate-child-relationships_21380068P1DRHMJ8KU70.json",
		} {
			ops, _ := readAll(t, filepath.Join(dir, f))
			for i := range ops {
				b.Add(&ops[i].Record)
			}
		}
		// The children have no LEI record in the sample: define them so they can be screened.
		for _, id := range []string{"lei:2138009AGE4DW1J76R35", "lei:213800C2Y6KDQCD2WZ09", "lei:549300MH1CA06T7E7F09"} {
			b.Add(&model.Record{Kind: model.KindEntity, ID: id, Name: id, Type: model.TypeCompany})
		}
		b.Add(&model.Record{Kind: model.KindListing, Src: c.listed, Dst: c.regime, Valid: model.Always})
		snap, err := b.Build(model.Hash{})
		if err != nil {
			t.Fatal(err)
		}
		e := rules.NewEngine(snap, set)
		s, err := e.ScreenEntity(c.subject, model.MustDate(c.day), []*rules.Regime{set.Get(c.regime)})
		if err != nil {
			t.Fatal(err)
		}
		if s.Verdict != c.want {
			t.Errorf("%s: %s under %s on %s is %s, want %s", c.name, c.subject, c.regime, c.day, s.Verdict, c.want)
		}
	}
}
