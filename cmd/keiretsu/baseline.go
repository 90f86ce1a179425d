package main

import (
	"context"
	"sync"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/bench"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
	neo4jstore "github.com/keiretsu/keiretsu/internal/store/neo4j"
)

// cypherBaseline returns the bounded-Cypher baseline runner of `bench --neo4j`: a
// store of its own on the same database, opened on first use.
func cypherBaseline(uri string, log zerolog.Logger) bench.CypherRunner {
	var once sync.Once
	var st *neo4jstore.Store
	var openErr error
	return func(ctx context.Context, product, regime string, asOf model.Date) (bool, error) {
		once.Do(func() {
			var s store.Store
			s, openErr = openNeo4j(ctx, uri, log)
			if openErr == nil {
				st = s.(*neo4jstore.Store)
			}
		})
		if openErr != nil {
			return false, openErr
		}
		return st.BaselineExposed(ctx, product, regime, asOf)
	}
}
