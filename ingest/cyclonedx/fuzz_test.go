package cyclonedx

import (
	"bytes"
	"testing"

	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
)

// FuzzCycloneDX feeds arbitrary bytes to the CycloneDX JSON reader: it never panics
// and ends, and every invalid input, warning and error says where
// (formattest.Fuzz.Read). Its seeds are the golden inputs and testdata/fuzz/FuzzCycloneDX.
func FuzzCycloneDX(f *testing.F) {
	formattest.Seeds(f, "testdata/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "sbom.cdx.json"
		src := NewReader(name, bytes.NewReader(data))
		formattest.Fuzz{Files: []string{name}, Lines: true, Check: formattest.Valid}.Read(t, src, nil)
	})
}
