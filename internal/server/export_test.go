package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// NewGraphQLWith builds the GraphQL handler with another POST transport.
var NewGraphQLWith = newGraphQL

// NewPost returns the server's POST transport with fast as its fast path (nil
// for none).
func NewPost(fast func(context.Context, *graphql.OperationContext) ([]byte, bool)) graphql.Transport {
	return post{fast: fast}
}
