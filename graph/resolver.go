// Package graph is the GraphQL layer: gqlgen's generated code (graph/generated,
// graph/gql) and thin resolvers that validate, call the View, convert and
// return. No rules and no store code live here: every read goes to a View,
// the consumer-side interface below, which service.View implements and tests
// fake. graph/fastpath writes the busiest screening answers without gqlgen's
// executor, inside the same hooks.
//
// Package names: internal/model is imported as domain and graph/gql as gql.
package graph

//go:generate go tool gqlgen generate

import (
	"context"

	"github.com/keiretsu/keiretsu/internal/history"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/search"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// View is one consistent state of the data, as the resolvers read it. Every
// method is safe for concurrent use; one request reads one View.
type View interface {
	// Version is the dataVersion of the state.
	Version() string
	// Regimes are every loaded regime; Regime is one of them by id, or nil.
	Regimes() []*rules.Regime
	Regime(id string) *rules.Regime
	// ScreenProduct, ScreenEntity and ScreenProducts screen on asOf (nil:
	// today) under regimes (none: the default set); unknown ids are
	// domain.ErrNotFound, bad arguments domain.ErrBadInput.
	ScreenProduct(ctx context.Context, id string, asOf *domain.Date, regimes []string) (*rules.Screening, error)
	ScreenEntity(ctx context.Context, id string, asOf *domain.Date, regimes []string) (*rules.Screening, error)
	ScreenProducts(ctx context.Context, ids []string, asOf *domain.Date, regimes []string) ([]*rules.Screening, error)
	// Nodes returns node records by id: a placeholder for ids only edges name,
	// nil for unknown ids.
	Nodes(ctx context.Context, kind domain.Kind, ids []string) ([]*domain.Record, error)
	// Edges returns the edge records of a kind at a node in a direction, valid
	// on asOf (nil: of any date).
	Edges(ctx context.Context, kind domain.Kind, id string, dir domain.Direction, asOf *domain.Date) ([]*domain.Record, error)
	// Records returns stored records by key, nil where none is stored.
	Records(ctx context.Context, keys []domain.Key) ([]*domain.Record, error)
	// Defined reports whether a record defines the node.
	Defined(kind domain.Kind, id string) bool
	// Search finds nodes by id, name, alias or identifier, best first.
	Search(text string, limit int) []search.Hit
}

// Views gives each request the View it reads: the current state of the data.
type Views interface {
	Current() View
}

// History is implemented by Views over a store that keeps its history
// (contract section 6.2): the run log and the retained past states.
type History interface {
	Views
	// At returns the View of the state a retained run produced, or an error
	// wrapping domain.ErrBadInput when no retained run produced version.
	At(ctx context.Context, version string) (View, error)
	// Runs returns the last runs of the run log, oldest first.
	Runs(ctx context.Context, last int) ([]*history.Run, error)
}

// Watching is implemented by Views over a store that keeps watches and their
// events (contract section 6.3).
type Watching interface {
	Views
	// Watches returns every watch, in the order they were added.
	Watches(ctx context.Context) ([]watch.Watch, error)
	// Events returns the first limit events with seq > since, oldest first.
	Events(ctx context.Context, since, limit int) ([]*watch.Event, error)
}

// ViewFunc makes a function a Views.
type ViewFunc func() View

// Current calls f.
func (f ViewFunc) Current() View { return f() }

// Resolver is the root resolver.
type Resolver struct {
	Views Views
}
