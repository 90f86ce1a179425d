package spdx

import (
	"bytes"
	"errors"
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

var update = flag.Bool("update", false, "rewrite golden files")

// readAll reads a source to the end: the operations written in native form with
// each error as an "ERROR ..." line where it came.
func readAll(t *testing.T, src ingest.Source) (out []byte, ops []ingest.Op, errs []*ingest.LineError) {
	t.Helper()
	var op ingest.Op
	for {
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			return out, ops, errs
		}
		var le *ingest.LineError
		if errors.As(err, &le) {
			out = append(out, "ERROR "+le.Error()+"\n"...)
			errs = append(errs, le)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out = native.Append(out, &op)
		ops = append(ops, op)
	}
}

// TestGolden converts testdata/*.json and compares the result, in canonical
// native JSONL with errors inline, with testdata/*.golden (go test -update
// rewrites them).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out, ops, _ := readAll(t, NewReader(filepath.Base(f), bytes.NewReader(in)))
			for _, op := range ops {
				if err := op.Record.Validate(nil); err != nil {
					t.Errorf("line %d: invalid record %s: %v", op.Line, native.Append(nil, &op), err)
				}
			}
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), string(out)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
