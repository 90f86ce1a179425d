package projection

import (
	"fmt"
	"slices"
	"sort"

	"github.com/keiretsu/keiretsu/internal/model"
)

// DateCode is a day coded against a snapshot's date dictionary.
type DateCode = uint16

// Codes of open bounds.
const (
	openFrom DateCode = 0
	openTo   DateCode = 0xFFFF
	maxDates          = 0xFFFF - 1
)

// dateDict is the sorted set of distinct dates of a snapshot's facts.
type dateDict []model.Date

func buildDateDict(all []model.Date) (dateDict, error) {
	slices.Sort(all)
	all = slices.Compact(all)
	if len(all) > maxDates {
		return nil, fmt.Errorf("projection: %d distinct dates; at most %d are supported", len(all), maxDates)
	}
	return dateDict(all), nil
}

func (dd dateDict) rank(d model.Date) DateCode {
	i, _ := slices.BinarySearch(dd, d)
	return DateCode(i + 1)
}

func (dd dateDict) codeFrom(d model.Date) DateCode {
	if d == model.MinDate {
		return openFrom
	}
	return dd.rank(d)
}

func (dd dateDict) codeTo(d model.Date) DateCode {
	if d == model.MaxDate {
		return openTo
	}
	return dd.rank(d)
}

func (dd dateDict) decodeFrom(c DateCode) model.Date {
	if c == openFrom {
		return model.MinDate
	}
	return dd[c-1]
}

func (dd dateDict) decodeTo(c DateCode) model.Date {
	if c == openTo {
		return model.MaxDate
	}
	return dd[c-1]
}

// query codes day d: the number of dictionary dates <= d. A fact with coded bounds
// (f, t) holds on d iff f <= q && q < t.
func (dd dateDict) query(d model.Date) DateCode {
	return DateCode(sort.Search(len(dd), func(i int) bool { return dd[i] > d }))
}

func holds(f, t, q DateCode) bool { return f <= q && q < t }
