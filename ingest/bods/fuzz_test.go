package bods

import (
	"bytes"
	"testing"

	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
)

// FuzzBODS feeds arbitrary bytes to the BODS reader (0.2 to 0.4, arrays and JSON Lines): it never panics
// and ends, and every invalid input, warning and error says where
// (formattest.Fuzz.Read). Its seeds are the golden inputs and testdata/fuzz/FuzzBODS.
func FuzzBODS(f *testing.F) {
	formattest.Seeds(f, "testdata/*.json", "testdata/*.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "statements.json"
		src := NewSource(name, bytes.NewReader(data))
		formattest.Fuzz{Files: []string{name}, Lines: true, Check: formattest.CheckOp}.Read(t, src, nil)
	})
}
