package server

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
)

// lexedTokens counts the tokens gqlparser's lexer reads from q, comments and
// the end of input left out (ok false when it fails).
func lexedTokens(q string) (n int, ok bool) {
	l := lexer.New(&ast.Source{Input: q})
	for {
		tok, err := l.ReadToken()
		if err != nil {
			return 0, false
		}
		switch tok.Kind {
		case lexer.EOF:
			return n, true
		case lexer.Comment:
		default:
			n++
		}
	}
}

// checkPrescan checks prescan's counts of a document the parser reads
// against the lexer's and measure's: the same tokens, and no more fields than
// any operation has with its fragments expanded.
func checkPrescan(t *testing.T, q string) (fields int, parsed bool) {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		return 0, false
	}
	tokens, fields := prescan(q)
	if lexed, ok := lexedTokens(q); ok && tokens != lexed {
		t.Errorf("prescan counts %d tokens, the lexer %d: %q", tokens, lexed, q)
	}
	if most, _ := measure(doc); fields > most {
		t.Errorf("prescan counts %d fields, measure %d: %q", fields, most, q)
	}
	return fields, true
}

func TestPrescan(t *testing.T) {
	for _, tc := range []struct {
		q      string
		fields int
	}{
		{`{ a b c }`, 3},
		{`{ x: a y: b(id: "1") { c } }`, 3},
		{`query Q($ids: [ID!]! = ["a", "b"], $o: In = {k: {v: 1}}) @dir(a: {b: 2}) { a(o: {x: [1, 2]}) { b } }`, 2},
		{`{ a ... on T { b c } ...F @include(if: true) ... @skip(if: false) { d } } fragment F on T { e f g h i j }`, 4},
		{`fragment F on T { a b c d e } { x ...F }`, 1},
		{`{ a } { b c d }`, 3},
		{"# { a b c }\n{ a(s: \"{ b c d } # \\\" e\") }", 1},
		{"{ a(s: \"\"\"\n { b c } \\\"\"\" d \"\"\") b }", 2},
		{`{ on fragment query }`, 3},
		{`mutation { m(x: -1.5e+3, y: 0) { id } }`, 2},
		{"\ufeff{ a\r\n b, c }", 3},
	} {
		fields, parsed := checkPrescan(t, tc.q)
		if !parsed {
			t.Errorf("does not parse: %q", tc.q)
			continue
		}
		if fields != tc.fields {
			t.Errorf("prescan counts %d fields, want %d: %q", fields, tc.fields, tc.q)
		}
	}
	// The documents a hostile client sends: refused by prescan's counts alone.
	tokens, _ := prescan(`{ entity(id: "x") { ` + strings.Repeat("id ", 60_000) + `} }`)
	if tokens <= DefaultLimits.MaxTokens {
		t.Errorf("60,000 repeated fields counted as %d tokens", tokens)
	}
	if _, fields := prescan(`{ entity(id: "x") { ` + strings.Repeat("id ", 10_000) + `} }`); fields <= DefaultLimits.MaxFields {
		t.Errorf("10,000 repeated fields counted as %d", fields)
	}
}

// FuzzPrescan checks on arbitrary documents that parse that prescan counts
// the lexer's tokens and at most measure's fields, so that a document it
// refuses is one the parser and measure refuse too.
func FuzzPrescan(f *testing.F) {
	f.Add(`{ a: b(x: {y: "}"}) { ... on T { c } ...F } } fragment F on T { d }`)
	f.Add("query($v: [In!] = [{a: 1}]) @d { x #\n y(s: \"\"\"a\"\"\") }")
	f.Fuzz(func(t *testing.T, q string) {
		checkPrescan(t, q)
	})
}
