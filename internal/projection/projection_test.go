package projection

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
)

func TestDateCodesPreserveComparisons(t *testing.T) {
	days := []model.Date{model.MustDate("2010-01-01"), model.MustDate("2015-06-30"), model.MustDate("2020-02-29")}
	dd, err := buildDateDict(append([]model.Date(nil), days...))
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range append(days, model.MinDate) {
		for _, to := range append(days, model.MaxDate) {
			if from >= to {
				continue
			}
			p := model.Period{From: from, To: to}
			f, tt := dd.codeFrom(from), dd.codeTo(to)
			for d := model.MustDate("2009-12-30"); d < model.MustDate("2020-03-02"); d += 17 {
				for _, day := range []model.Date{d, days[0] - 1, days[0], days[1], days[2], days[2] + 1} {
					if got, want := holds(f, tt, dd.query(day)), p.Holds(day); got != want {
						t.Fatalf("period %v on %v: coded %v, want %v", p, day, got, want)
					}
				}
			}
		}
	}
}

// randomRecords makes a random graph touching every edge kind.
func randomRecords(rng *rand.Rand, n int) []*model.Record {
	var out []*model.Record
	day := func() model.Date { return model.MustDate("2015-01-01") + model.Date(rng.IntN(3000)) }
	period := func() model.Period {
		p := model.Always
		if rng.IntN(2) == 0 {
			p.From = day()
		}
		if rng.IntN(3) == 0 {
			p.To = p.From + 1 + model.Date(rng.IntN(500))
			if p.From == model.MinDate {
				p.To = day()
			}
		}
		return p
	}
	e := func() string { return fmt.Sprintf("e%d", rng.IntN(n)) }
	p := func() string { return fmt.Sprintf("p%d", rng.IntN(n)) }
	for i := 0; i < n; i++ {
		out = append(out, &model.Record{Kind: model.KindEntity, ID: fmt.Sprintf("e%d", i), Name: "x", Type: model.EntityTypes[rng.IntN(4)]})
		out = append(out, &model.Record{Kind: model.KindProduct, ID: fmt.Sprintf("p%d", i), Name: "x", Category: []string{"", "telecom", "video_surveillance", "other"}[rng.IntN(4)]})
	}
	for i := 0; i < 4*n; i++ {
		switch rng.IntN(7) {
		case 0:
			s := model.Exact(float64(rng.IntN(101)))
			if rng.IntN(4) == 0 {
				s = model.Share{Min: 10_000_000, Max: 60_000_000, Mode: model.ShareRange}
			}
			out = append(out, &model.Record{Kind: model.KindOwnership, Src: e(), Dst: e(), Valid: period(), Share: s})
		case 1:
			out = append(out, &model.Record{Kind: model.KindControl, Src: e(), Dst: e(), Valid: period()})
		case 2:
			out = append(out, &model.Record{Kind: model.KindComponent, Src: p(), Dst: p(), Valid: period(), Essential: rng.IntN(3) > 0})
		case 3:
			out = append(out, &model.Record{Kind: model.KindSourcing, Src: p(), Dst: e(), Valid: period(), Site: []string{"", "CN", "CN-XJ"}[rng.IntN(3)]})
		case 4:
			out = append(out, &model.Record{Kind: model.KindListing, Src: e(), Dst: []string{"A", "B"}[rng.IntN(2)], Valid: period(), Categories: [][]string{nil, {"telecom"}}[rng.IntN(2)]})
		case 5:
			a, b := e(), e()
			if a != b {
				r := &model.Record{Kind: model.KindSameAs, Src: a, Dst: b, Valid: period()}
				r.Normalize()
				out = append(out, r)
			}
		default:
			out = append(out, &model.Record{Kind: model.KindEntity, ID: fmt.Sprintf("late%d", i), Name: "y",
				Country: []string{"", "CN", "JP"}[rng.IntN(3)], HQCountry: []string{"", "CN", "BM"}[rng.IntN(3)]})
		}
	}
	return out
}

func build(t *testing.T, recs []*model.Record) *Snapshot {
	b := NewBuilder()
	for _, r := range recs {
		b.Add(r)
	}
	s, err := b.Build(model.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dump lists a snapshot's content by ids, sorted, independent of its internal
// numbering. It also checks that the reverse index lists every edge.
func dump(s *Snapshot) string {
	var lines []string
	for _, kind := range []model.Kind{model.KindOwnership, model.KindControl, model.KindSameAs, model.KindComponent, model.KindSourcing} {
		e, srcKind, dstKind := s.EdgesOf(kind)
		for i := uint32(0); i < uint32(e.Len()); i++ {
			line := fmt.Sprintf("%s %s>%s %v", kind, s.NodeID(srcKind, e.Src(i)), s.NodeID(dstKind, e.Dst(i)), s.EdgePeriod(e, i))
			switch kind {
			case model.KindOwnership:
				line += fmt.Sprint(e.Share(i))
			case model.KindComponent:
				line += fmt.Sprint(e.Essential(i))
			case model.KindSourcing:
				line += " site=" + s.SiteName(e.Site(i))
			}
			if !slices.Contains(e.In(e.Dst(i)), i) {
				line += " MISSING FROM THE REVERSE INDEX"
			}
			lines = append(lines, line)
		}
	}
	for i := uint32(0); i < uint32(s.Lists.Len()); i++ {
		lines = append(lines, fmt.Sprintf("L %s %s %v %v", s.EntityID(s.Lists.Entity[i]), s.RegimeID(s.Lists.Regime[i]), s.ListingPeriod(i), s.ListingCategories(s.Lists.Cats[i])))
	}
	for x := uint32(0); x < uint32(s.NumEntities()); x++ {
		if s.EntityDefined(x) {
			lines = append(lines, fmt.Sprintf("E %s %s %s %s", s.EntityID(x), s.EntityType(x), s.EntityCountry(x), s.EntityHQCountry(x)))
		}
	}
	for p := uint32(0); p < uint32(s.NumProducts()); p++ {
		if s.ProductDefined(p) {
			lines = append(lines, fmt.Sprintf("P %s %s", s.ProductID(p), s.ProductCategory(p)))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestApplyEqualsBuild: applying a batch of changes to a snapshot gives the same
// graph as building from the changed records.
func TestApplyEqualsBuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		recs := randomRecords(rng, 30)
		old := build(t, recs)
		// Change: drop a random third of the records, add new ones.
		removed := map[model.Key]bool{}
		var kept []*model.Record
		for _, r := range recs {
			if rng.IntN(3) == 0 {
				removed[r.Key()] = true
				continue
			}
			kept = append(kept, r)
		}
		added := randomRecords(rng, 30)[:40]
		for _, r := range added {
			removed[r.Key()] = true
		}
		var final []*model.Record
		for _, r := range kept {
			if !removed[r.Key()] {
				final = append(final, r)
			}
		}
		final = append(final, added...)
		got, err := old.Apply(model.Hash{}, removed, added)
		if err != nil {
			t.Fatal(err)
		}
		if want := build(t, final); dump(got) != dump(want) {
			t.Fatalf("round %d: Apply differs from Build:\n%s\nvs\n%s", round, dump(got), dump(want))
		}
	}
}

func TestSrcAndReverseIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := build(t, randomRecords(rng, 200))
	for i := uint32(0); i < uint32(s.Own.Len()); i++ {
		x := s.Own.Src(i)
		lo, hi := s.Own.Out(x)
		if i < lo || i >= hi {
			t.Fatalf("Src(%d) = %d whose edges are %d..%d", i, x, lo, hi)
		}
	}
	if d := dump(s); strings.Contains(d, "MISSING") {
		t.Fatal(d)
	}
}
