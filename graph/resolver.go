// Package graph is the GraphQL layer: gqlgen's generated code (graph/generated,
// graph/model) and thin resolvers that validate, call the service, convert and
// return. No rules and no store code live here.
package graph

//go:generate go tool gqlgen generate

import (
	"github.com/keiretsu/keiretsu/internal/service"
)

// Resolver is the root resolver; it holds what every request needs.
type Resolver struct {
	Svc *service.Service
}
