package spdx

import (
	"testing"

	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
)

// TestGolden converts testdata/*.json and compares the result, in canonical
// native JSONL with errors inline, with testdata/*.golden (go test -update
// rewrites them). Every record must be valid.
func TestGolden(t *testing.T) { formattest.GoldenBOM(t, Name) }
