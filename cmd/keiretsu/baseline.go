package main

import (
	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/bench"
)

// cypherBaseline returns the bounded-Cypher baseline runner for a Neo4j URI, or
// nil when this build has none.
func cypherBaseline(uri string, log zerolog.Logger) bench.CypherRunner { return nil }
