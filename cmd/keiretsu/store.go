package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
	neo4jstore "github.com/keiretsu/keiretsu/internal/store/neo4j"
)

// DefaultDataDir is the embedded store used when nothing else is named.
const DefaultDataDir = "keiretsu-data"

// storeSpec is where a command's store is.
type storeSpec struct {
	neo4jURI string
	dir      string
}

// resolveStore applies CONTRACT section 1: an explicit STORE or flag first, then
// $KEIRETSU_NEO4J_URI, then $KEIRETSU_DATA, then ./keiretsu-data.
func (c *common) resolveStore() storeSpec {
	switch {
	case c.store != "" && isURI(c.store):
		return storeSpec{neo4jURI: c.store}
	case c.store != "":
		return storeSpec{dir: c.store}
	case c.neo4j != "":
		return storeSpec{neo4jURI: c.neo4j}
	case c.data != "":
		return storeSpec{dir: c.data}
	case os.Getenv("KEIRETSU_NEO4J_URI") != "":
		return storeSpec{neo4jURI: os.Getenv("KEIRETSU_NEO4J_URI")}
	case os.Getenv("KEIRETSU_DATA") != "":
		return storeSpec{dir: os.Getenv("KEIRETSU_DATA")}
	}
	return storeSpec{dir: DefaultDataDir}
}

// openStore opens the command's store; readOnly applies to the embedded store
// (a shared lock, so several readers run at once).
func (c *common) openStore(ctx context.Context, log zerolog.Logger, readOnly bool) (store.Store, error) {
	spec := c.resolveStore()
	if spec.neo4jURI != "" {
		return openNeo4j(ctx, spec.neo4jURI, log)
	}
	st, err := embedded.Open(spec.dir, embedded.Options{ReadOnly: readOnly})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// openNeo4j opens the Neo4j store of record; user, password and database come
// from $KEIRETSU_NEO4J_USER, $KEIRETSU_NEO4J_PASSWORD, $KEIRETSU_NEO4J_DATABASE.
func openNeo4j(ctx context.Context, uri string, log zerolog.Logger) (store.Store, error) {
	st, err := neo4jstore.Open(ctx, neo4jstore.Config{
		URI:      uri,
		User:     os.Getenv("KEIRETSU_NEO4J_USER"),
		Password: os.Getenv("KEIRETSU_NEO4J_PASSWORD"),
		Database: os.Getenv("KEIRETSU_NEO4J_DATABASE"),
		Log:      log,
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// onlyStore takes the optional positional STORE and rejects any other argument.
func (c *common) onlyStore() error {
	c.takeStore(false)
	if len(c.positionals) > 0 {
		return errors.New("unexpected arguments: " + c.positionals[0])
	}
	return nil
}

// open builds the logger and opens the command's store.
func (c *common) open(ctx context.Context, readOnly bool) (zerolog.Logger, store.Store, error) {
	log, err := c.logger()
	if err != nil {
		return log, nil, err
	}
	st, err := c.openStore(ctx, log, readOnly)
	return log, st, err
}

// projectionFile is where the service keeps st's persisted projection: beside
// an embedded store's data; for Neo4j in the user's cache directory, one file
// per server and database (a file names the dataVersion it was built from,
// so two stores sharing a file would only cost each other rebuilds, never
// answers). "" when there is no such place.
func projectionFile(st store.Store, log zerolog.Logger) string {
	if emb, ok := st.(*embedded.Store); ok {
		return filepath.Join(emb.Dir(), embedded.ProjectionFileName)
	}
	dir, err := os.UserCacheDir()
	if err == nil {
		dir = filepath.Join(dir, "keiretsu", "projection")
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		log.Warn().Err(err).Msg("no directory for the projection file: the projection is built at every start")
		return ""
	}
	id := sha256.Sum256([]byte(st.Describe()))
	return filepath.Join(dir, hex.EncodeToString(id[:8])+".img")
}
