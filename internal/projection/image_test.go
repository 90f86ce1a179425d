package projection

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/persist"
)

// roundTrip writes s's image and reads it back.
func roundTrip(t *testing.T, s *Snapshot) *Snapshot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.img")
	if err := persist.Save(path, s.Version(), func(w *persist.Writer) error { s.WriteImage(w); return w.Err() }); err != nil {
		t.Fatal(err)
	}
	r, err := persist.Load(path, s.Version())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadImage(r, s.Version())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.End(); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestImageRoundTrip: a snapshot read from its image holds the same graph
// (every edge kind, shares and ranges, sites, listings with categories,
// stored regimes), finds every id, numbers nodes the same, reports the same
// counts, and can be changed by Apply like a built one.
func TestImageRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := range 10 {
		recs := randomRecords(rng, 20+round*40)
		recs = append(recs, &model.Record{Kind: model.KindRegime, ID: "A", Name: "A", Spec: []byte(`{"id":"A"}`)})
		want := build(t, recs)
		got := roundTrip(t, want)
		if d := dump(got); d != dump(want) {
			t.Fatalf("round %d: the image holds another graph:\n%s\nvs\n%s", round, d, dump(want))
		}
		if diff := cmp.Diff(want.Stats(), got.Stats()); diff != "" {
			t.Errorf("round %d: stats (-built +read):\n%s", round, diff)
		}
		if diff := cmp.Diff(want.RegimeRecords(), got.RegimeRecords()); diff != "" {
			t.Errorf("round %d: regime records (-built +read):\n%s", round, diff)
		}
		for x := range uint32(want.NumEntities()) {
			if y, ok := got.Entity(want.EntityID(x)); !ok || y != x {
				t.Fatalf("round %d: entity %s is %d, %v; want %d", round, want.EntityID(x), y, ok, x)
			}
		}
		for p := range uint32(want.NumProducts()) {
			if q, ok := got.Product(want.ProductID(p)); !ok || q != p {
				t.Fatalf("round %d: product %s is %d, %v; want %d", round, want.ProductID(p), q, ok, p)
			}
		}
		if _, ok := got.Entity("nobody"); ok {
			t.Fatalf("round %d: an unknown id was found", round)
		}
		removed := map[model.Key]bool{recs[0].Key(): true}
		a, err := want.Apply(model.Hash{}, removed, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := got.Apply(model.Hash{}, removed, nil)
		if err != nil {
			t.Fatal(err)
		}
		if dump(a) != dump(b) {
			t.Fatalf("round %d: Apply on the read snapshot differs", round)
		}
	}
}

// TestImageCoversEverySnapshotField fails when a field is added to what a
// snapshot holds: WriteImage and ReadImage must then write and read it (or
// rebuild it) and persist.FormatVersion must change, so that images of the
// old layout are rebuilt rather than read without it.
func TestImageCoversEverySnapshotField(t *testing.T) {
	fields := func(v any) []string {
		var out []string
		for f := range reflect.TypeOf(v).Fields() {
			out = append(out, f.Name)
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		v    any
		want []string
	}{
		{Snapshot{}, []string{"Comp", "Ctl", "Lists", "Own", "Same", "Srcg", "dates", "entCtry", "entDef", "entHQ", "entType", "ents",
			"lcats", "pcatMask", "pcats", "prodCat", "prodDef", "prods", "regimeRecs", "regimes", "sites", "version"}},
		{Edges{}, []string{"dst", "essential", "from", "inIdx", "inOff", "off", "ranges", "share", "site", "to"}},
		{Listings{}, []string{"Cats", "Entity", "Regime", "byEntIdx", "byEntOff", "byRegime", "from", "to"}},
		{interner{}, []string{"data", "off", "seed", "table"}}, // seed and table are rebuilt
	} {
		if diff := cmp.Diff(c.want, fields(c.v)); diff != "" {
			t.Errorf("%T's fields changed (-imaged +now): add them to WriteImage and ReadImage and change persist.FormatVersion:\n%s", c.v, diff)
		}
	}
}

// TestReadImageNeverPanics: a body with bytes flipped, read without the
// checksum, is refused or gives a snapshot whose every accessor (dump) works:
// ReadImage's own checks keep a damaged image from crashing the process.
func TestReadImageNeverPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	recs := append(randomRecords(rng, 60), &model.Record{Kind: model.KindRegime, ID: "A", Name: "A", Spec: []byte(`{"id":"A"}`)})
	s := build(t, recs)
	path := filepath.Join(t.TempDir(), "p.img")
	if err := persist.Save(path, s.Version(), func(w *persist.Writer) error { s.WriteImage(w); return w.Err() }); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	good := file[64:]
	refused := 0
	for i := range 3000 {
		body := bytes.Clone(good)
		for range 1 + rng.IntN(3) {
			body[rng.IntN(len(body))] ^= byte(1 << rng.IntN(8))
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("damage %d: panic %v", i, p)
				}
			}()
			got, err := ReadImage(persist.NewReader(body), s.Version())
			if err != nil {
				refused++
				return
			}
			dump(got)
			for x := range uint32(got.NumEntities()) {
				got.Entity(got.EntityID(x))
			}
		}()
	}
	if refused == 0 {
		t.Fatal("no damage was refused")
	}
	t.Logf("%d of 3000 damaged bodies refused", refused)
}

// TestReadImageChecks: each of ReadImage's checks refuses an image whose
// arrays do not fit together (values a checksum would pass if a writer had
// written them), where an accessor would index out of range.
func TestReadImageChecks(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(s *Snapshot)
	}{
		{"edge ends before every date", func(s *Snapshot) { s.Own.to[0] = 0 }},
		{"edge starts after every date", func(s *Snapshot) { s.Ctl.from[0] = DateCode(len(s.dates) + 1) }},
		{"listing ends beyond the dictionary", func(s *Snapshot) { s.Lists.to[0] = DateCode(len(s.dates) + 1) }},
		{"edge target beyond the nodes", func(s *Snapshot) { s.Comp.dst[0] = uint32(s.NumProducts()) }},
		{"reverse index beyond the edges", func(s *Snapshot) { s.Srcg.inIdx[0] = uint32(s.Srcg.Len()) }},
		{"offsets decrease", func(s *Snapshot) { s.Own.off[1], s.Own.off[2] = s.Own.off[2]+1, s.Own.off[1] }},
		{"share range beyond the ranges", func(s *Snapshot) { s.Own.share[0] = shareRangeBit | uint32(len(s.Own.ranges)) }},
		{"entity type unknown", func(s *Snapshot) { s.entType[0] = uint8(len(typeNames)) }},
		{"product category beyond the categories", func(s *Snapshot) { s.prodCat[0] = uint16(s.pcats.len() + 1) }},
		{"site beyond the sites", func(s *Snapshot) { s.Srcg.site[0] = uint16(s.sites.len() + 1) }},
		{"listing of an entity beyond the entities", func(s *Snapshot) { s.Lists.Entity[0] = uint32(s.NumEntities()) }},
		{"listing regime beyond the regimes", func(s *Snapshot) { s.Lists.Regime[0] = uint16(s.regimes.len()) }},
		{"dates out of order", func(s *Snapshot) { s.dates[0], s.dates[1] = s.dates[1], s.dates[0] }},
		{"id offsets beyond the text", func(s *Snapshot) { s.ents.off[len(s.ents.off)-1]++ }},
		{"essential flags missing", func(s *Snapshot) { s.Comp.essential = s.Comp.essential[:len(s.Comp.essential)-1] }},
		{"regime record garbled", func(s *Snapshot) { s.regimeRecs[0] = &model.Record{Kind: model.Kind(200)} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, 10))
			recs := append(randomRecords(rng, 80), &model.Record{Kind: model.KindRegime, ID: "A", Name: "A", Spec: []byte(`{"id":"A"}`)})
			s := build(t, recs)
			c.damage(s)
			path := filepath.Join(t.TempDir(), "p.img")
			if err := persist.Save(path, s.Version(), func(w *persist.Writer) error { s.WriteImage(w); return w.Err() }); err != nil {
				t.Fatal(err)
			}
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ReadImage(persist.NewReader(file[64:]), s.Version()); !errors.Is(err, persist.ErrCorrupt) {
				t.Fatalf("read: %v, want %v", err, persist.ErrCorrupt)
			}
		})
	}
}
