package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// countingStore counts the keys Get is asked for.
type countingStore struct {
	store.Store
	asked int
}

func (c *countingStore) Get(ctx context.Context, keys []model.Key) ([]*model.Record, error) {
	c.asked += len(keys)
	return c.Store.Get(ctx, keys)
}

func ingestText(t *testing.T, st store.Store, jsonl string) {
	t.Helper()
	src := native.NewReader("test.jsonl", strings.NewReader(jsonl), nil)
	if _, err := load.Run(context.Background(), st, []ingest.Source{src}, load.Options{}); err != nil {
		t.Fatal(err)
	}
}

// countedService is a service over an embedded store holding jsonl, reading
// it through a countingStore.
func countedService(t *testing.T, jsonl string) (*embedded.Store, *countingStore, *Service) {
	t.Helper()
	emb, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	ingestText(t, emb, jsonl)
	st := &countingStore{Store: emb}
	svc, err := Open(context.Background(), st, Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return emb, st, svc
}

// node is the key of an entity record.
func node(id string) model.Key {
	return model.Key{Kind: model.KindEntity, Src: id, From: model.MinDate}
}

func names(recs []*model.Record) []string {
	var out []string
	for _, r := range recs {
		if r == nil {
			out = append(out, "<nil>")
		} else {
			out = append(out, r.Name)
		}
	}
	return out
}

// TestRecordsCache: a view reads each key from the store once (found or not),
// a reload starts a new cache that sees the store's changes, and a full cache
// starts over.
func TestRecordsCache(t *testing.T) {
	ctx := context.Background()
	emb, st, svc := countedService(t, `{"kind":"entity","id":"a","name":"Alpha"}
{"kind":"entity","id":"b","name":"Beta"}
{"kind":"ownership","owner":"a","owned":"b","percent":60}
`)
	keys := []model.Key{node("a"), node("zz"), node("b"), node("a")}
	for pass := range 2 {
		recs, err := svc.View().Records(ctx, keys)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := names(recs), []string{"Alpha", "<nil>", "Beta", "Alpha"}; !slices.Equal(got, want) {
			t.Fatalf("pass %d: %v, want %v", pass, got, want)
		}
	}
	if st.asked != 4 {
		t.Errorf("the store was asked for %d keys over two passes, want 4 (the first pass's)", st.asked)
	}
	ingestText(t, emb, `{"kind":"entity","id":"a","name":"Alpha Renamed"}
{"kind":"entity","id":"zz","name":"Zed"}
`)
	if err := svc.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	recs, err := svc.View().Records(ctx, keys[:3])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(recs), []string{"Alpha Renamed", "Zed", "Beta"}; !slices.Equal(got, want) {
		t.Fatalf("after a reload: %v, want %v", got, want)
	}

	defer func(n int) { maxCached = n }(maxCached)
	maxCached = 3
	st.asked = 0
	view := svc.View()
	for i := range 5 {
		if _, err := view.Records(ctx, []model.Key{node(fmt.Sprint("n", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(view.recs.m); n > maxCached {
		t.Errorf("the cache holds %d keys, more than %d", n, maxCached)
	}
	if _, err := view.Records(ctx, []model.Key{node("m1"), node("m2"), node("m3"), node("m4")}); err != nil {
		t.Fatal(err)
	}
	if n := len(view.recs.m); n > maxCached {
		t.Errorf("after a read of more keys than it holds, the cache holds %d keys, more than %d", n, maxCached)
	}
	asked := st.asked
	if _, err := view.Records(ctx, []model.Key{node("n4")}); err != nil || st.asked != asked {
		t.Errorf("the last key kept was read again (%d keys asked, want %d): %v", st.asked, asked, err)
	}
}

// TestUpdateKeepsUntouchedRecords: after an update (Refresh, as serve applies
// a run another process sent it) the new view serves what the update wrote
// and deleted from the store, and keeps its predecessor's other records.
func TestUpdateKeepsUntouchedRecords(t *testing.T) {
	ctx := context.Background()
	emb, st, svc := countedService(t, `{"kind":"entity","id":"a","name":"Alpha"}
{"kind":"entity","id":"b","name":"Beta"}
{"kind":"entity","id":"c","name":"Gamma"}
`)
	keys := []model.Key{node("a"), node("zz"), node("b"), node("c")}
	if _, err := svc.View().Records(ctx, keys); err != nil {
		t.Fatal(err)
	}
	ingestText(t, emb, `{"kind":"entity","id":"a","name":"Alpha Renamed"}
{"kind":"entity","id":"zz","name":"Zed"}
{"kind":"entity","id":"c","op":"delete"}
`)
	changed := []model.Key{node("a"), node("zz"), node("c")}
	if err := svc.Refresh(ctx, changed); err != nil {
		t.Fatal(err)
	}
	st.asked = 0
	recs, err := svc.View().Records(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(recs), []string{"Alpha Renamed", "Zed", "Beta", "<nil>"}; !slices.Equal(got, want) {
		t.Fatalf("after the update: %v, want %v", got, want)
	}
	if st.asked != len(changed) {
		t.Errorf("the store was asked for %d keys after the update, want %d (the keys it changed)", st.asked, len(changed))
	}
}
