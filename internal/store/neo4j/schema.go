package neo4j

import (
	"context"
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
)

// migrate applies the schema and creates the meta node. Every step is
// idempotent, so concurrent Opens are safe.
func (s *Store) migrate(ctx context.Context) error {
	for _, q := range schema {
		if _, err := s.query(ctx, q, nil, false); err != nil && !isCode(err, "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists") {
			return fmt.Errorf("apply schema: %w", err)
		}
	}
	if _, err := s.query(ctx, "CALL db.awaitIndexes(300)", nil, false); err != nil {
		return fmt.Errorf("wait for indexes: %w", err)
	}
	if _, err := s.query(ctx, cypherMetaLockInit, nil, false); err != nil {
		return fmt.Errorf("create bookkeeping lock: %w", err)
	}
	res, err := s.query(ctx, cypherInitMeta, map[string]any{"format": int64(formatVersion), "zero": model.Hash{}.Bytes()}, false)
	if err != nil {
		return fmt.Errorf("create meta node: %w", err)
	}
	if len(res.Records) != 1 {
		return errors.New("create meta node: no meta node")
	}
	f, _, err := neo4j.GetRecordValue[int64](res.Records[0], "format")
	if err != nil {
		return fmt.Errorf("read store format: %w", err)
	}
	if f != formatVersion {
		return fmt.Errorf("store format %d, this keiretsu reads %d", f, formatVersion)
	}
	return nil
}

// isCode reports whether err is a Neo4j error with this code.
func isCode(err error, code string) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && ne.Code == code
}
