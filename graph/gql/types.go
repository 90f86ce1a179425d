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
}

// Gap is a product with no known producer.
type Gap struct {
	ProductID string
	Reason    string
}
