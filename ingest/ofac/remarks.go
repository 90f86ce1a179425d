package ofac

import (
	"slices"
	"strings"
)

// item is one identification of an entry: its type as OFAC names it
// ("Unified Social Credit Code (USCC)", "Listing Date (CMIC)", "Target Type"), its
// value, and the country given with it (a name, possibly empty).
type item struct {
	typ, value, country string
}

// remarkTypes are the identification types looked for at the start of a remark
// clause, in lower case, longest first so that "unified social credit code
// (uscc)" wins over "unified social credit code".
var remarkTypes = func() []string {
	ts := []string{"target type"}
	for t := range idTypes {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return ts
}()

// parseRemarks reads the identifications out of a legacy-CSV Remarks column: a
// list of clauses separated by ";" such as "Unified Social Credit Code (USCC)
// 914403001922038216 (China)", "alt. SWIFT/BIC CKLBCNBJ", "Listing Date (CMIC) 03
// Jun 2021", "Listing Date (EO 14024 Directive 3): 24 Feb 2022", "Target Type
// Government Entity". Clauses of other types (DOB, passports, "Linked To", free
// text) are skipped.
func parseRemarks(s string) []item {
	var items []item
	for _, cl := range strings.Split(s, ";") {
		cl = strings.TrimSpace(cl)
		cl = strings.TrimSpace(strings.TrimPrefix(cl, "alt. "))
		cl = strings.TrimSuffix(cl, ".")
		if strings.HasPrefix(cl, "Listing Date (") {
			if i := strings.IndexByte(cl, ')'); i > 0 {
				items = append(items, item{typ: cl[:i+1], value: strings.TrimLeft(cl[i+1:], " :")})
			}
			continue
		}
		for _, t := range remarkTypes {
			if len(cl) < len(t) || !strings.EqualFold(cl[:len(t)], t) {
				continue
			}
			rest := cl[len(t):]
			if rest != "" && rest[0] != ' ' && rest[0] != ':' && rest[0] != ',' {
				continue
			}
			rest = strings.TrimLeft(rest, " :,")
			value, country := rest, ""
			if i := strings.Index(rest, " ("); i >= 0 {
				if j := strings.IndexByte(rest[i:], ')'); j > 0 {
					value, country = rest[:i], rest[i+2:i+j]
				}
			}
			items = append(items, item{typ: cl[:len(t)], value: strings.TrimSpace(value), country: strings.TrimSpace(country)})
			break
		}
	}
	return items
}

// akaPrefixes start the remark clauses that give another name of an entry:
// also, formerly and now known as.
var akaPrefixes = []string{"a.k.a. ", "f.k.a. ", "n.k.a. "}

// remarkAliases returns the names a legacy-CSV Remarks column gives as "a.k.a.
// 'PACHO'; f.k.a. 'ANSAR INSTITUTE'" (OFAC's weak aliases, which alt.csv does not
// hold), without their quotes, in order.
func remarkAliases(s string) []string {
	var out []string
	for _, cl := range strings.Split(s, ";") {
		cl = strings.TrimSuffix(strings.TrimSpace(cl), ".")
		for _, p := range akaPrefixes {
			if len(cl) > len(p) && strings.EqualFold(cl[:len(p)], p) {
				name := strings.TrimSpace(cl[len(p):])
				if len(name) >= 2 && name[0] == '\'' && name[len(name)-1] == '\'' {
					name = strings.TrimSpace(name[1 : len(name)-1])
				}
				if name != "" {
					out = append(out, name)
				}
				break
			}
		}
	}
	return out
}
