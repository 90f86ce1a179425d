package model

import (
	"fmt"
	"strings"
)

// Kind is what a record is: a node (entity, product) or a fact between two nodes.
type Kind uint8

// The record kinds. The numeric values are part of the storage format: never reorder.
const (
	KindEntity Kind = iota + 1
	KindProduct
	KindOwnership
	KindControl
	KindComponent
	KindSourcing
	KindListing
	KindSameAs
	KindRegime
)

var kindNames = [...]string{
	KindEntity: "entity", KindProduct: "product", KindOwnership: "ownership", KindControl: "control",
	KindComponent: "component", KindSourcing: "sourcing", KindListing: "listing", KindSameAs: "same_as",
	KindRegime: "regime",
}

// Kinds lists every kind in storage order.
var Kinds = []Kind{KindEntity, KindProduct, KindOwnership, KindControl, KindComponent, KindSourcing, KindListing, KindSameAs, KindRegime}

// String is the kind's name in the native format.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind returns the kind named s in the native format.
func ParseKind(s string) (Kind, bool) {
	for k, n := range kindNames {
		if n != "" && n == s {
			return Kind(k), true
		}
	}
	return 0, false
}

// IsNode reports whether records of this kind are nodes keyed by id alone.
func (k Kind) IsNode() bool { return k == KindEntity || k == KindProduct || k == KindRegime }

// Ends names the two end fields of an edge kind in the native format (and the node
// kinds they refer to). Listing's second end is a regime id.
func (k Kind) Ends() (src, dst string, srcKind, dstKind Kind) {
	switch k {
	case KindOwnership:
		return "owner", "owned", KindEntity, KindEntity
	case KindControl:
		return "controller", "controlled", KindEntity, KindEntity
	case KindComponent:
		return "parent", "child", KindProduct, KindProduct
	case KindSourcing:
		return "product", "entity", KindProduct, KindEntity
	case KindListing:
		return "entity", "regime", KindEntity, KindRegime
	case KindSameAs:
		return "a", "b", KindEntity, KindEntity
	}
	return "", "", 0, 0
}

// Entity types.
const (
	TypeCompany      = "company"
	TypePerson       = "person"
	TypeStateBody    = "state_body"
	TypeOrganization = "organization"
)

// EntityTypes are the valid entity types.
var EntityTypes = []string{TypeCompany, TypePerson, TypeStateBody, TypeOrganization}

// ControlBases are the valid bases of a control edge.
var ControlBases = []string{"board", "voting", "agreement", "dominant_influence", "de_facto", "consolidation", "other"}

// SourcingRoles are the valid roles of a sourcing edge.
var SourcingRoles = []string{"manufacturer", "supplier"}

// Identifier is one external identifier of a node, such as {lei, 5493001KJTIIGC8Y1R12}.
type Identifier struct {
	Scheme, Value string
}

// Record is one entity, product, regime definition or fact. Which fields mean
// something depends on Kind; the others are zero. Edges use Src and Dst for their
// two ends in stored direction (owner->owned, controller->controlled, parent->child,
// product->entity, entity->regime, a->b).
type Record struct {
	Kind Kind

	// Nodes.
	ID          string
	Name        string
	Type        string // entity: company (default), person, state_body, organization
	Country     string // entity: ISO 3166 alpha-2 of incorporation (a person's nationality)
	HQCountry   string // entity: ISO 3166 alpha-2 of the headquarters or principal place of business
	Category    string // product
	Aliases     []string
	Identifiers []Identifier // sorted by scheme
	Spec        []byte       // regime: the JSON definition

	// Edges.
	Src, Dst   string
	Valid      Period
	Share      Share    // ownership
	Basis      string   // control
	Quantity   *float64 // component
	Essential  bool     // component (true unless the record says false)
	Role       string   // sourcing
	Site       string   // sourcing: where the product is made, ISO 3166-1 alpha-2 or ISO 3166-2
	Reference  string   // listing
	Categories []string // listing
	Reason     string   // same_as

	Source string
}

// Key identifies a record for upserts and deletes: a node by (kind, id), an edge by
// (kind, its two ends, from).
type Key struct {
	Kind     Kind
	Src, Dst string // nodes: Src is the id, Dst is empty
	From     Date   // nodes: MinDate
}

// Key returns the record's key.
func (r *Record) Key() Key {
	if r.Kind.IsNode() {
		return Key{Kind: r.Kind, Src: r.ID, From: MinDate}
	}
	return Key{Kind: r.Kind, Src: r.Src, Dst: r.Dst, From: r.Valid.From}
}

// String renders the key for messages, e.g. "ownership hw-holding->hw from 2019-01-01".
func (k Key) String() string {
	if k.Kind.IsNode() {
		return k.Kind.String() + " " + k.Src
	}
	s := k.Kind.String() + " " + k.Src + "->" + k.Dst
	if k.From != MinDate {
		s += " from " + k.From.String()
	}
	return s
}

// Share is an ownership stake: an exact percent, a range, or unknown (0..100).
// Bounds are in millionths of a percent (100% = Whole), so sums compare exactly.
type Share struct {
	Min, Max uint32
	Mode     ShareMode
}

// ShareMode says how a Share was given.
type ShareMode uint8

// Share modes.
const (
	ShareUnknown ShareMode = iota // no percent given: 0..100
	ShareExact                    // percent
	ShareRange                    // percentMin / percentMax
)

// Whole is 100% in Share units.
const Whole = 100_000_000

// UnknownShare is the share of an ownership edge with no percent.
var UnknownShare = Share{Min: 0, Max: Whole, Mode: ShareUnknown}

// ShareFromPercent converts a percent in [0, 100] to Share units, rounding to the nearest unit.
func ShareFromPercent(p float64) uint32 { return uint32(p*1e6 + 0.5) }

// Percent converts Share units back to a percent.
func Percent(u uint64) float64 { return float64(u) / 1e6 }

// Exact returns an exact share of p percent.
func Exact(p float64) Share {
	u := ShareFromPercent(p)
	return Share{Min: u, Max: u, Mode: ShareExact}
}

// Normalize fills defaults that the native format leaves implicit, so that equal
// facts have equal encodings: entity type company, sourcing role manufacturer,
// sorted identifiers, same_as ends in order.
func (r *Record) Normalize() {
	switch r.Kind {
	case KindEntity:
		if r.Type == "" {
			r.Type = TypeCompany
		}
		r.Country = strings.ToUpper(r.Country)
		r.HQCountry = strings.ToUpper(r.HQCountry)
	case KindSourcing:
		if r.Role == "" {
			r.Role = "manufacturer"
		}
		r.Site = strings.ToUpper(r.Site)
	case KindSameAs:
		if r.Dst < r.Src {
			r.Src, r.Dst = r.Dst, r.Src
		}
	}
	sortIdentifiers(r.Identifiers)
}

func sortIdentifiers(ids []Identifier) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j].Scheme < ids[j-1].Scheme; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}

// Identifier returns the value of the node's identifier in scheme, or "".
func (r *Record) Identifier(scheme string) string {
	for _, id := range r.Identifiers {
		if id.Scheme == scheme {
			return id.Value
		}
	}
	return ""
}
