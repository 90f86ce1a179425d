// Package names normalises names and identifiers for matching: case, punctuation,
// full-width forms and (for company names) legal-form suffixes in English, Chinese,
// Japanese and European languages.
package names

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s in NFKC form (full-width letters and digits become ASCII), lower
// case, with every character that is not a letter or a digit removed. "Huawei
// Technologies Co., Ltd." and "HUAWEI TECHNOLOGIES CO LTD" fold to the same key.
func Fold(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Tokens returns the folded words of s (split at anything that is not a letter or
// a digit; a run of CJK ideographs is one word).
func Tokens(s string) []string {
	s = norm.NFKC.String(s)
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			cur.WriteRune(unicode.ToLower(r))
		} else {
			flush()
		}
	}
	flush()
	return out
}
