package fcc

import (
	"bytes"
	"testing"

	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/ingest/ofac"
)

// FuzzFCC feeds arbitrary bytes to the FCC Covered List reader: it never panics
// and ends, and every invalid input, warning and error says where
// (formattest.Fuzz.Read). Its seeds are the golden inputs and testdata/fuzz/FuzzFCC.
func FuzzFCC(f *testing.F) {
	formattest.Seeds(f, "testdata/*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "covered_list.csv"
		src, err := Open(name, bytes.NewReader(data), formats.Env{RegimeKnown: ofac.IsBuiltin})
		formattest.Fuzz{Files: []string{name}, Lines: true, Check: formattest.CheckOp}.Read(t, src, err)
	})
}
