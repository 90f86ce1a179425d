package model

import "errors"

// ErrNotFound is returned when a product, entity or regime id is not known.
var ErrNotFound = errors.New("not found")

// ErrBadInput is returned (wrapped, with the reason) when a request or a record is invalid.
var ErrBadInput = errors.New("bad input")
