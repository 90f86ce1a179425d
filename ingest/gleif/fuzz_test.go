package gleif

import (
	"bytes"
	"testing"

	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
)

// FuzzGLEIF feeds arbitrary bytes to the GLEIF reader (API and golden-copy JSON, golden-copy CSV, LEI-CDF, RR-CDF and reporting-exception XML): it never panics
// and ends, and every invalid input, warning and error says where
// (formattest.Fuzz.Read). Its seeds are the golden inputs and testdata/fuzz/FuzzGLEIF.
func FuzzGLEIF(f *testing.F) {
	formattest.Seeds(f, "testdata/*.json", "testdata/*.csv", "testdata/*.xml")
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "gleif.data"
		src := NewSource(name, bytes.NewReader(data))
		formattest.Fuzz{Files: []string{name}, Lines: true, Check: formattest.CheckOp}.Read(t, src, nil)
	})
}
