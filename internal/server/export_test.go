package server

// NewGraphQLWith builds the GraphQL handler with another POST transport.
var NewGraphQLWith = newGraphQL
