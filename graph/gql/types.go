// Package gql holds the GraphQL models: the ones gqlgen generates
// (models_gen.go) and the screening answer types below, which carry the ids and
// edge keys their field resolvers look up.
package gql

import (
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// Screening is the answer for one subject.
type Screening struct {
	SubjectID   string
	AsOf        domain.Date
	Verdict     Verdict
	Results     []*RegimeResult
	Gaps        []*Gap
	DataVersion string
}

// RegimeResult is one regime's answer.
type RegimeResult struct {
	Regime   *rules.Regime
	Verdict  Verdict
	Findings []*Finding
}

// Finding is one restricted entity met. Entity and ListedEntity are looked up
// only when a query selects them.
type Finding struct {
	Verdict          Verdict
	EntityID         string
	ListedEntityID   string
	Entity           *domain.Record
	ListedEntity     *domain.Record
	Basis            Basis
	Seed             SeedKind
	AggregatePercent *float64
	Path             []*Hop
}

// Hop is one stored edge of a path; Source is looked up by Key only when a query
// selects it.
type Hop struct {
	Kind       HopKind
	From       string
	To         string
	Percent    *float64
	PercentMin *float64
	PercentMax *float64
	ValidFrom  *domain.Date
	ValidTo    *domain.Date
	Key        domain.Key
	Source     *string
	Site       *string
	// Criterion: a CRITERION hop, whose Source is set and looked up nowhere.
	Criterion bool
	// FromNode and ToNode are the records at its ends (*domain.Record for an
	// entity, *Product, *rules.Regime), filled only when a query selects them.
	FromNode, ToNode HopNode
}

// HopNode is the record at one end of a hop: a *domain.Record of an entity, a
// *Product or a *rules.Regime.
type HopNode any

// Product is a product's record. It is a type of its own, not
// *domain.Record as an entity is, so that a HopNode tells the two apart.
// Convert with (*Product)(rec) and (*domain.Record)(p).
type Product domain.Record

// AsProduct is rec as a Product (nil for nil).
func AsProduct(rec *domain.Record) *Product { return (*Product)(rec) }

// Record is p's record.
func (p *Product) Record() *domain.Record { return (*domain.Record)(p) }

// CategoryOrNil is the category, nil when empty.
func (p *Product) CategoryOrNil() *string { return p.Record().CategoryOrNil() }

// SourceOrNil is the source, nil when empty.
func (p *Product) SourceOrNil() *string { return p.Record().SourceOrNil() }

// IdentifierList is the identifiers, never nil.
func (p *Product) IdentifierList() []*domain.Identifier { return p.Record().IdentifierList() }

// Gap is a product with no known producer.
type Gap struct {
	ProductID string
	Reason    string
}
