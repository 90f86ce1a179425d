package server

// prescan reads a query document's tokens without building anything: it
// counts them and the fields each operation selects itself (fields written in
// the operation, inline fragments included, named fragments not expanded).
// Both are lower bounds of what the parser and measure find (prescan counts
// no comments and no end of input; an operation's fields with its fragments
// expanded are at least its own), so a document over a limit by prescan's
// count is over it by theirs: documentGuard refuses it before parsing, which
// for a large document costs far more than this loop. For a document that is
// not valid GraphQL the counts mean nothing; the parser reports its error.
func prescan(q string) (tokens, fields int) {
	var (
		sel, paren int  // depth of selection sets and of parentheses
		inDef      bool // inside a definition (past its first token)
		fragment   bool // the definition is a named fragment's
		own        int  // fields of the current operation
		after      byte // what the previous token was: '.' (a spread), 'o' (its "on"), '@', or 0
	)
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
			continue
		case c == 0xEF && i+2 < len(q) && q[i+1] == 0xBB && q[i+2] == 0xBF: // byte order mark
			i += 3
			continue
		case c == '#':
			for i < len(q) && q[i] != '\n' && q[i] != '\r' {
				i++
			}
			continue
		}
		tokens++
		prev := after
		after = 0
		switch {
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			j := i + 1
			for j < len(q) && (q[j] == '_' || q[j] >= 'A' && q[j] <= 'Z' || q[j] >= 'a' && q[j] <= 'z' || q[j] >= '0' && q[j] <= '9') {
				j++
			}
			name := q[i:j]
			i = j
			switch {
			case sel == 0 && paren == 0:
				if !inDef {
					inDef, fragment = true, name == "fragment"
				}
			case paren > 0 || fragment:
			case prev == '.':
				if name == "on" {
					after = 'o' // an inline fragment's type condition follows
				}
			case prev == 'o' || prev == '@':
			default:
				own++ // a field's name, or an alias (taken back at its colon)
			}
		case c == '"':
			i = skipString(q, i)
		case c == '-' || c >= '0' && c <= '9':
			i++
			for i < len(q) && (q[i] >= '0' && q[i] <= '9' || q[i] == '.' || q[i] == 'e' || q[i] == 'E' || q[i] == '+' || q[i] == '-') {
				i++
			}
		case c == '.' && i+2 < len(q) && q[i+1] == '.' && q[i+2] == '.':
			i += 3
			after = '.'
		default:
			i++
			switch c {
			case '@':
				after = '@'
			case '(':
				paren++
			case ')':
				paren = max(paren-1, 0)
			case ':':
				if sel > 0 && paren == 0 && !fragment {
					own-- // the name before it was an alias
				}
			case '{':
				if paren == 0 {
					sel++
					inDef = true
				}
			case '}':
				if paren == 0 && sel > 0 {
					sel--
					if sel == 0 {
						if !fragment {
							fields = max(fields, own)
						}
						inDef, fragment, own = false, false, 0
					}
				}
			}
		}
	}
	return tokens, max(fields, own)
}

// skipString returns the index past the string (or block string) starting at
// q[i].
func skipString(q string, i int) int {
	if i+2 < len(q) && q[i+1] == '"' && q[i+2] == '"' {
		for j := i + 3; j+2 < len(q); j++ {
			switch {
			case q[j] == '\\' && j+3 < len(q) && q[j+1] == '"' && q[j+2] == '"' && q[j+3] == '"':
				j += 3
			case q[j] == '"' && q[j+1] == '"' && q[j+2] == '"':
				return j + 3
			}
		}
		return len(q)
	}
	for j := i + 1; j < len(q); j++ {
		switch q[j] {
		case '\\':
			j++
		case '"', '\n', '\r':
			return j + 1
		}
	}
	return len(q)
}
