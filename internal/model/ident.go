package model

import "strings"

// The validators of the strong identifier schemes: one definition used by every
// feed that reads identifiers and by entity resolution, so that a value one of
// them keeps the others accept. Each takes the value as stored: upper case, no
// spaces or separators.

// ValidLEI reports whether v is an ISO 17442 Legal Entity Identifier: 20 digits
// or capital letters whose ISO 7064 MOD 97-10 value (letters counting 10..35) is
// 1, the last two being the check digits.
func ValidLEI(v string) bool {
	if len(v) != 20 || !isDigit(v[18]) || !isDigit(v[19]) {
		return false
	}
	rem := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case isDigit(c):
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// usccAlphabet is the alphabet of China's Unified Social Credit Code (GB
// 32100-2015): digits and the capitals without I, O, S, V, Z; a character's value
// is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidUSCC reports whether v is an 18-character Unified Social Credit Code whose
// last character is the check character of the first 17.
func ValidUSCC(v string) bool {
	if len(v) != 18 {
		return false
	}
	sum := 0
	for i := range 17 {
		n := strings.IndexByte(usccAlphabet, v[i])
		if n < 0 {
			return false
		}
		sum += n * usccWeights[i]
	}
	return v[17] == usccAlphabet[(31-sum%31)%31]
}

// ValidDUNS reports whether v is a Dun & Bradstreet D-U-N-S number: 9 digits,
// not one digit repeated (registers write "000000000" or "999999999" for none).
func ValidDUNS(v string) bool {
	if len(v) != 9 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return false
		}
	}
	return strings.Count(v, v[:1]) != len(v)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
