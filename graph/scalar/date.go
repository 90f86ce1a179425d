// Package scalar maps GraphQL custom scalars to Keiretsu's Go types.
package scalar

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/keiretsu/keiretsu/internal/model"
)

// MarshalDate writes a day as "YYYY-MM-DD".
func MarshalDate(d model.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads a strict "YYYY-MM-DD" day; anything else is bad user input.
func UnmarshalDate(v any) (model.Date, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("%w: a Date must be a YYYY-MM-DD string, got %T", model.ErrBadInput, v)
	}
	return model.ParseDate(s)
}
