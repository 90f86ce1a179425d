// Package ingest defines what every feed format produces: a stream of operations
// (upserts and deletes of model records) with the position each came from, and the
// error that names a bad input's file, line and field. One subpackage per format
// (native, ofac, csl, fcc, gleif, bods, cyclonedx, spdx, ftm) turns bytes into
// validated records; none of them knows about stores.
package ingest

import (
	"errors"
	"fmt"

	"github.com/keiretsu/keiretsu/internal/model"
)

// Op is one operation read from a feed.
type Op struct {
	// Delete removes the record with Record's key instead of upserting Record.
	Delete bool
	// Record is normalized and validated.
	Record model.Record
	// Line is the line (or record number) in the file it came from.
	Line int
}

// Source is a stream of operations read from one file.
type Source interface {
	// Next fills op with the next operation. It returns io.EOF at the end, a
	// *LineError for input that is invalid, and a *Warning for something of a
	// valid file that is dropped or ignored (op is not filled then); the source
	// can continue after either.
	Next(op *Op) error
	// Name is the file name, for messages.
	Name() string
}

// LineError is invalid input at a file's line, in a field.
type LineError struct {
	File   string
	Line   int
	Field  string
	Reason string
	// Err is the error the reason comes from (a *model.FieldError, a JSON syntax
	// error, ...), when there is one; errors.Is and errors.As see it.
	Err error `json:"-"`
}

func (e *LineError) Error() string {
	s := fmt.Sprintf("%s:%d: ", e.File, e.Line)
	if e.Field != "" {
		s += "field " + e.Field + ": "
	}
	return s + e.Reason
}

// Unwrap makes every LineError an ErrBadInput, and gives its cause.
func (e *LineError) Unwrap() []error {
	if e.Err != nil {
		return []error{model.ErrBadInput, e.Err}
	}
	return []error{model.ErrBadInput}
}

// AtLine wraps err (a *model.FieldError or any error) as a LineError that keeps
// err as its cause; a *LineError is returned as it is.
func AtLine(file string, line int, err error) *LineError {
	var le *LineError
	if errors.As(err, &le) {
		return le
	}
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return &LineError{File: file, Line: line, Field: fe.Field, Reason: fe.Reason, Err: err}
	}
	return &LineError{File: file, Line: line, Reason: err.Error(), Err: err}
}

// Warning is something a valid file states that Keiretsu drops, ignores or
// reads differently from how it is written (a component listed among its own
// components, a purl that does not parse, a party referenced but never defined).
// It is not invalid input: a run counts and reports warnings and writes the rest,
// unless it is strict.
type Warning struct {
	File  string
	Line  int // 0 when the warning is about the whole file
	Field string
	// Reason says what was dropped or read differently, and why.
	Reason string
	// Replaced marks a record that shares its key with an earlier record of the
	// same file, which it replaces in the store (counted apart from the other
	// warnings: see load.Summary.Replaced).
	Replaced bool
}

func (w *Warning) Error() string {
	s := w.File + ": "
	if w.Line > 0 {
		s = fmt.Sprintf("%s:%d: ", w.File, w.Line)
	}
	if w.Field != "" {
		s += "field " + w.Field + ": "
	}
	return s + w.Reason
}

// Warnf returns a Warning about a file's line and field.
func Warnf(file string, line int, field, format string, args ...any) *Warning {
	return &Warning{File: file, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
}
