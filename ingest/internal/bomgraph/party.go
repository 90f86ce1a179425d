package bomgraph

import (
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/names"
)

// Party is an organisation or a person that a BOM names as the supplier or the
// manufacturer of an item.
type Party struct {
	// Name as the BOM gives it.
	Name string
	// Person is true for a natural person (SPDX "Person:"); else an organisation.
	Person bool
	// URL is the party's website, if given.
	URL string
	// Country is an ISO 3166 alpha-2 code, if given; anything else is dropped.
	Country string
	// Email is the party's e-mail address, if given (also taken from a name
	// written "Name <email>" or "Name (email)"): an identifier, never part of the
	// name, so that parties are not matched on the words of their addresses.
	Email string
	// Site is where the party makes or supplies the item from, as sourcing.site
	// holds it (see Site), if its address says; "" otherwise.
	Site string
}

// Site returns the place of production an address gives, as sourcing.site holds
// it: its region when that is an ISO 3166-2 code of the country ("CN-XJ", or
// "XJ" beside country "CN"), else its country when that is an alpha-2 code, else
// "".
func Site(country, region string) string {
	c := strings.ToUpper(strings.TrimSpace(country))
	r := strings.ToUpper(strings.TrimSpace(region))
	if !isAlpha2(c) {
		c = ""
	}
	switch {
	case model.IsSite(r) && len(r) > 2 && (c == "" || r[:2] == c):
		return r
	case c != "" && r != "" && model.IsSite(c+"-"+r):
		return c + "-" + r
	}
	return c
}

// SplitContact splits a party written with its contact, "Jane Doe
// <jane@example.com>" or "Acme (support@acme.example)", into the name and the
// e-mail address; a name without one is returned as it is, with email "".
// Parentheses that hold no e-mail address ("HiSilicon (Shanghai)") stay in the
// name.
func SplitContact(s string) (name, email string) {
	s = strings.TrimSpace(s)
	for _, br := range [][2]byte{{'<', '>'}, {'(', ')'}} {
		if !strings.HasSuffix(s, string(br[1])) {
			continue
		}
		i := strings.LastIndexByte(s, br[0])
		if i < 0 {
			continue
		}
		c := strings.TrimSpace(s[i+1 : len(s)-1])
		if c != "" && !strings.Contains(c, "@") {
			continue
		}
		return strings.TrimSpace(s[:i]), strings.TrimPrefix(c, "mailto:")
	}
	return s, ""
}

// placeholders are names that say nobody is known.
var placeholders = map[string]bool{
	"": true, "noassertion": true, "none": true, "unknown": true, "na": true, "tbd": true,
}

// EntityID returns the id of the entity a party name stands for: "org:" (or
// "person:") and the name folded to lower case, with punctuation dropped, words
// joined by '-' and, for organisations, trailing legal-form words ("Co., Ltd.",
// "Inc", "GmbH", "有限公司", ...) stripped. "Huawei Technologies Co., Ltd." is
// "org:huawei-technologies". It returns "" for a name with no letters or digits
// and for placeholders such as "NOASSERTION" or "Unknown".
func EntityID(name string, person bool) string {
	toks := names.Tokens(name)
	if placeholders[strings.Join(toks, "")] {
		return ""
	}
	if person {
		return "person:" + strings.Join(toks, "-")
	}
	toks = stripLegalForm(toks)
	return "org:" + strings.Join(toks, "-")
}

// legalForms are legal-form suffixes as folded tokens; multi-word forms come
// first so that "s p a" is stripped whole.
var legalForms = [][]string{
	{"sp", "z", "o", "o"}, {"s", "p", "a"}, {"l", "l", "c"}, {"l", "l", "p"}, {"s", "a", "s"},
	{"s", "r", "l"}, {"s", "r", "o"},
	{"s", "a"}, {"b", "v"}, {"n", "v"}, {"a", "g"}, {"k", "k"}, {"p", "l", "c"},
	{"inc"}, {"incorporated"}, {"ltd"}, {"limited"}, {"co"}, {"corp"}, {"corporation"},
	{"company"}, {"gmbh"}, {"mbh"}, {"llc"}, {"plc"}, {"llp"}, {"lp"}, {"ag"}, {"sa"},
	{"sas"}, {"sarl"}, {"srl"}, {"spa"}, {"bv"}, {"nv"}, {"kk"}, {"oy"}, {"oyj"}, {"ab"},
	{"asa"}, {"aps"}, {"pte"}, {"pty"}, {"pvt"}, {"kg"}, {"kgaa"}, {"se"}, {"sro"},
	{"bhd"}, {"sdn"}, {"tbk"},
}

// cjkForms are legal forms written in Chinese or Japanese, which the tokenizer
// leaves joined to the name.
var cjkForms = []string{"股份有限公司", "有限责任公司", "有限公司", "株式会社", "有限会社", "合同会社", "公司"}

// stripLegalForm removes trailing legal-form words, never the whole name.
func stripLegalForm(toks []string) []string {
	for {
		stripped := false
		for _, f := range legalForms {
			if len(toks) > len(f) && equalTail(toks, f) {
				toks = toks[:len(toks)-len(f)]
				stripped = true
				break
			}
		}
		if !stripped {
			break
		}
	}
	if len(toks) > 0 {
		first, last := toks[0], toks[len(toks)-1]
		for _, f := range cjkForms {
			if strings.HasSuffix(last, f) && len(last) > len(f) {
				toks[len(toks)-1] = strings.TrimSuffix(last, f)
				break
			}
			if strings.HasPrefix(first, f) && len(first) > len(f) {
				toks[0] = strings.TrimPrefix(first, f)
				break
			}
		}
	}
	return toks
}

func equalTail(toks, tail []string) bool {
	off := len(toks) - len(tail)
	for i, t := range tail {
		if toks[off+i] != t {
			return false
		}
	}
	return true
}

// entityRecord is the entity a party names, before it is emitted.
func (p Party) record(id, source string) model.Record {
	r := model.Record{Kind: model.KindEntity, ID: id, Name: strings.TrimSpace(p.Name), Source: source}
	if p.Person {
		r.Type = model.TypePerson
	}
	if c := strings.ToUpper(strings.TrimSpace(p.Country)); isAlpha2(c) {
		r.Country = c
	}
	if u := strings.TrimSpace(p.URL); u != "" {
		r.Identifiers = append(r.Identifiers, model.Identifier{Scheme: "website", Value: u})
	}
	if e := strings.TrimSpace(p.Email); e != "" {
		r.Identifiers = append(r.Identifiers, model.Identifier{Scheme: "email", Value: e})
	}
	return r
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
