package formattest

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// maxFuzzOps bounds how many operations a fuzzed source may give: far more
// than any input a fuzzer writes holds, so reaching it means the source does
// not end.
const maxFuzzOps = 100_000

// Fuzz is what every format's fuzz target checks of one input.
type Fuzz struct {
	// Files are the files errors may name: the file read, and the sibling
	// files it is read with (OFAC's); Files[0] is the file read.
	Files []string
	// Lines is set for formats read row by row or line by line, whose every
	// invalid input points at a line (at least 1).
	Lines bool
	// Check, when not nil, is what every record given must pass.
	Check func(*ingest.Op) error
}

// Read checks the source opened on the input (or the error of opening it,
// which must be bad input or name a file): reading it to the end never panics and ends; every invalid input is an
// *ingest.LineError that names one of the files, with a reason, and a line
// when Lines is set; every warning names one of the files; any other error
// (the source cannot go on) names one; and every record passes Check.
func (fz Fuzz) Read(t *testing.T, src ingest.Source, openErr error) {
	t.Helper()
	if openErr != nil {
		// The caller names the file read (keiretsu ingest prefixes its path),
		// so an error of opening is bad input, or names the sibling file at
		// fault.
		if !errors.Is(openErr, model.ErrBadInput) && !fz.names(openErr.Error()) {
			t.Fatalf("opening fails neither as bad input nor naming a file: %v", openErr)
		}
		return
	}
	for range maxFuzzOps {
		var op ingest.Op
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			return
		}
		var le *ingest.LineError
		var w *ingest.Warning
		switch {
		case errors.As(err, &le):
			if !slices.Contains(fz.Files, le.File) || (fz.Lines && le.Line < 1) || le.Reason == "" {
				t.Fatalf("an invalid input that does not say where: %#v (%v)", le, le)
			}
			continue
		case errors.As(err, &w):
			if !slices.Contains(fz.Files, w.File) || w.Reason == "" {
				t.Fatalf("a warning that does not say where: %#v (%v)", w, w)
			}
			continue
		case err != nil:
			if !fz.names(err.Error()) {
				t.Fatalf("an error that does not name the file: %v", err)
			}
			return
		}
		if fz.Check != nil {
			if err := fz.Check(&op); err != nil {
				t.Fatalf("line %d: an invalid record %s: %v", op.Line, op.Record.Key(), err)
			}
		}
	}
	t.Fatalf("%s: more than %d operations: the source does not end", fz.Files[0], maxFuzzOps)
}

// names reports whether an error message names one of the files.
func (fz Fuzz) names(msg string) bool {
	return slices.ContainsFunc(fz.Files, func(f string) bool { return strings.Contains(msg, f) })
}

// Seeds adds every file matching the patterns to f's seed corpus (besides
// the corpus in testdata/fuzz/), so that the targets start from the golden
// inputs.
func Seeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// Valid is the check of a BOM format's records for Fuzz: valid (they need not
// be normalized).
func Valid(op *ingest.Op) error { return validRecord(op) }
