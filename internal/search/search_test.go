package search

import (
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
)

func index(recs ...*model.Record) *Index {
	b := NewBuilder()
	for _, r := range recs {
		b.Add(r)
	}
	return b.Build()
}

func TestSearch(t *testing.T) {
	ix := index(
		&model.Record{Kind: model.KindEntity, ID: "huawei", Name: "Huawei Technologies Co., Ltd.", Aliases: []string{"华为技术有限公司"}, Identifiers: []model.Identifier{{Scheme: "uscc", Value: "914403001922038216"}}},
		&model.Record{Kind: model.KindEntity, ID: "hw-nanjing", Name: "Huawei Technologies Co., Ltd. Nanjing"},
		&model.Record{Kind: model.KindEntity, ID: "boztepe", Name: "BOZTEPE SHIPPING"},
		&model.Record{Kind: model.KindProduct, ID: "prod-er8000", Name: "Northwind ER-8000 router"},
		&model.Record{Kind: model.KindListing, Src: "huawei", Dst: "X"},
	)
	for _, c := range []struct {
		q     string
		first string
		n     int
	}{
		{"HUAWEI TECHNOLOGIES CO LTD", "huawei", 2},
		{"huawei", "huawei", 2}, // an exact id beats the longer name
		{"华为技术有限公司", "huawei", 1},
		{"ＨＵＡＷＥＩ", "huawei", 2}, // full-width
		{"914403001922038216", "huawei", 1},
		{"er 8000", "prod-er8000", 1},
		{"zte", "boztepe", 1}, // a substring match ranks low but is found
		{"nothing like it", "", 0},
		{"  ", "", 0},
	} {
		hits := ix.Search(c.q, 10)
		if len(hits) != c.n {
			t.Errorf("%q: %d hits %+v, want %d", c.q, len(hits), hits, c.n)
			continue
		}
		if c.n > 0 && hits[0].ID != c.first {
			t.Errorf("%q: first %s, want %s", c.q, hits[0].ID, c.first)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("%q: not sorted by score", c.q)
			}
		}
	}
	if hits := ix.Search("zte", 10); hits[0].Score >= 0.6 {
		t.Errorf("substring inside a word scored %v", hits[0].Score)
	}
	if got := ix.Search("huawei", 1); len(got) != 1 {
		t.Errorf("limit: %d", len(got))
	}
	// Rebuild without a node drops it and keeps the rest.
	b := ix.Rebuild(map[model.Key]bool{{Kind: model.KindEntity, Src: "hw-nanjing", From: model.MinDate}: true})
	b.Add(&model.Record{Kind: model.KindEntity, ID: "zte", Name: "ZTE Corporation"})
	ix2 := b.Build()
	if ix2.Len() != 4 || len(ix2.Search("nanjing", 5)) != 0 || ix2.Search("zte", 5)[0].ID != "zte" {
		t.Errorf("rebuild: %d %+v", ix2.Len(), ix2.Search("zte", 5))
	}
}
