package search

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/persist"
)

// imageBody returns the body of ix's image.
func imageBody(t *testing.T, ix *Index) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.img")
	if err := persist.Save(path, model.Hash{}, func(w *persist.Writer) error { ix.WriteImage(w); return w.Err() }); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[64:]
}

// TestImage: an index read from its image finds what the built one finds;
// one read from a damaged body (without the checksum) is refused or
// searches without panicking.
func TestImage(t *testing.T) {
	var recs []*model.Record
	for i := range 300 {
		recs = append(recs, &model.Record{Kind: model.KindEntity, ID: fmt.Sprintf("e%d", i), Name: fmt.Sprintf("Company %d Ltd", i),
			Aliases: []string{fmt.Sprintf("CO%d", i)}, Identifiers: []model.Identifier{{Scheme: "lei", Value: fmt.Sprintf("LEI%06d", i)}}})
		recs = append(recs, &model.Record{Kind: model.KindProduct, ID: fmt.Sprintf("p%d", i), Name: fmt.Sprintf("Router %d", i)})
	}
	built := index(recs...)
	body := imageBody(t, built)
	r := persist.NewReader(body)
	read, err := ReadImage(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.End(); err != nil {
		t.Fatal(err)
	}
	queries := []string{"company 1", "co12", "lei:LEI000007", "router", "e29", "ltd", "none such"}
	for _, q := range queries {
		if diff := cmp.Diff(built.Search(q, 20), read.Search(q, 20)); diff != "" {
			t.Errorf("search %q (-built +read):\n%s", q, diff)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		b := bytes.Clone(body)
		for range 1 + rng.IntN(3) {
			b[rng.IntN(len(b))] ^= byte(1 << rng.IntN(8))
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("damage %d: panic %v", i, p)
				}
			}()
			ix, err := ReadImage(persist.NewReader(b))
			if err != nil {
				return
			}
			for _, q := range queries {
				ix.Search(q, 20)
			}
		}()
	}
}
