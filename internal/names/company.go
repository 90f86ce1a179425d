package names

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// CompanyKey returns the matching key of a company name: the name in NFKC form
// (full-width letters and digits become ASCII), without accents, lower case,
// without its legal form and generic words, and with every character that is not a
// letter or a digit removed. The distinctive words are kept, in order.
//
//	"Huawei Technologies Co., Ltd."        -> "huaweitechnology"
//	"HUAWEI TECHNOLOGIES CO LTD"           -> "huaweitechnology"
//	"Huawei Technologies Company Limited"  -> "huaweitechnology"
//	"華為技術有限公司"                         -> "華為技術"
//	"株式会社東芝", "（株）東芝", "東芝 株式会社"   -> "東芝"
//	"GAZPROM TELEKOM, OOO"                 -> "gazpromtelekom"
//
// Legal forms (English, Chinese, Japanese, Korean, European and Russian forms,
// also when spelled with dots: "S.A.", "L.L.C.", "Sp. z o.o.") are removed at the
// end of a name, repeatedly ("GmbH & Co. KG"), and the forms that are written
// first ("OOO", "PJSC", "株式会社") at its start; a legal-form word in the middle
// of a name is kept. A trailing parenthesis is dropped when it follows a legal
// form ("Zhejiang Dahua Technology Co., Ltd. (Dahua)") or starts with f.k.a.,
// a.k.a. or formerly. The connectors "and", "&", "of" and "the" are dropped, and a
// few business words have one spelling (technologies, tech -> technology;
// holdings -> holding; ...). A name that is nothing but a legal form keeps its
// last word. Traditional and simplified Chinese are not unified: "華為" and "华为"
// are different keys (aliases or identifiers link them).
//
// Words are never cut: the key of "BOZTEPE" contains "zte" only as letters of a
// longer word, which CompanyTokens keeps whole.
func CompanyKey(name string) string {
	return strings.Join(companyWords(name), "")
}

// Company returns CompanyKey(name) and CompanyTokens(name) at the cost of one.
func Company(name string) (key string, tokens []string) {
	words := companyWords(name)
	return strings.Join(words, ""), companyTokens(words)
}

// CompanyTokens returns the distinctive words of a company name, as CompanyKey
// finds them, once each and in order of first appearance. A run of Chinese or
// Japanese characters (which have no spaces between words) gives its overlapping
// pairs of characters ("华为技术" -> 华为, 为技, 技术); a single character stays
// one token.
func CompanyTokens(name string) []string { return companyTokens(companyWords(name)) }

func companyTokens(words []string) []string {
	var out []string
	add := func(t string) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	for _, w := range words {
		rs := []rune(w)
		if !isCJK(rs[0]) || len(rs) <= 2 {
			add(w)
			continue
		}
		for i := 0; i+1 < len(rs); i++ {
			add(string(rs[i : i+2]))
		}
	}
	return out
}

// companyWords is the shared pipeline of CompanyKey and CompanyTokens.
func companyWords(name string) []string {
	s := strings.TrimSpace(dropAccents(norm.NFKC.String(name)))
	for {
		t, ok := dropTrailingParen(s)
		if !ok {
			break
		}
		s = t
	}
	words := splitWords(s)
	words = stripLegalForms(words)
	out := words[:0]
	for _, w := range words {
		if connectors[w] {
			continue
		}
		if c, ok := canonical[w]; ok {
			w = c
		}
		out = append(out, w)
	}
	if len(out) == 0 && len(words) > 0 {
		return words[len(words)-1:]
	}
	return out
}

// dropAccents removes combining diacritical marks (U+0300..U+036F) after
// decomposition: "Société" -> "Societe", "A.Ş." -> "A.S.". Other marks (Japanese
// voicing marks) are kept.
func dropAccents(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	d := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if r >= 0x300 && r <= 0x36F {
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// isCJK reports whether r is written without spaces between words (Han, kana).
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー'
}

// splitWords lower-cases s and splits it into runs of letters, digits and marks;
// a change between CJK and other scripts also ends a word. Apostrophes join
// ("Int'l" is one word).
func splitWords(s string) []string {
	var out []string
	var cur strings.Builder
	curCJK := false
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (unicode.IsMark(r) && cur.Len() > 0):
			c := isCJK(r)
			if cur.Len() > 0 && c != curCJK && !unicode.IsMark(r) {
				flush()
			}
			curCJK = c
			cur.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’' || r == 'ʼ':
		default:
			flush()
		}
	}
	flush()
	return out
}

// dropTrailingParen removes a parenthesis at the end of s when it is a note rather
// than part of the name: it follows a legal form, or says f.k.a./a.k.a./formerly.
func dropTrailingParen(s string) (string, bool) {
	if !strings.HasSuffix(s, ")") {
		return s, false
	}
	depth := 0
	open := -1
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
		}
		if depth == 0 {
			open = i
			break
		}
	}
	if open <= 0 {
		return s, false
	}
	before := strings.TrimRight(s[:open], " ,;")
	inner := splitWords(s[open+1 : len(s)-1])
	if len(splitWords(before)) == 0 {
		return s, false
	}
	if len(inner) > 0 {
		first := inner[0]
		if len(first) == 1 { // "f.k.a.", "d.b.a." split into letters
			first = ""
			for k := 0; k < min(3, len(inner)) && len(inner[k]) == 1; k++ {
				first += inner[k]
			}
		}
		if noteWords[first] {
			return before, true
		}
	}
	w := splitWords(before)
	if n := legalSuffixLen(w); n > 0 && n < len(w) {
		return before, true
	}
	if cjkLegalSuffix(w[len(w)-1]) != "" {
		return before, true
	}
	return s, false
}

// noteWords start a parenthesis that is a note, not part of the name.
var noteWords = map[string]bool{
	"fka": true, "aka": true, "formerly": true, "previously": true, "dba": true, "nka": true, "also": true,
}

// stripLegalForms removes legal forms at the end (repeatedly) and at the start.
func stripLegalForms(w []string) []string {
	for len(w) > 1 {
		if n := legalSuffixLen(w); n > 0 && n < len(w) {
			w = w[:len(w)-n]
			continue
		}
		last := w[len(w)-1]
		if suf := cjkLegalSuffix(last); suf != "" {
			if suf == last {
				w = w[:len(w)-1]
			} else {
				w[len(w)-1] = strings.TrimSuffix(last, suf)
			}
			continue
		}
		break
	}
	if len(w) == 1 {
		// A single CJK word: "华为技术有限公司" (no spaces).
		for {
			suf := cjkLegalSuffix(w[0])
			if suf == "" || suf == w[0] {
				break
			}
			w[0] = strings.TrimSuffix(w[0], suf)
		}
	}
	for len(w) > 1 {
		if n := legalPrefixLen(w); n > 0 && n < len(w) {
			w = w[n:]
			continue
		}
		break
	}
	if len(w) > 0 {
		for _, p := range cjkPrefixes {
			if t, ok := strings.CutPrefix(w[0], p); ok && t != "" {
				w[0] = t
				break
			}
		}
	}
	return w
}

// legalSuffixLen returns how many words at the end of w form the longest legal
// form, or 0.
func legalSuffixLen(w []string) int {
	best := 0
	for _, f := range suffixByLast[w[len(w)-1]] {
		if len(f) > len(w) || len(f) <= best {
			continue
		}
		if slices.Equal(w[len(w)-len(f):], f) {
			best = len(f)
		}
	}
	return best
}

// legalPrefixLen returns how many words at the start of w form the longest legal
// form written first, or 0.
func legalPrefixLen(w []string) int {
	best := 0
	for _, f := range prefixByFirst[w[0]] {
		if len(f) > len(w) || len(f) <= best {
			continue
		}
		if slices.Equal(w[:len(f)], f) {
			best = len(f)
		}
	}
	return best
}

// cjkLegalSuffix returns the Chinese, Japanese or Korean legal form that word ends
// with, or "".
func cjkLegalSuffix(word string) string {
	for _, s := range cjkSuffixes {
		if strings.HasSuffix(word, s) {
			// 分公司 is a branch: "华为技术有限公司北京分公司" is not the company.
			if s == "公司" && strings.HasSuffix(word, "分公司") {
				return ""
			}
			return s
		}
	}
	return ""
}

// Legal forms and generic words, as words after splitWords. Longest first is not
// needed: the longest match wins.
var suffixForms = wordLists(
	// English and common-law forms.
	"co", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "company", "cos", "llc", "l l c",
	"plc", "p l c", "lp", "l p", "llp", "l l p", "pty", "pte", "pvt", "private limited", "public limited company",
	"sdn bhd", "bhd", "tbk", "group",
	// European forms.
	"gmbh", "g m b h", "mbh", "ag", "a g", "kg", "kgaa", "ohg", "ug", "se", "sa", "s a", "sas", "s a s", "sarl", "s a r l", "srl", "s r l",
	"spa", "s p a", "sapa", "bv", "b v", "nv", "n v", "cv", "c v", "oy", "oyj", "ab", "publ", "as", "a s", "asa", "aps",
	"a p s", "sp z o o", "sp zoo", "spolka z o o", "sro", "s r o", "kft", "zrt", "nyrt", "doo", "d o o", "ad",
	"ltda", "sl", "s l", "eurl", "snc", "s n c", "sa de cv", "s a de c v", "s de rl", "s de r l",
	// Russian, Ukrainian and other CIS forms written last ("GAZPROM TELEKOM, OOO").
	"ooo", "oao", "zao", "pao", "ao", "pjsc", "ojsc", "cjsc", "jsc", "tov", "too",
	// Turkish.
	"sirketi", "ltd sti", "limited sirketi", "anonim sirketi",
	// Japanese and Korean in Latin letters, and single-character forms left by "(株)".
	"kk", "k k", "kabushiki kaisha", "yugen kaisha", "godo kaisha", "株", "有", "주",
)

var prefixForms = wordLists(
	"the", "ooo", "oao", "zao", "pao", "ao", "pjsc", "ojsc", "cjsc", "jsc", "tov", "pt", "cv",
	"public joint stock company", "open joint stock company", "closed joint stock company", "joint stock company",
	"limited liability company", "obshchestvo s ogranichennoi otvetstvennostyu",
	"obshchestvo s ogranichennoy otvetstvennostyu", "aktsionernoe obshchestvo", "zakrytoe aktsionernoe obshchestvo",
	"otkrytoe aktsionernoe obshchestvo", "publichnoe aktsionernoe obshchestvo", "株", "有", "주", "kabushiki kaisha",
	"株式会社", "有限会社", "合同会社", "주식회사", "유한회사",
)

// cjkSuffixes are matched inside a CJK word, longest first.
var cjkSuffixes = []string{
	"股份有限公司", "有限责任公司", "有限責任公司", "集团公司", "集團公司", "有限公司",
	"株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "주식회사", "유한회사",
	"集团", "集團", "公司",
}

// cjkPrefixes are legal forms written before a Japanese or Korean name.
var cjkPrefixes = []string{"株式会社", "有限会社", "合同会社", "주식회사", "유한회사"}

// connectors are dropped anywhere in a company name ("ve" is Turkish "and").
var connectors = map[string]bool{"and": true, "of": true, "the": true, "und": true, "et": true, "ve": true}

// canonical gives common business words one spelling.
var canonical = map[string]string{
	"technologies": "technology", "tech": "technology", "techn": "technology",
	"holdings": "holding", "industries": "industry", "intl": "international",
	"electronic": "electronics", "systems": "system", "communications": "communication",
	"telecommunications": "telecommunication", "telecom": "telecommunication", "services": "service",
	"products": "product", "mfg": "manufacturing", "labs": "laboratory",
	"laboratories": "laboratory", "lab": "laboratory",
}

// suffixByLast and prefixByFirst index the forms by their last and first word.
var (
	suffixByLast  = index(suffixForms, func(f []string) string { return f[len(f)-1] })
	prefixByFirst = index(prefixForms, func(f []string) string { return f[0] })
)

func wordLists(forms ...string) [][]string {
	out := make([][]string, 0, len(forms))
	for _, f := range forms {
		out = append(out, strings.Fields(f))
	}
	return out
}

func index(forms [][]string, by func([]string) string) map[string][][]string {
	m := map[string][][]string{}
	for _, f := range forms {
		m[by(f)] = append(m[by(f)], f)
	}
	return m
}
