package neo4j

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
)

// Wipe deletes every record, with the placeholders, staged batches and change
// log, resets the content hash to zero and restarts the change log (the
// position still grows, so followers see ErrResync). Like a large run it sets a
// commit marker and deletes in chunks, so readers wait instead of seeing half a
// wipe, and a killed wipe is finished by the next process.
func (s *Store) Wipe(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner := newID()
	if err := s.acquireLease(ctx, owner); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	ren := s.renew(cypherLeaseRenew, map[string]any{"owner": owner, "ttl": s.cfg.LeaseTTL.Milliseconds()})
	defer func() {
		ren.close()
		s.releaseLease(context.WithoutCancel(ctx), owner)
	}()
	if err := s.recover(ctx, owner); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	if err := s.markCommit(ctx, owner, "wipe-"+owner, applyWipe, 0, false); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	if _, _, err := s.rollForward(ctx, owner, nil); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	s.log.Info().Msg("store wiped")
	return nil
}

// wipeStep deletes one chunk, or publishes the empty state when nothing is left.
func (s *Store) wipeStep(ctx context.Context, tx neo4j.ManagedTransaction, m meta) error {
	if deleted, err := deleteChunk(ctx, tx, cypherWipeRels, cypherWipeNodes); err != nil || deleted {
		return err
	}
	return run(ctx, tx, cypherFinish, map[string]any{"hash": model.Hash{}.Bytes(), "pos": m.applyPos, "logFrom": m.applyPos})
}

// deleteChunk runs the delete queries in order (each deletes up to wipeChunk
// and returns the count as n) until one deletes something, and reports whether
// one did.
func deleteChunk(ctx context.Context, tx neo4j.ManagedTransaction, queries ...string) (bool, error) {
	for _, q := range queries {
		res, err := tx.Run(ctx, q, map[string]any{"limit": int64(wipeChunk)})
		if err != nil {
			return false, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return false, err
		}
		n, _, err := neo4j.GetRecordValue[int64](rec, "n")
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}
