// Package formattest is what the tests of the feed formats (ingest/...) share,
// once: reading a source to the end in the golden text form (each operation in
// canonical native form, each invalid input as an "ERROR ..." line where it
// came), the checks every format's records must pass, golden files and the
// -update flag, detection, opening a file through the format registry, the
// shared folder of real data, and the helpers of the BOM formats' tests. Only
// tests import it.
package formattest

import (
	"errors"
	"io"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
)

// Result is everything a source gave, read to the end.
type Result struct {
	// Ops are the operations, in order.
	Ops []ingest.Op
	// Errs are the invalid inputs, in order.
	Errs []*ingest.LineError
	// Warnings are the warnings (replacements included), in order.
	Warnings []*ingest.Warning
	// Golden is the golden text: the operations, errors and warnings in the
	// order they came, each operation as the Reader writes it (native.Append by
	// default), each error as a line "ERROR <error>", each warning as a line
	// "WARNING <warning>" (or "REPLACED <warning>").
	Golden []byte
}

// Clean reports every invalid input of r as a test error, for files that must
// be read whole (the real ones), and returns the operations.
func (r Result) Clean(t testing.TB) []ingest.Op {
	t.Helper()
	for _, e := range r.Errs {
		t.Errorf("rejected: %v", e)
	}
	return r.Ops
}

// Reader reads sources to the end. The zero Reader checks nothing and writes
// operations with native.Append.
type Reader struct {
	// Check, when not nil, is what every record must pass (CheckOp, or a
	// format's own); a failure is a test error and reading goes on.
	Check func(op *ingest.Op) error
	// Write, when not nil, writes an operation to the golden text instead of
	// native.Append.
	Write func(out []byte, op *ingest.Op) []byte
}

// Read reads src to the end. An invalid input (an *ingest.LineError) or a
// warning is kept and reading goes on; any other error is fatal.
func (rd Reader) Read(t testing.TB, src ingest.Source) Result {
	t.Helper()
	var res Result
	for {
		var op ingest.Op
		err := src.Next(&op)
		if errors.Is(err, io.EOF) {
			return res
		}
		var w *ingest.Warning
		if errors.As(err, &w) {
			res.Warnings = append(res.Warnings, w)
			tag := "WARNING "
			if w.Replaced {
				tag = "REPLACED "
			}
			res.Golden = append(res.Golden, tag+w.Error()+"\n"...)
			continue
		}
		if err != nil {
			var le *ingest.LineError
			if !errors.As(err, &le) {
				t.Fatalf("%s: fatal error: %v", src.Name(), err)
			}
			res.Errs = append(res.Errs, le)
			res.Golden = append(res.Golden, "ERROR "+le.Error()+"\n"...)
			continue
		}
		if rd.Check != nil {
			if err := rd.Check(&op); err != nil {
				t.Errorf("%s:%d: emitted an invalid record: %v", src.Name(), op.Line, err)
			}
		}
		if rd.Write != nil {
			res.Golden = rd.Write(res.Golden, &op)
		} else {
			res.Golden = native.Append(res.Golden, &op)
		}
		res.Ops = append(res.Ops, op)
	}
}

// Read reads src to the end with the zero Reader: no check.
func Read(t testing.TB, src ingest.Source) Result {
	t.Helper()
	return Reader{}.Read(t, src)
}

// Render reads src to the end checking every record with CheckOp, and returns
// the golden text.
func Render(t testing.TB, src ingest.Source) []byte {
	t.Helper()
	return Reader{Check: CheckOp}.Read(t, src).Golden
}
