package model

// Accessors for presenting records (the GraphQL layer binds fields to them): the
// optional values of the native format as nil when absent, lists as empty rather
// than nil. They compute nothing else.

// Optional returns nil for "", else a pointer to s.
func Optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// OptionalDate returns nil for an open bound, else a pointer to d.
func OptionalDate(d Date) *Date {
	if d.IsOpen() {
		return nil
	}
	return &d
}

// CountryOrNil is the entity's country, nil when unknown.
func (r *Record) CountryOrNil() *string { return Optional(r.Country) }

// HQCountryOrNil is the entity's headquarters country, nil when unknown.
func (r *Record) HQCountryOrNil() *string { return Optional(r.HQCountry) }

// SiteOrNil is a sourcing edge's place of production, nil when unknown.
func (r *Record) SiteOrNil() *string { return Optional(r.Site) }

// CategoryOrNil is the product's category, nil when it has none.
func (r *Record) CategoryOrNil() *string { return Optional(r.Category) }

// SourceOrNil is the record's provenance, nil when it has none.
func (r *Record) SourceOrNil() *string { return Optional(r.Source) }

// BasisOrNil is a control edge's basis, nil when not given.
func (r *Record) BasisOrNil() *string { return Optional(r.Basis) }

// ReferenceOrNil is a listing's reference, nil when not given.
func (r *Record) ReferenceOrNil() *string { return Optional(r.Reference) }

// ReasonOrNil is a same_as link's reason, nil when not given.
func (r *Record) ReasonOrNil() *string { return Optional(r.Reason) }

// AliasList is the entity's aliases, never nil.
func (r *Record) AliasList() []string {
	if r.Aliases == nil {
		return []string{}
	}
	return r.Aliases
}

// CategoryList is a listing's categories, never nil.
func (r *Record) CategoryList() []string {
	if r.Categories == nil {
		return []string{}
	}
	return r.Categories
}

// IdentifierList is the node's identifiers, never nil.
func (r *Record) IdentifierList() []*Identifier {
	out := make([]*Identifier, len(r.Identifiers))
	for i := range r.Identifiers {
		out[i] = &r.Identifiers[i]
	}
	return out
}

// FromOrNil is the fact's first day, nil when open.
func (r *Record) FromOrNil() *Date { return OptionalDate(r.Valid.From) }

// ToOrNil is the day the fact ends (exclusive), nil when open.
func (r *Record) ToOrNil() *Date { return OptionalDate(r.Valid.To) }

// PercentOrNil is an ownership edge's exact percent, nil for a range or unknown.
func (r *Record) PercentOrNil() *float64 {
	if r.Share.Mode != ShareExact {
		return nil
	}
	p := Percent(uint64(r.Share.Min))
	return &p
}

// PercentMin is the lower bound of an ownership edge's share (0 when unknown).
func (r *Record) PercentMin() float64 { return Percent(uint64(r.Share.Min)) }

// PercentMax is the upper bound of an ownership edge's share (100 when unknown).
func (r *Record) PercentMax() float64 { return Percent(uint64(r.Share.Max)) }

// Direction says which edges of a node a read wants, relative to the node.
type Direction bool

// Directions: Out for edges stored from the node (owned, controlled,
// components, sources, listings), In for edges stored towards it (owners,
// controllers, usedIn, the products sourced from an entity).
const (
	Out Direction = true
	In  Direction = false
)

// Placeholder is the record shown for an id that edges name but no record
// defines: its id as its name (entities are companies).
func Placeholder(kind Kind, id string) *Record {
	r := &Record{Kind: kind, ID: id, Name: id}
	if kind == KindEntity {
		r.Type = TypeCompany
	}
	return r
}
