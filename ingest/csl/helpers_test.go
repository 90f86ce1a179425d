package csl

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/ofac"
)

// realData returns the directory of a real-data sample (../shared/data/real/NAME
// from the repository root). It skips the test when the folder is absent, except
// in CI (CI=true), where that is a failure.
func realData(t *testing.T, name string) string {
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
		t.Skipf("real data %s is absent", p)
	}
	return p
}

// read reads a file in a format with only the built-in regimes loaded. It
// returns the operations and the errors, and the whole output rendered as
// golden text (errors inline, in order).
func read(t *testing.T, format, path string) ([]ingest.Op, []*ingest.LineError) {
	t.Helper()
	ops, errs, _ := render(t, format, path)
	return ops, errs
}

func render(t *testing.T, format, path string) ([]ingest.Op, []*ingest.LineError, []byte) {
	t.Helper()
	f, err := formats.Get(format)
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := f.Open(path, bytes.NewReader(in), formats.Env{RegimeKnown: ofac.IsBuiltin})
	if err != nil {
		t.Fatal(err)
	}
	var ops []ingest.Op
	var errs []*ingest.LineError
	var out []byte
	for {
		var op ingest.Op
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			return ops, errs, out
		}
		if err != nil {
			var le *ingest.LineError
			if !errors.As(err, &le) {
				t.Fatalf("%s: fatal error: %v", path, err)
			}
			errs = append(errs, le)
			out = append(out, "ERROR "+err.Error()+"\n"...)
			continue
		}
		ops = append(ops, op)
		out = appendOp(out, &op)
	}
}
