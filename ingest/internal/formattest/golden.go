package formattest

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
)

// Update is the -update flag of the tests that import this package: rewrite the
// golden files with what the test got, then compare as usual.
var Update = flag.Bool("update", false, "rewrite golden files")

// Golden compares got with the golden file at path; with -update it writes got
// there first.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// GoldenPath is the golden file of an input: beside it, its extension replaced
// by ".golden".
func GoldenPath(input string) string {
	return strings.TrimSuffix(input, filepath.Ext(input)) + ".golden"
}

// GoldenFiles runs a subtest for every file matching the patterns (there must
// be one): render turns the file's content into golden text, which Golden
// compares with the file's GoldenPath.
func GoldenFiles(t *testing.T, patterns []string, render func(t *testing.T, path string, in []byte) []byte) {
	t.Helper()
	var files []string
	for _, pat := range patterns {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			Golden(t, GoldenPath(f), render(t, f, in))
		})
	}
}

// GoldenSources is GoldenFiles for a format read through a source of its own:
// detect must recognise every input, which Render reads through the source
// open makes of it (named by the input's path).
func GoldenSources[S ingest.Source](t *testing.T, patterns []string, detect func(path string, head []byte) bool, open func(path string, r io.Reader) S) {
	t.Helper()
	GoldenFiles(t, patterns, func(t *testing.T, path string, in []byte) []byte {
		Detects(t, detect, path, in)
		return Render(t, open(path, bytes.NewReader(in)))
	})
}

// ParsesBack checks that every entity and listing of the golden files matching
// pattern reads back as a valid native record (ERROR lines and regime
// definitions, which are not native lines, are passed over).
func ParsesBack(t testing.TB, pattern string) {
	t.Helper()
	files, _ := filepath.Glob(pattern)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			if bytes.HasPrefix(line, []byte("ERROR ")) || bytes.Contains(line, []byte(`"kind":"regime"`)) {
				continue
			}
			var op ingest.Op
			if err := native.Parse(line, &op, nil); err != nil {
				t.Errorf("%s: %s: %v", f, line, err)
			}
		}
	}
}
