package formattest

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
)

// Open opens the file at path in the named format through the registry, as
// `keiretsu ingest --format` does, with env.
func Open(t testing.TB, format, path string, env formats.Env) ingest.Source {
	t.Helper()
	f, err := formats.Get(format)
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := f.Open(path, bytes.NewReader(in), env)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// ReadReal reads the real file at path: detect must recognise it, open makes
// its source, every record must pass check (when not nil) and none may be
// rejected. It returns the source, for its statistics, and the operations.
func ReadReal[S ingest.Source](t testing.TB, path string, detect func(path string, head []byte) bool,
	open func(path string, r io.Reader) S, check func(op *ingest.Op) error) (S, []ingest.Op) {
	t.Helper()
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	Detects(t, detect, path, in)
	src := open(path, bytes.NewReader(in))
	return src, Reader{Check: check}.Read(t, src).Clean(t)
}

// RealDir returns the folder of a sample of real data, ../shared/data/real/name
// beside the repository root (the folder of go.mod, found upwards from the
// test's directory). Without it the test is skipped, except under CI=true,
// where that is a failure.
func RealDir(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", "real", name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real data %s is missing (CI=true): %v", p, err)
		}
		t.Skipf("real data %s is absent: %v", p, err)
	}
	return p
}
