package resolve

import (
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

// Identifier schemes that identify one legal entity and nothing else. Two entities
// with the same value in one of them are the same entity, and are linked
// automatically (see AutoLinks).
const (
	SchemeLEI          = "lei"          // ISO 17442, 20 characters with MOD 97-10 check digits
	SchemeUSCC         = "uscc"         // China's Unified Social Credit Code, 18 characters with a check character
	SchemeDUNS         = "duns"         // Dun & Bradstreet, 9 digits
	SchemeRegistration = "registration" // a company register number, "CC:number" with the register's ISO country code
)

// exclusiveSchemes are the strong schemes of which a legal entity has exactly one
// value: two entities with different values are different entities.
var exclusiveSchemes = []string{SchemeLEI, SchemeUSCC}

// weakSchemes identify something related to an entity (a web site, a security it
// issued, a tax number that branches share): a shared value supports a name match
// but never links by itself.
var weakSchemes = map[string]bool{
	"website": true, "domain": true, "isin": true, "cusip": true, "figi": true, "cik": true, "bic": true, "swift": true,
	"wikidata": true, "permid": true, "opencorporates": true, "ogrn": true, "inn": true, "vat": true, "ein": true,
}

// StrongKey returns the normalised key of a strong identifier ("lei
// 5493001KJTIIGC8Y1R12", "registration GB:01234567"), or false when the scheme is
// not strong or the value is not well formed: an LEI or USCC whose check
// characters are wrong, a DUNS that is not 9 digits (or is one digit repeated), a
// registration number without its "CC:" country prefix. Placeholders such as
// "N/A" or "000000000" therefore never link anything.
func StrongKey(id model.Identifier) (string, bool) {
	scheme := strings.ToLower(strings.TrimSpace(id.Scheme))
	switch scheme {
	case SchemeLEI:
		v := compact(id.Value)
		if model.ValidLEI(v) {
			return scheme + " " + v, true
		}
	case SchemeUSCC:
		v := compact(id.Value)
		if model.ValidUSCC(v) {
			return scheme + " " + v, true
		}
	case SchemeDUNS:
		v := compact(id.Value)
		if model.ValidDUNS(v) {
			return scheme + " " + v, true
		}
	case SchemeRegistration:
		if v, ok := registration(id.Value); ok {
			return scheme + " " + v, true
		}
	}
	return "", false
}

// StrongKeys returns the strong keys of a record's identifiers, sorted, each once.
func StrongKeys(r *model.Record) []string {
	var out []string
	for _, id := range r.Identifiers {
		if k, ok := StrongKey(id); ok && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// weakKey returns the normalised key of an identifier in a weak scheme.
func weakKey(id model.Identifier) (string, bool) {
	scheme := strings.ToLower(strings.TrimSpace(id.Scheme))
	if !weakSchemes[scheme] {
		return "", false
	}
	v := strings.ToLower(strings.TrimSpace(id.Value))
	if scheme == "website" || scheme == "domain" {
		for _, p := range []string{"https://", "http://", "www."} {
			v = strings.TrimPrefix(v, p)
		}
		if i := strings.IndexAny(v, "/?#"); i >= 0 {
			v = v[:i]
		}
	} else {
		v = strings.ToLower(compact(v))
	}
	if len(v) < 4 {
		return "", false
	}
	return scheme + " " + v, true
}

// compact upper-cases v and removes spaces, dashes, dots and slashes.
func compact(v string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(v) {
		switch r {
		case ' ', '-', '.', '/', '\t', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// registration normalises "GB:01234567", "GB-01234567" or "GB 01234567" to
// "GB:01234567". The number needs at least 3 letters or digits, one of them a digit.
func registration(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) < 4 || !isLetter(v[0]) || !isLetter(v[1]) || (v[2] != ':' && v[2] != '-' && v[2] != ' ') {
		return "", false
	}
	country := strings.ToUpper(v[:2])
	var b strings.Builder
	digit := false
	for _, r := range strings.ToUpper(v[3:]) {
		switch {
		case r >= '0' && r <= '9':
			digit = true
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '/' || r == ':':
		default:
			return "", false
		}
	}
	if b.Len() < 3 || !digit {
		return "", false
	}
	return country + ":" + b.String(), true
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// conflicts reports whether two entities' strong keys say they are different legal
// entities: both have a value in an exclusive scheme (LEI, USCC) and they share none.
func conflicts(a, b []string) bool {
	for _, s := range exclusiveSchemes {
		x, y := schemeValues(a, s), schemeValues(b, s)
		if len(x) == 0 || len(y) == 0 {
			continue
		}
		shared := false
		for _, v := range x {
			if slices.Contains(y, v) {
				shared = true
				break
			}
		}
		if !shared {
			return true
		}
	}
	return false
}

// schemeValues returns the values of the keys in scheme.
func schemeValues(keys []string, scheme string) []string {
	var out []string
	for _, k := range keys {
		if keyScheme(k) == scheme {
			out = append(out, k[len(scheme)+1:])
		}
	}
	return out
}

// keyScheme returns the scheme of a strong or weak key.
func keyScheme(k string) string {
	s, _, _ := strings.Cut(k, " ")
	return s
}
