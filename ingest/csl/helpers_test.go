package csl

import (
	"testing"

	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/ingest/ofac"
)

// read reads a file in a format with only the built-in regimes loaded: the
// operations, the errors, and the whole output as golden text (errors inline,
// in order).
func read(t *testing.T, format, path string) formattest.Result {
	t.Helper()
	return formattest.Read(t, formattest.Open(t, format, path, formats.Env{RegimeKnown: ofac.IsBuiltin}))
}
