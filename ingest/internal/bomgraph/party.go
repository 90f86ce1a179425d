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
		r.Identifiers = []model.Identifier{{Scheme: "website", Value: u}}
	}
	return r
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
