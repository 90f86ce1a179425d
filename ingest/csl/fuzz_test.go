package csl

import (
	"bytes"
	"testing"

	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/ingest/ofac"
)

// FuzzCSL feeds arbitrary bytes to the Consolidated Screening List reader (both CSV layouts): it never panics
// and ends, and every invalid input, warning and error says where
// (formattest.Fuzz.Read). Its seeds are the golden inputs and testdata/fuzz/FuzzCSL.
func FuzzCSL(f *testing.F) {
	formattest.Seeds(f, "testdata/*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "csl.csv"
		src, err := Open(name, bytes.NewReader(data), formats.Env{RegimeKnown: ofac.IsBuiltin})
		formattest.Fuzz{Files: []string{name}, Lines: true, Check: formattest.CheckOp}.Read(t, src, err)
	})
}

// FuzzDPL feeds arbitrary bytes to the Denied Persons List reader: it never panics
// and ends, and every invalid input, warning and error says where
// (formattest.Fuzz.Read). Its seeds are the golden inputs and testdata/fuzz/FuzzDPL.
func FuzzDPL(f *testing.F) {
	formattest.Seeds(f, "testdata/*.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "dpl.txt"
		src, err := OpenDPL(name, bytes.NewReader(data), formats.Env{RegimeKnown: ofac.IsBuiltin})
		formattest.Fuzz{Files: []string{name}, Lines: true, Check: formattest.CheckOp}.Read(t, src, err)
	})
}
