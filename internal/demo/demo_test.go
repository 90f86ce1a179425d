package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/demo"
	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// TestCriteriaStories screens the demo's v1.1 stories (README.md in this folder)
// and checks each verdict, the finding that explains it and the day it starts.
func TestCriteriaStories(t *testing.T) {
	svc, _ := e2e.Service(t, string(demo.JSONL))
	view := svc.View()
	ctx := context.Background()
	cases := []struct {
		kind, id, regime, day string
		verdict               model.Verdict
		// entity, seed, basis and the last hops of the explaining finding
		// ("" for none: the verdict is CLEAR).
		entity, seed, basis, tail string
	}{
		{"product", "prod-er8000", "JP-IT-PROC", "2024-06-01", model.Caution, "hisilicon", "LISTING", "AFFILIATE", "OWNERSHIP huawei->hisilicon, LISTING huawei->US-FCC-COVERED"},
		{"product", "prod-er8000", "JP-IT-PROC", "2019-03-31", model.Clear, "", "", "", ""},
		{"product", "prod-small-cell", "AU-5G", "2024-06-01", model.Caution, "merlion-shenzhen", "JURISDICTION", "LISTED", "SOURCING prod-sc20-radio->merlion-shenzhen [site CN-GD], CRITERION merlion-shenzhen->AU-5G [country CN]"},
		{"product", "prod-small-cell", "AU-5G", "2018-08-22", model.Clear, "", "", "", ""},
		// Down only: the Singapore parent of the Chinese subsidiary is not caught.
		{"entity", "merlion-holdings", "AU-5G", "2024-06-01", model.Clear, "", "", "", ""},
		// 15% + 12% held by two bodies of one government.
		{"product", "prod-home-battery", "US-FEOC", "2024-06-01", model.Exposed, "danube-cells", "STATE_BODY", "OWNERSHIP", ""},
		{"entity", "danube-cells", "US-FEOC", "2024-05-05", model.Clear, "", "", "", ""},
		{"product", "prod-iot-gateway", "US-NDAA23-5949", "2027-12-23", model.Exposed, "", "LISTING", "", ""},
		{"product", "prod-iot-gateway", "US-NDAA23-5949", "2027-12-22", model.Clear, "", "", "", ""},
		{"entity", "smic-beijing", "US-NDAA23-5949", "2028-01-01", model.Exposed, "smic-beijing", "LISTING", "AFFILIATE", "OWNERSHIP smic->smic-beijing, LISTING smic->US-NDAA23-5949"},
		{"entity", "quectel", "US-NDAA24-805", "2026-12-07", model.Exposed, "quectel", "LISTING", "LISTED", "LISTING quectel->US-NDAA24-805"},
		{"product", "prod-kiosk", "US-NDAA24-805", "2027-06-29", model.Clear, "", "", "", ""},
		{"product", "prod-kiosk", "US-NDAA24-805", "2027-06-30", model.Exposed, "quectel", "LISTING", "LISTED", "SOURCING prod-lte-cat4->quectel, LISTING quectel->US-NDAA24-805"},
		{"product", "prod-solar-panel", "US-UFLPA", "2022-06-21", model.Exposed, "tianshan-silicon", "ORIGIN", "ORIGIN", "SOURCING prod-polysilicon->tianshan-silicon [site CN-XJ], CRITERION tianshan-silicon->US-UFLPA [site CN-XJ]"},
		{"product", "prod-solar-panel", "US-UFLPA", "2022-06-20", model.Clear, "", "", "", ""},
	}
	for _, c := range cases {
		name := c.kind + " " + c.id + " " + c.regime + " " + c.day
		day, err := model.ParseDate(c.day)
		if err != nil {
			t.Fatal(err)
		}
		screen := view.ScreenProduct
		if c.kind == "entity" {
			screen = view.ScreenEntity
		}
		s, err := screen(ctx, c.id, &day, []string{c.regime})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r := s.Results[0]
		if r.Verdict != c.verdict {
			t.Errorf("%s: verdict %s, want %s", name, r.Verdict, c.verdict)
			continue
		}
		if c.seed == "" {
			if len(r.Findings) != 0 {
				t.Errorf("%s: findings %+v, want none", name, r.Findings)
			}
			continue
		}
		if len(r.Findings) == 0 {
			t.Errorf("%s: no finding", name)
			continue
		}
		f := r.Findings[0]
		if c.entity != "" && f.Entity != c.entity {
			t.Errorf("%s: first finding's entity %s, want %s", name, f.Entity, c.entity)
		}
		if f.Seed.String() != c.seed {
			t.Errorf("%s: seed %s, want %s", name, f.Seed, c.seed)
		}
		if c.basis != "" && f.Basis.String() != c.basis {
			t.Errorf("%s: basis %s, want %s", name, f.Basis, c.basis)
		}
		var hops []string
		for _, h := range f.Path.All() {
			kind := strings.ToUpper(h.Kind.String())
			if h.Kind == rules.HopCriterion {
				kind = "CRITERION"
			}
			s := kind + " " + h.From + "->" + h.To
			switch {
			case h.Criterion() != "":
				s += " [" + h.Criterion() + "]"
			case h.Site() != "":
				s += " [site " + h.Site() + "]"
			}
			hops = append(hops, s)
		}
		if got := strings.Join(hops, ", "); c.tail != "" && !strings.HasSuffix(got, c.tail) {
			t.Errorf("%s: path %s, want it to end %s", name, got, c.tail)
		}
	}
}
