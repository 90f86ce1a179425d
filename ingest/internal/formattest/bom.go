package formattest

import (
	"bytes"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/internal/model"
)

// What the tests of the BOM formats (CycloneDX, SPDX) share. Their sources
// need no environment, and their tests ask that records be valid, not also
// normalized (CheckOp).

// validRecord is the check of a BOM format's records.
func validRecord(op *ingest.Op) error { return op.Record.Validate(nil) }

// bomOpener opens sources of a BOM format through the registry.
func bomOpener(t testing.TB, format string) func(name string, r io.Reader) ingest.Source {
	t.Helper()
	f, err := formats.Get(format)
	if err != nil {
		t.Fatal(err)
	}
	return func(name string, r io.Reader) ingest.Source {
		src, err := f.Open(name, r, formats.Env{})
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
}

// GoldenBOM is the golden test of a BOM format: every testdata/*.json file is
// read (its source named by its base name), every record must be valid, and
// the golden text must be the file's .golden.
func GoldenBOM(t *testing.T, format string) {
	t.Helper()
	GoldenFiles(t, []string{"testdata/*.json"}, func(t *testing.T, path string, in []byte) []byte {
		src := bomOpener(t, format)(filepath.Base(path), bytes.NewReader(in))
		return Reader{Check: validRecord}.Read(t, src).Golden
	})
}

// ReadBOM reads the real file at path in a BOM format: auto-detection must pick
// the format, and no item may be rejected. It returns the operations.
func ReadBOM(t testing.TB, format, path string) []ingest.Op {
	t.Helper()
	_, ops := ReadReal(t, path, Picks(format), bomOpener(t, format), nil)
	return ops
}

// BOMCounts are the records of a BOM file by kind, and its rejections.
type BOMCounts struct {
	Products, Components, Sourcing, Entities, Rejected int
}

// CountBOM counts the records of ops by kind, and errs.
func CountBOM(ops []ingest.Op, errs []*ingest.LineError) BOMCounts {
	var c BOMCounts
	for _, op := range ops {
		switch op.Record.Kind {
		case model.KindProduct:
			c.Products++
		case model.KindComponent:
			c.Components++
		case model.KindSourcing:
			c.Sourcing++
		case model.KindEntity:
			c.Entities++
		}
	}
	c.Rejected = len(errs)
	return c
}

// CheckBOMCounts checks the counts of the real files of dir in a BOM format
// (ReadBOM), want by file name, each in a subtest (in name order). Every *.json
// file of dir must be pinned.
func CheckBOMCounts(t *testing.T, format, dir string, want map[string]BOMCounts) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != len(want) {
		t.Errorf("%d sample files, %d pinned: pin the counts of every sample", len(files), len(want))
	}
	for _, file := range slices.Sorted(maps.Keys(want)) {
		t.Run(file, func(t *testing.T) {
			ops := ReadBOM(t, format, filepath.Join(dir, file))
			if diff := cmp.Diff(want[file], CountBOM(ops, nil)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
