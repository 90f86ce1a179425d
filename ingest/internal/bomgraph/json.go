package bomgraph

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Text is a JSON string, or a number or boolean taken as its literal text; an
// object or an array reads as "".
type Text string

// UnmarshalJSON reads a string, number, boolean or null; it never fails.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		// Not text: ignored. (An error here would stop encoding/json from
		// decoding the rest of the document.) A required field left empty
		// is reported when the record is validated.
		*t = ""
	default:
		*t = Text(b)
	}
	return nil
}

// TextList is an array of strings, or one string.
type TextList []Text

// UnmarshalJSON reads an array of strings or one string; it never fails on
// valid JSON.
func (l *TextList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var v []Text
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*l = v
		return nil
	}
	var t Text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	if t != "" {
		*l = TextList{t}
	}
	return nil
}

// Number parses t as a non-negative number; ok is false when t is not a number.
func (t Text) Number() (float64, bool) {
	v, err := strconv.ParseFloat(string(t), 64)
	return v, err == nil
}

// IsPurl reports whether p has the shape of a package URL: pkg:type/name.
func IsPurl(p string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(p), "pkg:")
	rest = strings.TrimLeft(rest, "/")
	i := strings.IndexByte(rest, '/')
	return ok && i > 0 && i < len(rest)-1
}

// IsCPE reports whether p has the shape of a CPE name: cpe:2.3:... or cpe:/....
func IsCPE(p string) bool {
	return strings.HasPrefix(strings.ToLower(p), "cpe:2.3:") || strings.HasPrefix(strings.ToLower(p), "cpe:/")
}
