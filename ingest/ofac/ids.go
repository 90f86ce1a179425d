package ofac

import (
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

// Identifier schemes the OFAC, CSL and FCC formats emit.
const (
	SchemeUSCC         = "uscc"
	SchemeLEI          = "lei"
	SchemeDUNS         = "duns"
	SchemeSWIFT        = "swift"
	SchemeIMO          = "imo"
	SchemeISIN         = "isin"
	SchemeRegistration = "registration"
	SchemeWebsite      = "website"
)

// idKind says what an OFAC identification type is.
type idKind uint8

const (
	idUSCC idKind = iota + 1
	idLEI         // "Legal Entity Number": an LEI when it is one (OFAC also writes national numbers under it)
	idDUNS
	idSWIFT
	idISIN
	idIMOOrRegistration // "Company Number": "IMO 1234567" or a registration number
	idIMOOnly           // "Vessel Registration Identification", "Identification Number": only "IMO ..." values
	idRegistration
	idWebsite
)

// idTypes maps the identification types OFAC writes (in remarks, in the XML idList,
// in the CSL ids column), in lower case and without a trailing colon, to what they
// are. Types not listed (passports, tax and national ids, Government Gazette (OKPO)
// numbers, ...) give no identifier.
var idTypes = map[string]idKind{
	"unified social credit code (uscc)":   idUSCC,
	"unified social credit code (usccc)":  idUSCC, // a typo OFAC published
	"unified social credit code":          idUSCC,
	"legal entity number":                 idLEI,
	"d-u-n-s number":                      idDUNS,
	"swift/bic":                           idSWIFT,
	"isin":                                idISIN,
	"company number":                      idIMOOrRegistration,
	"vessel registration identification":  idIMOOnly,
	"identification number":               idIMOOnly,
	"registration id":                     idRegistration,
	"registration number":                 idRegistration,
	"uk company number":                   idRegistration,
	"commercial registry number":          idRegistration,
	"commercial registration number":      idRegistration,
	"company registration number":         idRegistration,
	"business registration document #":    idRegistration,
	"business registration number":        idRegistration,
	"public registration number":          idRegistration,
	"certificate of incorporation number": idRegistration,
	"chamber of commerce number":          idRegistration,
	"c.r. no.":                            idRegistration,
	"website":                             idWebsite,
}

func idTypeKey(typ string) string {
	return strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(typ), ":")))
}

// Identifier turns one identification as OFAC and the CSL give it (its type as
// OFAC names it, e.g. "Unified Social Credit Code (USCC)" or "SWIFT/BIC", its
// number, and its country as a name or an alpha-2 code, possibly empty) into a
// model identifier. It reports false for types that are not identifiers Keiretsu
// keeps and for values that are not well-formed for their scheme (an LEI or ISIN
// whose check digits fail, a USCC that is not 18 characters of its alphabet...):
// it never guesses.
func Identifier(typ, number, country string) (model.Identifier, bool) {
	kind := idTypes[idTypeKey(typ)]
	if kind == 0 {
		return model.Identifier{}, false
	}
	v := strings.TrimSpace(number)
	v = strings.TrimSpace(strings.TrimSuffix(v, "."))
	if v == "" {
		return model.Identifier{}, false
	}
	up := strings.ToUpper(v)
	switch kind {
	case idUSCC:
		if model.ValidUSCC(up) {
			return model.Identifier{Scheme: SchemeUSCC, Value: up}, true
		}
	case idLEI:
		// OFAC also writes national numbers (9 digits, Netherlands) under this
		// type; what they are is not said, so they are not kept.
		if model.ValidLEI(up) {
			return model.Identifier{Scheme: SchemeLEI, Value: up}, true
		}
	case idDUNS:
		d := strings.ReplaceAll(up, "-", "")
		if model.ValidDUNS(d) {
			return model.Identifier{Scheme: SchemeDUNS, Value: d}, true
		}
	case idSWIFT:
		if validBIC(up) {
			return model.Identifier{Scheme: SchemeSWIFT, Value: up}, true
		}
	case idISIN:
		if validISIN(up) {
			return model.Identifier{Scheme: SchemeISIN, Value: up}, true
		}
	case idIMOOrRegistration, idIMOOnly:
		if n, ok := strings.CutPrefix(up, "IMO"); ok {
			n = strings.TrimSpace(n)
			if len(n) == 7 && allDigits(n) {
				return model.Identifier{Scheme: SchemeIMO, Value: n}, true
			}
			return model.Identifier{}, false
		}
		if kind == idIMOOrRegistration {
			return registration(up, country)
		}
	case idRegistration:
		return registration(up, country)
	case idWebsite:
		// The value is the first word: remarks sometimes run on after it
		// ("Website www.alturath.org. Revival of Islamic Heritage Society ...").
		w := strings.Fields(v)[0]
		w = strings.TrimRight(w, ".,;")
		if strings.Contains(w, ".") {
			return model.Identifier{Scheme: SchemeWebsite, Value: w}, true
		}
	}
	return model.Identifier{}, false
}

// registration is a company or registration number, prefixed with its country's
// alpha-2 code when known ("RU:1027700132195"). With the prefix it is a strong
// identifier that links entities automatically (internal/resolve), so only types
// that name a company register are mapped to it.
func registration(v, country string) (model.Identifier, bool) {
	if cc := CountryCode(country); cc != "" {
		v = cc + ":" + v
	}
	return model.Identifier{Scheme: SchemeRegistration, Value: v}, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func alnum(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' }

// validISIN checks a 12-character ISIN (ISO 6166) and its Luhn check digit.
func validISIN(s string) bool {
	if len(s) != 12 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' || s[11] < '0' || s[11] > '9' {
		return false
	}
	var digits []int
	for i := 0; i < 11; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, int(c-'0'))
		case c >= 'A' && c <= 'Z':
			v := int(c-'A') + 10
			digits = append(digits, v/10, v%10)
		default:
			return false
		}
	}
	digits = append(digits, int(s[11]-'0'))
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := digits[i]
		if (len(digits)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// validBIC checks the shape of a SWIFT/BIC code: 4 letters (bank), 2 letters
// (country), 2 letters or digits (location), and an optional 3-character branch.
func validBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i < 6 && (c < 'A' || c > 'Z') || !alnum(c) {
			return false
		}
	}
	return true
}
