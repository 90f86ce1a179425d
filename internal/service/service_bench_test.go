package service

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/search"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// BenchmarkLoad loads the embedded store at $KEIRETSU_BENCH_STORE.
func BenchmarkLoad(b *testing.B) {
	dir := os.Getenv("KEIRETSU_BENCH_STORE")
	if dir == "" {
		b.Skip("set KEIRETSU_BENCH_STORE")
	}
	st, err := embedded.Open(dir, embedded.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for i := 0; i < b.N; i++ {
		svc, err := Open(context.Background(), st, Options{Log: zerolog.Nop()})
		if err != nil {
			b.Fatal(err)
		}
		ps := svc.View().Engine().Snapshot().Stats()
		b.ReportMetric(float64(ps.Bytes)/float64(ps.Edges()), "B/edge")
	}
}

// BenchmarkImage writes and reads the projection image of a generated world
// of $KEIRETSU_BENCH_EDGES edges (default 10^6, the medium scale), built in
// memory (no store).
func BenchmarkImage(b *testing.B) {
	edges := 1_000_000
	if s := os.Getenv("KEIRETSU_BENCH_EDGES"); s != "" {
		var err error
		if edges, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	pb, sb := projection.NewBuilder(), search.NewBuilder()
	if _, err := gen.Records(gen.ForEdges(edges), func(op *ingest.Op) error {
		pb.Add(&op.Record)
		sb.Add(&op.Record)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	version := model.HashOf([]byte("bench"))
	snap, err := pb.Build(version)
	if err != nil {
		b.Fatal(err)
	}
	idx := sb.Build()
	path := filepath.Join(b.TempDir(), "p.img")
	if err := saveImage(path, snap, idx); err != nil {
		b.Fatal(err)
	}
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			if err := saveImage(path, snap, idx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := loadImage(path, version); err != nil {
				b.Fatal(err)
			}
		}
	})
}
