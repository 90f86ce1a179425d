package ofac

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/internal/model"
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

// readFile reads a file in a format with only the built-in regimes loaded, and
// returns every operation and every error.
func readFile(t *testing.T, format, path string) ([]ingest.Op, []error) {
	t.Helper()
	f, err := formats.Get(format)
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	src, err := f.Open(path, in, formats.Env{RegimeKnown: IsBuiltin})
	if err != nil {
		t.Fatal(err)
	}
	return drain(t, src)
}

func drain(t *testing.T, src ingest.Source) ([]ingest.Op, []error) {
	t.Helper()
	var ops []ingest.Op
	var errs []error
	for {
		var op ingest.Op
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			return ops, errs
		}
		if err != nil {
			var le *ingest.LineError
			if !errors.As(err, &le) {
				t.Fatalf("%s: fatal error: %v", src.Name(), err)
			}
			errs = append(errs, err)
			continue
		}
		ops = append(ops, op)
	}
}

// checkStream checks what a source emitted as the pipeline will take it: every
// record valid (listings against the regimes loaded, here the built-in ones, plus
// those defined earlier in the stream), and no regime defined twice.
func checkStream(t *testing.T, ops []ingest.Op) {
	t.Helper()
	defined := map[string]bool{}
	known := func(id string) bool { return IsBuiltin(id) || defined[id] }
	for _, op := range ops {
		r := op.Record
		if r.Kind == model.KindRegime {
			if defined[r.ID] || IsBuiltin(r.ID) {
				t.Errorf("regime %s defined again", r.ID)
			}
			defined[r.ID] = true
		}
		if err := r.Validate(known); err != nil {
			t.Errorf("line %d: %s: %v", op.Line, r.Key(), err)
		}
	}
}
