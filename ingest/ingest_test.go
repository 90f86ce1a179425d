package ingest_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// TestAtLineKeepsTheCause checks that a LineError made from an error is an
// ErrBadInput and still holds the error it came from, field errors included.
func TestAtLineKeepsTheCause(t *testing.T) {
	_, numErr := strconv.ParseFloat("half", 64)
	fe := model.FieldErrorf("percent", "%q is not a number: %w", "half", numErr)
	for _, c := range []struct {
		err   error
		field string
	}{
		{fe, "percent"},
		{numErr, ""},
	} {
		le := ingest.AtLine("f.csv", 3, c.err)
		if le.File != "f.csv" || le.Line != 3 || le.Field != c.field {
			t.Errorf("AtLine(%v) = %+v", c.err, le)
		}
		if !errors.Is(le, model.ErrBadInput) {
			t.Errorf("%v is not ErrBadInput", le)
		}
		if !errors.Is(le, c.err) || !errors.Is(le, strconv.ErrSyntax) {
			t.Errorf("%v lost its cause %v", le, c.err)
		}
		var got *model.FieldError
		if errors.As(le, &got) != (c.field != "") {
			t.Errorf("%v: errors.As(*model.FieldError) = %v", le, !(c.field != ""))
		}
	}
	if le := ingest.AtLine("g", 1, ingest.AtLine("f", 2, numErr)); le.File != "f" || le.Line != 2 {
		t.Errorf("a LineError is not kept as it is: %+v", le)
	}
}
