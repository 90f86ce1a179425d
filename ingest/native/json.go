package native

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner is a small JSON reader for one line holding one object. It gives the
// precise errors the native format promises (which field, what is wrong) without
// the reflection and allocations of encoding/json.
type scanner struct {
	b []byte
	i int
}

// SyntaxError is returned (wrapped in an *ingest.LineError) for a line that is
// not well-formed JSON. It is the whole line's fault, not a field's.
type SyntaxError struct {
	// What says what the scanner met, e.g. "unterminated string".
	What string
}

func (e *SyntaxError) Error() string {
	if e.What == "" {
		return "malformed JSON"
	}
	return "malformed JSON: " + e.What
}

func syntaxErr(what string) error { return &SyntaxError{What: what} }

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) consume(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) literal(lit string) bool {
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// str reads a JSON string (the opening quote must be next).
func (s *scanner) str() (string, error) {
	if s.peek() != '"' {
		return "", syntaxErr("expected a string")
	}
	s.i++
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw := s.b[start:s.i]
			s.i++
			if !utf8.Valid(raw) {
				return "", errors.New("string is not valid UTF-8")
			}
			return string(raw), nil
		case c == '\\':
			return s.strSlow(start)
		case c < 0x20:
			return "", syntaxErr("control character in string")
		}
		s.i++
	}
	return "", syntaxErr("unterminated string")
}

func (s *scanner) strSlow(start int) (string, error) {
	out := append([]byte(nil), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(out) {
				return "", errors.New("string is not valid UTF-8")
			}
			return string(out), nil
		case c < 0x20:
			return "", syntaxErr("control character in string")
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		s.i++
		if s.i >= len(s.b) {
			break
		}
		e := s.b[s.i]
		s.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return "", syntaxErr("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if s.literal("\\u") {
					r2, ok := s.hex4()
					if !ok {
						return "", syntaxErr("bad \\u escape")
					}
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", syntaxErr("bad escape in string")
		}
	}
	return "", syntaxErr("unterminated string")
}

func (s *scanner) hex4() (rune, bool) {
	if len(s.b)-s.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	s.i += 4
	return rune(v), true
}

// number reads a JSON number.
func (s *scanner) number() (float64, error) {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := 0
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' {
			s.i++
			digits++
			continue
		}
		break
	}
	if digits == 0 {
		return 0, errors.New("expected a number")
	}
	v, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		return 0, errors.New("expected a number")
	}
	return v, nil
}

// null consumes a JSON null if it is next.
func (s *scanner) null() bool {
	s.ws()
	return s.literal("null")
}

func (s *scanner) boolean() (bool, error) {
	s.ws()
	switch {
	case s.literal("true"):
		return true, nil
	case s.literal("false"):
		return false, nil
	}
	return false, errors.New("expected true or false")
}

// strings reads an array of strings.
func (s *scanner) strings() ([]string, error) {
	if !s.consume('[') {
		return nil, errors.New("expected an array of strings")
	}
	var out []string
	if s.consume(']') {
		return out, nil
	}
	for {
		v, err := s.str()
		if err != nil {
			return nil, errors.New("expected an array of strings")
		}
		out = append(out, v)
		if s.consume(',') {
			continue
		}
		if s.consume(']') {
			return out, nil
		}
		return nil, syntaxErr("expected , or ] in array")
	}
}

// stringMap reads an object of string values, calling fn for each pair.
func (s *scanner) stringMap(fn func(k, v string)) error {
	if !s.consume('{') {
		return errors.New("expected an object of strings")
	}
	if s.consume('}') {
		return nil
	}
	for {
		k, err := s.str()
		if err != nil {
			return err
		}
		if !s.consume(':') {
			return syntaxErr("expected :")
		}
		if s.null() {
			// a null value means no identifier of that scheme
		} else {
			v, err := s.str()
			if err != nil {
				return errors.New("expected string values")
			}
			fn(k, v)
		}
		if s.consume(',') {
			continue
		}
		if s.consume('}') {
			return nil
		}
		return syntaxErr("expected , or } in object")
	}
}

// skip reads and discards any JSON value (for fields this version does not know).
func (s *scanner) skip(depth int) error {
	if depth > 64 {
		return syntaxErr("nesting too deep")
	}
	switch c := s.peek(); {
	case c == '"':
		_, err := s.str()
		return err
	case c == '{' || c == '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		s.i++
		if s.consume(closing) {
			return nil
		}
		for {
			if c == '{' {
				if _, err := s.str(); err != nil {
					return err
				}
				if !s.consume(':') {
					return syntaxErr("expected :")
				}
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			if s.consume(',') {
				continue
			}
			if s.consume(closing) {
				return nil
			}
			return syntaxErr("expected , or " + string(closing))
		}
	case c == 't' || c == 'f':
		_, err := s.boolean()
		return err
	case c == 'n':
		if s.null() {
			return nil
		}
		return &SyntaxError{}
	default:
		_, err := s.number()
		if err != nil {
			return syntaxErr("unexpected character")
		}
		return nil
	}
}
