package model

import (
	"fmt"
	"math"
	"os"
	"sync/atomic"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01 (UTC).
type Date int32

// Open bounds of a Period: a fact with no `from` holds since MinDate, one with no
// `to` holds until MaxDate.
const (
	MinDate Date = math.MinInt32
	MaxDate Date = math.MaxInt32
)

const secondsPerDay = 86400

// ParseDate parses a strict YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%w: date %q is not YYYY-MM-DD", ErrBadInput, s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%w: date %q is not a valid YYYY-MM-DD day", ErrBadInput, s)
	}
	return DateOf(t), nil
}

// MustDate is ParseDate for constants in code and tests; it panics on a bad date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the UTC calendar day of t.
func DateOf(t time.Time) Date {
	t = t.UTC()
	return Date(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// Today is the current UTC day.
func Today() Date { return DateOf(Now()) }

// Now is the clock: $KEIRETSU_NOW (RFC 3339) when set, so that tests can move
// days (contract section 6), else the time.
func Now() time.Time {
	v := os.Getenv("KEIRETSU_NOW")
	if v == "" {
		return time.Now()
	}
	if c := nowCache.Load(); c != nil && c.text == v {
		return c.t
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Now()
	}
	nowCache.Store(&parsedNow{v, t})
	return t
}

type parsedNow struct {
	text string
	t    time.Time
}

var nowCache atomic.Pointer[parsedNow]

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time { return time.Unix(int64(d)*secondsPerDay, 0).UTC() }

// IsOpen reports whether d is one of the open bounds MinDate or MaxDate.
func (d Date) IsOpen() bool { return d == MinDate || d == MaxDate }

// String formats the day as YYYY-MM-DD; open bounds format as "".
func (d Date) String() string {
	if d.IsOpen() {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// Period is the half-open validity [From, To) of a fact. Open ends are MinDate and MaxDate.
type Period struct {
	From, To Date
}

// Always is the period of a fact with neither `from` nor `to`.
var Always = Period{From: MinDate, To: MaxDate}

// Holds reports whether the fact holds on day d: (from <= d) and (d < to).
func (p Period) Holds(d Date) bool { return p.From <= d && d < p.To }
