package service

import (
	"context"
	"os"
	"testing"

	"github.com/rs/zerolog"

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
