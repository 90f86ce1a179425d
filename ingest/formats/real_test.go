package formats_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
)

// realDir is the regression suite of real files (and, where a licence does not
// allow copying, realistic minimal ones): one folder per format, each with its
// PROVENANCE.md.
const realDir = "../testdata/real"

// TestRealFiles loads every file of the suite as `keiretsu ingest` does without
// --format, and compares what it got (the format detected, the records by kind,
// the warnings) with expected.golden. No file may give an error: a file read
// beside its main file (OFAC's alt.csv) must say so when given alone.
func TestRealFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(realDir, "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, f := range files {
		if filepath.Base(f) == "PROVENANCE.md" {
			continue
		}
		rel, _ := filepath.Rel(realDir, f)
		fmt.Fprintf(&out, "%s: %s\n", filepath.ToSlash(rel), describe(t, f))
	}
	for _, dir := range []string{"bis-dpl", "bods", "csl", "cyclonedx", "fcc", "ftm", "gleif", "native", "ofac-cons", "ofac-sdn", "spdx"} {
		if _, err := os.Stat(filepath.Join(realDir, dir, "PROVENANCE.md")); err != nil {
			t.Errorf("%s has no PROVENANCE.md", dir)
		}
	}
	golden := filepath.Join(realDir, "expected.golden")
	if *formattest.Update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", golden, diff)
	}
}

// describe reads one file and says what it gave.
func describe(t *testing.T, path string) string {
	t.Helper()
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := formats.Detect(path, in[:min(len(in), 4096)])
	src, err := formats.Open(path, bytes.NewReader(in), "", formats.Env{})
	if errors.Is(err, formats.ErrUnknownFormat) {
		if !strings.Contains(err.Error(), "is read beside") {
			t.Errorf("%s: %v", path, err)
		}
		return "not read alone (read beside its main file)"
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if f.Name == "" {
		f.Name = "detected from the whole document"
	}
	kinds := map[string]int{}
	var warns []string
	for {
		var op ingest.Op
		err := src.Next(&op)
		var w *ingest.Warning
		var le *ingest.LineError
		switch {
		case errors.Is(err, io.EOF):
			var parts []string
			for k, n := range kinds {
				parts = append(parts, fmt.Sprintf("%s %d", k, n))
			}
			slices.Sort(parts)
			s := f.Name + "; " + strings.Join(parts, ", ")
			if len(parts) == 0 {
				s += "no records"
			}
			s += fmt.Sprintf("; %d warnings", len(warns))
			for _, w := range warns {
				s += "\n  " + w
			}
			return s
		case errors.As(err, &w):
			tag := "warning "
			if w.Replaced {
				tag = "replaced "
			}
			warns = append(warns, tag+strings.TrimPrefix(filepath.ToSlash(w.Error()), filepath.ToSlash(realDir)+"/"))
		case errors.As(err, &le):
			t.Errorf("%s: rejected: %v", path, le)
		case err != nil:
			t.Fatalf("%s: %v", path, err)
		default:
			kinds[op.Record.Kind.String()]++
		}
	}
}
