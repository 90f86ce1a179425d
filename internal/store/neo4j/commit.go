package neo4j

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
)

// errBusy is returned inside a commit transaction when scans are registered;
// the commit waits for them and tries again.
var errBusy = errors.New("scans running")

// Kinds of commit marker.
const (
	applyRun  = "run"
	applyWipe = "wipe"
)

// wipeChunk is how many relationships or nodes one wipe transaction deletes.
const wipeChunk = 10_000

// untilIdle runs a commit transaction again while it fails with errBusy.
func untilIdle[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	wait := 20 * time.Millisecond
	logged := false
	for {
		v, err := write(ctx, s, work)
		if !errors.Is(err, errBusy) {
			return v, err
		}
		if !logged {
			s.log.Info().Msg("commit waiting for running scans to finish")
			logged = true
		}
		if err := sleep(ctx, wait); err != nil {
			return v, err
		}
		wait = min(wait*2, 500*time.Millisecond)
	}
}

// logFromAfter returns the new start of the change log after run pos.
func (s *Store) logFromAfter(m meta, pos int64, logged bool) int64 {
	if !logged {
		return pos
	}
	return max(m.logFrom, pos-int64(s.cfg.KeepRuns))
}

// commitSmall applies a whole run in one transaction.
// When fresh, the run started on an empty store, so no relationship it puts
// exists yet.
func (s *Store) commitSmall(ctx context.Context, owner string, ops []op, fresh bool) (model.Hash, error) {
	ops, err := dedupe(ops)
	if err != nil {
		return model.Hash{}, fmt.Errorf("commit run: %w", err)
	}
	logged := len(ops) <= s.cfg.LogMax
	var blob []byte
	if logged {
		blob = encodeOps(ops)
	}
	h, err := untilIdle(ctx, s, func(tx neo4j.ManagedTransaction) (model.Hash, error) {
		m, err := lockMeta(ctx, tx, owner)
		if err != nil {
			return model.Hash{}, err
		}
		if err := checkWriter(m); err != nil {
			return model.Hash{}, err
		}
		if m.busy {
			return model.Hash{}, errBusy
		}
		var fb *bloom
		if fresh {
			fb = newBloom(0)
		}
		delta, err := applyOps(ctx, tx, ops, fb)
		if err != nil {
			return model.Hash{}, err
		}
		pos := m.position + 1
		if logged {
			if err := run(ctx, tx, cypherLogPut, map[string]any{"pos": pos, "seq": int64(0), "ops": blob, "n": int64(len(ops))}); err != nil {
				return model.Hash{}, fmt.Errorf("write change log: %w", err)
			}
		}
		h := m.hash.Add(delta)
		return h, run(ctx, tx, cypherFinish, map[string]any{"hash": h.Bytes(), "pos": pos, "logFrom": s.logFromAfter(m, pos, logged)})
	})
	if err != nil {
		return model.Hash{}, fmt.Errorf("commit run: %w", err)
	}
	return h, nil
}

func checkWriter(m meta) error {
	if !m.fenced {
		return errLeaseLost
	}
	if m.applying != "" {
		return fmt.Errorf("run %s is still being applied", m.applying)
	}
	return nil
}

// markCommit sets the commit marker: the commit point of a staged run or a
// wipe. From here on the run is applied, by this process or, if it dies, by the
// next one to open the store.
func (s *Store) markCommit(ctx context.Context, owner, runID, kind string, batches int64, logged bool) error {
	_, err := untilIdle(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		m, err := lockMeta(ctx, tx, owner)
		if err != nil {
			return struct{}{}, err
		}
		if err := checkWriter(m); err != nil {
			return struct{}{}, err
		}
		if m.busy {
			return struct{}{}, errBusy
		}
		return struct{}{}, run(ctx, tx, cypherMarkCommit, map[string]any{
			"run": runID, "kind": kind, "pos": m.position + 1, "hash": m.hash.Bytes(),
			"batches": batches, "log": logged,
		})
	})
	if err != nil {
		return fmt.Errorf("set commit marker: %w", err)
	}
	return nil
}

// rollForward applies the marked commit, if any, to the end: one transaction
// per staged batch (or wipe chunk), each also advancing the marker's progress
// and working hash, then one that publishes the result. It returns the
// committed hash and position. fresh is the run's filter of relationship keys
// (see applyOps) when the run started on an empty store; nil otherwise.
func (s *Store) rollForward(ctx context.Context, owner string, fresh *bloom) (model.Hash, int64, error) {
	started := false
	for {
		type step struct {
			done bool
			hash model.Hash
			pos  int64
		}
		st, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (step, error) {
			m, err := lockMeta(ctx, tx, owner)
			if err != nil {
				return step{}, err
			}
			if !m.fenced {
				return step{}, errLeaseLost
			}
			if m.applying == "" {
				return step{done: true, hash: m.hash, pos: m.position}, nil
			}
			if !started {
				s.log.Info().Str("run", m.applying).Str("kind", m.applyKind).Int64("batches", m.applyBatches).
					Int64("next", m.applyNext).Msg("applying committed run")
			}
			switch m.applyKind {
			case applyWipe:
				return step{}, s.wipeStep(ctx, tx, m)
			case applyRun:
				return step{}, s.applyStep(ctx, tx, m, fresh)
			}
			return step{}, fmt.Errorf("unknown commit marker kind %q", m.applyKind)
		})
		if err != nil {
			return model.Hash{}, 0, fmt.Errorf("apply committed run: %w", err)
		}
		if st.done {
			return st.hash, st.pos, nil
		}
		started = true
	}
}

// applyStep applies the next staged batch, or publishes the run after the last.
func (s *Store) applyStep(ctx context.Context, tx neo4j.ManagedTransaction, m meta, fresh *bloom) error {
	if m.applyNext >= m.applyBatches {
		return run(ctx, tx, cypherFinish, map[string]any{
			"hash": m.applyHash.Bytes(), "pos": m.applyPos, "logFrom": s.logFromAfter(m, m.applyPos, m.applyLog),
		})
	}
	key := map[string]any{"run": m.applying, "seq": m.applyNext}
	res, err := tx.Run(ctx, cypherStageGet, key)
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return fmt.Errorf("read staged batch %d: %w", m.applyNext, err)
	}
	blob, _, err := neo4j.GetRecordValue[[]byte](rec, "ops")
	if err != nil {
		return fmt.Errorf("read staged batch %d: %w", m.applyNext, err)
	}
	ops, err := decodeOps(blob)
	if err == nil {
		ops, err = dedupe(ops)
	}
	if err != nil {
		return fmt.Errorf("staged batch %d: %w", m.applyNext, err)
	}
	delta, err := applyOps(ctx, tx, ops, fresh)
	if err != nil {
		return err
	}
	if m.applyLog {
		key["pos"] = m.applyPos
		err = run(ctx, tx, cypherStageToLog, key)
	} else {
		err = run(ctx, tx, cypherStageDelete, key)
	}
	if err != nil {
		return fmt.Errorf("retire staged batch %d: %w", m.applyNext, err)
	}
	s.log.Debug().Str("run", m.applying).Int64("batch", m.applyNext).Int("ops", len(ops)).Msg("applied staged batch")
	return run(ctx, tx, cypherApplyProgress, map[string]any{"hash": m.applyHash.Add(delta).Bytes(), "next": m.applyNext + 1})
}

// recover, holding the writer lease, finishes a marked commit and drops staged
// batches of runs that never reached their commit point, and expired scan
// registrations.
func (s *Store) recover(ctx context.Context, owner string) error {
	if _, _, err := s.rollForward(ctx, owner, nil); err != nil {
		return err
	}
	dropped, err := s.dropStaged(ctx, nil)
	if err != nil {
		return err
	}
	if dropped > 0 {
		s.log.Info().Int64("batches", dropped).Msg("dropped staged batches of an unfinished run")
	}
	if _, err := s.query(ctx, cypherReadersExpire, nil, false); err != nil {
		return fmt.Errorf("drop expired scan registrations: %w", err)
	}
	return nil
}

// dropStaged deletes the staged batches of run (all runs when nil).
func (s *Store) dropStaged(ctx context.Context, runID any) (int64, error) {
	var total int64
	for {
		res, err := s.query(ctx, cypherStageDrop, map[string]any{"run": runID}, false)
		if err != nil {
			return total, fmt.Errorf("drop staged batches: %w", err)
		}
		n, _, err := getInt(res)
		if err != nil {
			return total, fmt.Errorf("drop staged batches: %w", err)
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}
