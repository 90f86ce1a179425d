package history

import (
	"context"
	"fmt"
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

func entity(i int, name string) *model.Record {
	r := &model.Record{Kind: model.KindEntity, ID: fmt.Sprintf("e%03d", i), Name: name, Type: model.TypeCompany}
	r.Normalize()
	return r
}

// TestRunsRecordTheSameWhenSpilled records four runs, the run's written keys
// held in memory and then spilled to disk in runs of a few keys: what the
// snapshot deletes, the past states and their differences are what the runs
// did, either way.
func TestRunsRecordTheSameWhenSpilled(t *testing.T) {
	for _, limit := range []int{0, 64} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			defer func(old int) { touchedLimit = old }(touchedLimit)
			touchedLimit = limit
			ctx := context.Background()
			st, err := embedded.Open(t.TempDir(), embedded.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			commit := func(snapshot string, recs []*model.Record) (model.Hash, Result) {
				t.Helper()
				rs := Recording(st, Info{Snapshot: snapshot, TempDir: t.TempDir()})
				run, err := rs.Begin(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range recs {
					if err := run.Put(ctx, r); err != nil {
						t.Fatal(err)
					}
				}
				v, err := run.Commit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return v, rs.Result()
			}
			var first, second []*model.Record
			for i := range 300 {
				first = append(first, entity(i, "First"))
			}
			for i := range 200 {
				name := "First"
				if i < 100 {
					name = "Second"
				}
				second = append(second, entity(i, name))
			}
			v1, _ := commit("s", first)
			v2, res := commit("s", second)
			if res.SnapshotDeleted != 100 {
				t.Errorf("the second snapshot deleted %d records, want 100", res.SnapshotDeleted)
			}
			// A plain run puts back e250: no snapshot's record now, so the
			// next snapshot, which does not state it, keeps it.
			commit("", []*model.Record{entity(250, "Plain")})
			_, res = commit("s", second)
			if res.SnapshotDeleted != 0 {
				t.Errorf("a snapshot deleted %d records a plain run wrote since, want 0", res.SnapshotDeleted)
			}
			a, err := At(ctx, st, v1.String())
			if err != nil {
				t.Fatal(err)
			}
			b, err := At(ctx, st, v2.String())
			if err != nil {
				t.Fatal(err)
			}
			d, err := Compare(ctx, a, b)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Added) != 0 || len(d.Deleted) != 100 || len(d.Changed) != 100 {
				t.Errorf("first to second: %d added, %d deleted, %d changed; want 0, 100, 100", len(d.Added), len(d.Deleted), len(d.Changed))
			}
			if len(d.Deleted) > 0 && d.Deleted[0].ID != "e200" || len(d.Changed) > 0 && d.Changed[0][0].Name != "First" {
				t.Errorf("first deleted %v, first changed %v", d.Deleted[0], d.Changed[0])
			}
			now, err := st.Get(ctx, []model.Key{entity(250, "").Key()})
			if err != nil || now[0] == nil || now[0].Name != "Plain" {
				t.Errorf("e250 after the last snapshot: %v, %v", now[0], err)
			}
		})
	}
}
