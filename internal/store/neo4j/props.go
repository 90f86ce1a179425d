package neo4j

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/keiretsu/keiretsu/internal/model"
)

// Property names of the graph model (see doc.go and docs/neo4j.md). Empty
// values are left out rather than stored as "" or [].
const (
	propRec = "_rec" // the canonical encoding, model.Record.Encode
	propKey = "_k"   // relationships: the from day of the record key
)

// reservedProps are the property names a flattened identifier scheme may not
// take.
var reservedProps = map[string]bool{
	"id": true, "name": true, "type": true, "country": true, "aliases": true, "identifiers": true,
	"category": true, "source": true, "spec": true, "from": true, "to": true,
}

var schemeName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Writes pass a record's properties to Cypher as a list of values in a fixed
// order per label or type (a map per row costs the server noticeably more to
// read), with null for an absent property: CREATE and SET n = {...} store no
// property for a null value.

// nodeColumns lists the properties of the record nodes of a label, in the
// order of nodeValues. Flattened identifiers (`lei`, `purl`...) follow.
var nodeColumns = map[string][]string{
	labelEntity:  {"id", "name", propRec, "source", "type", "country", "hqCountry", "aliases", "identifiers"},
	labelProduct: {"id", "name", propRec, "source", "category", "identifiers"},
	labelRegime:  {"id", "name", propRec, "source", "spec"},
}

// nodeValues appends to row the properties of a record node in the order of
// nodeColumns, then the values of its flattened identifiers, and returns their
// schemes, comma-separated in order.
func nodeValues(row []any, r *model.Record, enc []byte) ([]any, string) {
	row = append(row, r.ID, r.Name, enc, str(r.Source))
	switch r.Kind {
	case model.KindEntity:
		row = append(row, str(r.Type), str(r.Country), str(r.HQCountry), strs(r.Aliases))
		return appendIdentifiers(row, r.Identifiers)
	case model.KindProduct:
		row = append(row, str(r.Category))
		return appendIdentifiers(row, r.Identifiers)
	case model.KindRegime:
		row = append(row, str(string(r.Spec)))
	}
	return row, ""
}

// appendIdentifiers stores identifiers twice: as the list `identifiers` of
// "scheme:value" strings (all of them), and flattened as one property per
// scheme (`lei`, `uscc`, `purl`...) when the scheme is a plain lower-case name
// that no other property uses (the last value of a repeated scheme).
func appendIdentifiers(row []any, ids []model.Identifier) ([]any, string) {
	if len(ids) == 0 {
		return append(row, nil), ""
	}
	list := make([]string, len(ids))
	var flat map[string]string
	for i, id := range ids {
		list[i] = id.Scheme + ":" + id.Value
		if schemeName.MatchString(id.Scheme) && !reservedProps[id.Scheme] {
			if flat == nil {
				flat = map[string]string{}
			}
			flat[id.Scheme] = id.Value
		}
	}
	row = append(row, list)
	if len(flat) == 0 {
		return row, ""
	}
	schemes := slices.Sorted(maps.Keys(flat))
	for _, sc := range schemes {
		row = append(row, flat[sc])
	}
	return row, strings.Join(schemes, ",")
}

// relColumns lists the properties of the record relationships of a kind, in
// the order of relValues.
func relColumns(k model.Kind) []string {
	c := []string{propKey, propRec, "from", "to", "source"}
	switch k {
	case model.KindOwnership:
		c = append(c, "percent", "percentMin", "percentMax")
	case model.KindControl:
		c = append(c, "basis")
	case model.KindComponent:
		c = append(c, "essential", "quantity")
	case model.KindSourcing:
		c = append(c, "role", "site")
	case model.KindListing:
		c = append(c, "reference", "categories")
	case model.KindSameAs:
		c = append(c, "reason")
	}
	return c
}

// relValues appends to row the properties of a record relationship in the
// order of relColumns.
func relValues(row []any, r *model.Record, enc []byte) []any {
	var from, to any
	if r.Valid.From != model.MinDate {
		from = dbtype.Date(r.Valid.From.Time())
	}
	if r.Valid.To != model.MaxDate {
		to = dbtype.Date(r.Valid.To.Time())
	}
	row = append(row, int64(r.Valid.From), enc, from, to, str(r.Source))
	switch r.Kind {
	case model.KindOwnership:
		var exact, lo, hi any
		switch r.Share.Mode {
		case model.ShareExact:
			exact = model.Percent(uint64(r.Share.Min))
		case model.ShareRange:
			lo, hi = model.Percent(uint64(r.Share.Min)), model.Percent(uint64(r.Share.Max))
		}
		row = append(row, exact, lo, hi)
	case model.KindControl:
		row = append(row, str(r.Basis))
	case model.KindComponent:
		var q any
		if r.Quantity != nil {
			q = *r.Quantity
		}
		row = append(row, r.Essential, q)
	case model.KindSourcing:
		row = append(row, str(r.Role), str(r.Site))
	case model.KindListing:
		row = append(row, str(r.Reference), strs(r.Categories))
	case model.KindSameAs:
		row = append(row, str(r.Reason))
	}
	return row
}

// str and strs give nil for an empty value: it is not stored.
func str(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func strs(v []string) any {
	if len(v) == 0 {
		return nil
	}
	return v
}

// propMap renders columns as a Cypher map literal of row elements from first
// on: {id: row[1], name: row[2]}.
func propMap(cols []string, first int) string {
	var b strings.Builder
	b.WriteString("{")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: row[%d]", c, first+i)
	}
	b.WriteString("}")
	return b.String()
}
