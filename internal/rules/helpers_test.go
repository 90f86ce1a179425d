package rules

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/projection"
)

// engineFor builds an engine over native JSONL records (upserts only), with the
// built-in regimes plus extra ones.
func engineFor(t testing.TB, jsonl string, extra ...*Regime) *Engine {
	t.Helper()
	set, err := NewSet(Builtin(), extra)
	if err != nil {
		t.Fatal(err)
	}
	b := projection.NewBuilder()
	rd := native.NewReader("test.jsonl", bytes.NewReader([]byte(jsonl)), set.Has)
	var op ingest.Op
	for {
		err := rd.Next(&op)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rec := op.Record
		b.Add(&rec)
	}
	snap, err := b.Build(model.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	return NewEngine(snap, set)
}

// lines joins records written one per line.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }
