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
	// Next fills op with the next operation. It returns io.EOF at the end, and a
	// *LineError for input that is invalid (the source can continue after one).
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
	Err error
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
