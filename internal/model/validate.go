package model

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// FieldError says which field of a record is wrong and why.
type FieldError struct {
	Field  string
	Reason string
	// Err is the error that made the field wrong, when there was one (Reason is
	// then its text); errors.Is and errors.As see it.
	Err error
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return "field " + e.Field + ": " + e.Reason
}

// Unwrap makes every FieldError an ErrBadInput, and gives its cause.
func (e *FieldError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrBadInput, e.Err}
	}
	return []error{ErrBadInput}
}

func fieldErr(field, format string, args ...any) error { return FieldErrorf(field, format, args...) }

// FieldErrorf returns a *FieldError about field whose reason is formatted as
// fmt.Errorf formats it; an error given with %w becomes its Err.
func FieldErrorf(field, format string, args ...any) *FieldError {
	e := fmt.Errorf(format, args...)
	return &FieldError{Field: field, Reason: e.Error(), Err: errors.Unwrap(e)}
}

// Validate checks a normalized record against the native format's rules. regimeKnown
// says whether a listing's regime id is loaded; it may be nil to skip that check.
func (r *Record) Validate(regimeKnown func(id string) bool) error {
	if r.Kind.IsNode() {
		if err := checkID("id", r.ID); err != nil {
			return err
		}
		if r.Kind != KindRegime && strings.TrimSpace(r.Name) == "" {
			return fieldErr("name", "required")
		}
	} else {
		src, dst, _, _ := r.Kind.Ends()
		if src == "" {
			return fieldErr("kind", "unknown kind %q", r.Kind.String())
		}
		if err := checkID(src, r.Src); err != nil {
			return err
		}
		if err := checkID(dst, r.Dst); err != nil {
			return err
		}
		if r.Valid.From != MinDate && r.Valid.To != MaxDate && r.Valid.From >= r.Valid.To {
			return fieldErr("to", "from %s must be before to %s", r.Valid.From, r.Valid.To)
		}
	}
	switch r.Kind {
	case KindEntity:
		if !slices.Contains(EntityTypes, r.Type) {
			return fieldErr("type", "%q is not one of %s", r.Type, strings.Join(EntityTypes, ", "))
		}
		if r.Country != "" && !isAlpha2(r.Country) {
			return fieldErr("country", "%q is not an ISO 3166 alpha-2 code", r.Country)
		}
		if r.HQCountry != "" && !isAlpha2(r.HQCountry) {
			return fieldErr("hqCountry", "%q is not an ISO 3166 alpha-2 code", r.HQCountry)
		}
	case KindOwnership:
		s := r.Share
		if s.Max > Whole {
			return fieldErr("percent", "%v is outside 0..100", Percent(uint64(s.Max)))
		}
		if s.Min > s.Max {
			return fieldErr("percentMin", "percentMin %v is greater than percentMax %v", Percent(uint64(s.Min)), Percent(uint64(s.Max)))
		}
	case KindControl:
		if r.Basis != "" && !slices.Contains(ControlBases, r.Basis) {
			return fieldErr("basis", "%q is not one of %s", r.Basis, strings.Join(ControlBases, ", "))
		}
	case KindComponent:
		if r.Quantity != nil && *r.Quantity < 0 {
			return fieldErr("quantity", "must not be negative")
		}
	case KindSourcing:
		if !slices.Contains(SourcingRoles, r.Role) {
			return fieldErr("role", "%q is not one of %s", r.Role, strings.Join(SourcingRoles, ", "))
		}
		if r.Site != "" && !IsSite(r.Site) {
			return fieldErr("site", "%q is not an ISO 3166-1 alpha-2 or ISO 3166-2 code (such as CN or CN-XJ)", r.Site)
		}
	case KindListing:
		if regimeKnown != nil && !regimeKnown(r.Dst) {
			return fieldErr("regime", "unknown regime %q (not built in and not given with --regimes)", r.Dst)
		}
		for _, c := range r.Categories {
			if strings.TrimSpace(c) == "" {
				return fieldErr("categories", "empty category")
			}
		}
	case KindSameAs:
		if r.Src == r.Dst {
			return fieldErr("b", "an entity is always the same as itself")
		}
	}
	return nil
}

func checkID(field, id string) error {
	if id == "" {
		return fieldErr(field, "required")
	}
	if strings.IndexByte(id, 0) >= 0 {
		return fieldErr(field, "must not contain NUL")
	}
	return nil
}

// IsSite reports whether s is a place of production as sourcing.site holds it:
// an ISO 3166-1 alpha-2 code or an ISO 3166-2 subdivision code, upper case
// (^[A-Z]{2}(-[A-Z0-9]{1,3})?$).
func IsSite(s string) bool {
	if len(s) == 2 {
		return isAlpha2(s)
	}
	if len(s) < 4 || len(s) > 6 || s[2] != '-' || !isAlpha2(s[:2]) {
		return false
	}
	for _, c := range []byte(s[3:]) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
