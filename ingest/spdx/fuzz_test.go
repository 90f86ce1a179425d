package spdx

import (
	"bytes"
	"testing"

	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
)

// FuzzSPDX feeds arbitrary bytes to the SPDX reader (2.x JSON and 3.0 JSON-LD): it never panics
// and ends, and every invalid input, warning and error says where
// (formattest.Fuzz.Read). Its seeds are the golden inputs and testdata/fuzz/FuzzSPDX.
func FuzzSPDX(f *testing.F) {
	formattest.Seeds(f, "testdata/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "doc.spdx.json"
		src := NewReader(name, bytes.NewReader(data))
		formattest.Fuzz{Files: []string{name}, Lines: true, Check: formattest.Valid}.Read(t, src, nil)
	})
}
