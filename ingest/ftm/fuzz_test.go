package ftm

import (
	"bytes"
	"testing"

	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/ingest/ofac"
)

// FuzzFtM feeds arbitrary bytes to the FollowTheMoney reader (entities and delta lines): it never panics
// and ends, and every invalid input, warning and error says where
// (formattest.Fuzz.Read). Its seeds are the golden inputs and testdata/fuzz/FuzzFtM.
func FuzzFtM(f *testing.F) {
	formattest.Seeds(f, "testdata/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "entities.ftm.json"
		src := NewSource(name, bytes.NewReader(data), ofac.IsBuiltin)
		formattest.Fuzz{Files: []string{name}, Lines: true, Check: formattest.CheckOp}.Read(t, src, nil)
	})
}
