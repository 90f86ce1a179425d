package bomgraph

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Lines maps the JSON paths of a document's items ("components[3]",
// "components[3].components[0]", "@graph[12]") to the line each starts on, so that
// an error about an item names a line a person can open. Only the values of keys in
// the set given to IndexLines (and the elements of arrays under those keys) are
// recorded, which keeps the index to one entry per BOM item.
type Lines struct {
	data []byte
	at   map[string]int
}

// IndexLines scans data (a JSON document) once. keys are the object keys whose
// values, or whose array elements, are items worth a line.
func IndexLines(data []byte, keys ...string) *Lines {
	l := &Lines{data: data, at: map[string]int{}}
	want := map[string]bool{}
	for _, k := range keys {
		want[k] = true
	}
	s := &lineScanner{b: data, line: 1, want: want, at: l.at}
	s.value(false)
	return l
}

// Line returns the line of the item at path, or of its nearest recorded ancestor,
// or 1.
func (l *Lines) Line(path string) int {
	for path != "" {
		if n, ok := l.at[path]; ok {
			return n
		}
		path = parentPath(path)
	}
	return 1
}

// LineAt returns the line of a byte offset.
func (l *Lines) LineAt(offset int64) int {
	if offset < 0 {
		return 1
	}
	if offset > int64(len(l.data)) {
		offset = int64(len(l.data))
	}
	b := l.data[:offset]
	if offset == int64(len(l.data)) {
		// An error at the end of the input is on the last line with text.
		b = bytes.TrimRight(b, " \t\r\n")
	}
	return 1 + bytes.Count(b, []byte{'\n'})
}

// parentPath drops the last segment of a path: "a[1].b" -> "a[1]" -> "a" -> "".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

// lineScanner walks JSON without building values. It trusts that the document is
// well formed (encoding/json checks that); on malformed input it stops early,
// which only makes lines less precise.
type lineScanner struct {
	b    []byte
	i    int
	line int
	path []byte
	want map[string]bool
	at   map[string]int
}

func (s *lineScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\n':
			s.line++
			s.i++
		case ' ', '\t', '\r':
			s.i++
		default:
			return
		}
	}
}

// value reads one value; record says whether its start is worth a line.
func (s *lineScanner) value(record bool) bool {
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	if record {
		s.at[string(s.path)] = s.line
	}
	switch s.b[s.i] {
	case '{':
		s.i++
		for {
			s.ws()
			if s.i >= len(s.b) {
				return false
			}
			if s.b[s.i] == '}' {
				s.i++
				return true
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			key, ok := s.str()
			if !ok {
				return false
			}
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return false
			}
			s.i++
			n := len(s.path)
			if n > 0 {
				s.path = append(s.path, '.')
			}
			s.path = append(s.path, key...)
			ok = s.value(s.want[key])
			s.path = s.path[:n]
			if !ok {
				return false
			}
		}
	case '[':
		s.i++
		key := lastKey(s.path)
		elems := s.want[key]
		for idx := 0; ; {
			s.ws()
			if s.i >= len(s.b) {
				return false
			}
			if s.b[s.i] == ']' {
				s.i++
				return true
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			n := len(s.path)
			s.path = append(s.path, '[')
			s.path = strconv.AppendInt(s.path, int64(idx), 10)
			s.path = append(s.path, ']')
			ok := s.value(elems)
			s.path = s.path[:n]
			if !ok {
				return false
			}
			idx++
		}
	case '"':
		_, ok := s.str()
		return ok
	default:
		// A number, true, false or null; a value that is none (a '}' where an
		// array element should be) stops the scan, which would otherwise read
		// it again and again.
		start := s.i
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return s.i > start
			}
			s.i++
		}
		return true
	}
}

// str reads a string and returns its value (decoded only when it has escapes).
func (s *lineScanner) str() (string, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return "", false
	}
	start := s.i
	s.i++
	escaped := false
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			escaped = true
			s.i += 2
			continue
		case '"':
			s.i++
			raw := s.b[start:s.i]
			if !escaped {
				return string(raw[1 : len(raw)-1]), true
			}
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				return "", false
			}
			return v, true
		case '\n':
			s.line++
		}
		s.i++
	}
	return "", false
}

// lastKey is the last object key of a path ("a[2].components" -> "components").
func lastKey(p []byte) string {
	i := bytes.LastIndexByte(p, '.')
	k := p[i+1:]
	if j := bytes.IndexByte(k, '['); j >= 0 {
		k = k[:j]
	}
	return string(k)
}
