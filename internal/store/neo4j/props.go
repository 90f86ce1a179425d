package neo4j

import (
	"regexp"

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

// nodeProps returns every property of a record node, _rec included: writes
// replace a node's properties as a whole (SET n = props).
func nodeProps(r *model.Record, enc []byte) map[string]any {
	p := map[string]any{"id": r.ID, "name": r.Name, propRec: enc}
	setStr(p, "source", r.Source)
	switch r.Kind {
	case model.KindEntity:
		setStr(p, "type", r.Type)
		setStr(p, "country", r.Country)
		if len(r.Aliases) > 0 {
			p["aliases"] = r.Aliases
		}
		setIdentifiers(p, r.Identifiers)
	case model.KindProduct:
		setStr(p, "category", r.Category)
		setIdentifiers(p, r.Identifiers)
	case model.KindRegime:
		setStr(p, "spec", string(r.Spec))
	}
	return p
}

// setIdentifiers stores identifiers twice: as the list `identifiers` of
// "scheme:value" strings (all of them), and flattened as one property per
// scheme (`lei`, `uscc`, `purl`...) when the scheme is a plain lower-case name
// that no other property uses.
func setIdentifiers(p map[string]any, ids []model.Identifier) {
	if len(ids) == 0 {
		return
	}
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = id.Scheme + ":" + id.Value
		if schemeName.MatchString(id.Scheme) && !reservedProps[id.Scheme] {
			p[id.Scheme] = id.Value
		}
	}
	p["identifiers"] = list
}

// relProps returns every property of a record relationship.
func relProps(r *model.Record, enc []byte) map[string]any {
	p := map[string]any{propKey: int64(r.Valid.From), propRec: enc}
	if r.Valid.From != model.MinDate {
		p["from"] = dbtype.Date(r.Valid.From.Time())
	}
	if r.Valid.To != model.MaxDate {
		p["to"] = dbtype.Date(r.Valid.To.Time())
	}
	setStr(p, "source", r.Source)
	switch r.Kind {
	case model.KindOwnership:
		switch r.Share.Mode {
		case model.ShareExact:
			p["percent"] = model.Percent(uint64(r.Share.Min))
		case model.ShareRange:
			p["percentMin"] = model.Percent(uint64(r.Share.Min))
			p["percentMax"] = model.Percent(uint64(r.Share.Max))
		}
	case model.KindControl:
		setStr(p, "basis", r.Basis)
	case model.KindComponent:
		p["essential"] = r.Essential
		if r.Quantity != nil {
			p["quantity"] = *r.Quantity
		}
	case model.KindSourcing:
		setStr(p, "role", r.Role)
	case model.KindListing:
		setStr(p, "reference", r.Reference)
		if len(r.Categories) > 0 {
			p["categories"] = r.Categories
		}
	case model.KindSameAs:
		setStr(p, "reason", r.Reason)
	}
	return p
}

func setStr(p map[string]any, k, v string) {
	if v != "" {
		p[k] = v
	}
}
