package native

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// FuzzReader feeds arbitrary bytes to the native reader: it never panics,
// every error is a *ingest.LineError, a *ingest.Warning or a read error, and
// every record it returns encodes and decodes to itself.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"testdata/valid.jsonl", "testdata/mixed.jsonl"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"kind":"ownership","owner":"a","owned":"b","percentMin":25,"percentMax":75,"from":"2020-01-01","to":"2021-01-01"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader("fuzz.jsonl", bytes.NewReader(data), func(id string) bool { return id == "US-OFAC-SDN" })
		for range 10_000 {
			var op ingest.Op
			err := r.Next(&op)
			if errors.Is(err, io.EOF) {
				return
			}
			var le *ingest.LineError
			var w *ingest.Warning
			switch {
			case errors.As(err, &le), errors.As(err, &w):
				continue
			case err != nil:
				return
			}
			enc := op.Record.Encode(nil)
			var back model.Record
			if err := back.Decode(enc); err != nil {
				t.Fatalf("decode of an encoded record: %v", err)
			}
			if !bytes.Equal(back.Encode(nil), enc) {
				t.Fatalf("record does not survive encoding: %+v", op.Record)
			}
		}
	})
}
