package load_test

import (
	"context"
	"os"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// BenchmarkIngestFile ingests $KEIRETSU_BENCH_FILE into a fresh embedded store.
func BenchmarkIngestFile(b *testing.B) {
	path := os.Getenv("KEIRETSU_BENCH_FILE")
	if path == "" {
		b.Skip("set KEIRETSU_BENCH_FILE")
	}
	for i := 0; i < b.N; i++ {
		st, err := embedded.Open(b.TempDir(), embedded.Options{})
		if err != nil {
			b.Fatal(err)
		}
		f, _ := os.Open(path)
		sum, err := load.Run(context.Background(), st, []ingest.Source{native.NewReader(path, f, nil)}, load.Options{AutoLink: os.Getenv("KEIRETSU_BENCH_AUTOLINK") != ""})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Read)/sum.Seconds, "records/s")
		f.Close()
		st.Close()
	}
}
