package neo4j

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
)

// errBusy is returned inside a commit transaction when scans are registered;
// the commit waits for them and tries again.
var errBusy = errors.New("scans running")

// Kinds of commit marker: a staged run (applyParts; applyRun is a run staged
// by an older keiretsu, whose batches are applied in one stream) or a wipe.
const (
	applyRun   = "run"
	applyParts = "parts"
	applyWipe  = "wipe"
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
// When fresh, the run started on a store without record nodes.
func (s *Store) commitSmall(ctx context.Context, owner string, ops []op, fresh bool) (model.Hash, error) {
	p, err := planOps(ops)
	if err != nil {
		return model.Hash{}, fmt.Errorf("commit run: %w", err)
	}
	logged := len(p.ops) <= s.cfg.LogMax
	var blob []byte
	if logged {
		blob = encodeOps(p.ops)
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
		res, err := applyOps(ctx, tx, p, batchEnv{cache: newRunCache(fresh, 1, 0)})
		if err != nil {
			return model.Hash{}, err
		}
		pos := m.position + 1
		if logged {
			if err := run(ctx, tx, cypherLogPut, map[string]any{"pos": pos, "seq": int64(0), "ops": blob, "n": int64(len(p.ops))}); err != nil {
				return model.Hash{}, fmt.Errorf("write change log: %w", err)
			}
		}
		h := m.hash.Add(res.delta)
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

// rollForward applies the marked commit, if any, to the end, and returns the
// committed hash and position. A wipe deletes in chunks, one transaction each
// under the meta lock; a run is applied by applyRun. cache is the run's (see
// runCache) when the process that staged it applies it; nil otherwise.
func (s *Store) rollForward(ctx context.Context, owner string, cache *runCache) (model.Hash, int64, error) {
	started := false
	for {
		type step struct {
			done bool
			hash model.Hash
			pos  int64
			run  *meta
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
			if !started && m.applyKind == applyLoad {
				s.log.Info().Str("run", m.applying).Msg("undoing a load that did not publish")
			} else if !started {
				s.log.Info().Str("run", m.applying).Str("kind", m.applyKind).Int64("batches", m.applyBatches).
					Msg("applying committed run")
			}
			switch m.applyKind {
			case applyLoad:
				return step{}, s.undoLoadStep(ctx, tx, m)
			case applyWipe:
				return step{}, s.wipeStep(ctx, tx, m)
			case applyRun, applyParts:
				return step{run: &m}, nil
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
		if st.run != nil {
			h, pos, err := s.applyRun(ctx, owner, *st.run, cache)
			if err != nil {
				return model.Hash{}, 0, fmt.Errorf("apply committed run %s: %w", st.run.applying, err)
			}
			return h, pos, nil
		}
	}
}

// applyRun applies a committed staged run: the batches of each phase (node
// records, then relationships), the partitions of a phase concurrently and the
// batches of one partition in order; then it removes the placeholders that the
// run's deletes left without relationships, and publishes the run.
//
// Apply transactions do not lock the meta node. Each applies its batch exactly
// once: it starts by locking the batch's staging node and reading whether it
// was applied, and marks it applied (with its change of the content hash) as it
// ends. It then reads the writer lease, so that a process that lost the lease
// stops; one that loses it during that transaction can still apply that one
// batch while the new holder applies others, which is harmless: batches are
// applied once and partitions have disjoint keys, and the new holder reaches
// the next phase only when every batch of this one is applied and committed.
func (s *Store) applyRun(ctx context.Context, owner string, m meta, cache *runCache) (model.Hash, int64, error) {
	if cache == nil {
		cache = newRunCache(false, 1, 0)
	}
	res, err := s.query(ctx, cypherStageList, map[string]any{"run": m.applying}, false)
	if err != nil {
		return model.Hash{}, 0, fmt.Errorf("list staged batches: %w", err)
	}
	streams := map[int64]map[int64][]int64{} // phase -> partition -> seqs, in order
	for _, rec := range res.Records {
		var e errs
		seq := get[int64](rec, "seq", &e)
		phase := get[int64](rec, "phase", &e)
		part := get[int64](rec, "part", &e)
		if e.err != nil {
			return model.Hash{}, 0, fmt.Errorf("list staged batches: %w", e.err)
		}
		if streams[phase] == nil {
			streams[phase] = map[int64][]int64{}
		}
		streams[phase][part] = append(streams[phase][part], seq)
	}
	for _, phase := range slices.Sorted(maps.Keys(streams)) {
		start := time.Now()
		if err := s.applyPhase(ctx, owner, m, streams[phase], cache); err != nil {
			return model.Hash{}, 0, err
		}
		took := time.Since(start)
		s.notePhase(phase, took)
		s.log.Debug().Str("run", m.applying).Int64("phase", phase).Int("partitions", len(streams[phase])).
			Dur("took", took).Msg("applied phase")
	}
	start := time.Now()
	if err := s.cleanupRun(ctx, owner, m); err != nil {
		return model.Hash{}, 0, err
	}
	h, pos, err := s.finishRun(ctx, owner, m)
	s.log.Debug().Str("run", m.applying).Dur("took", time.Since(start)).Msg("cleaned up and published")
	return h, pos, err
}

// applyPhase applies the streams of one phase concurrently, one per partition.
func (s *Store) applyPhase(ctx context.Context, owner string, m meta, parts map[int64][]int64, cache *runCache) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(parts))
	for part, seqs := range parts {
		go func() {
			err := s.applyStream(ctx, owner, m, int(part), seqs, cache)
			if err != nil {
				cancel()
			}
			errc <- err
		}()
	}
	var first error
	for range parts {
		if err := <-errc; err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	return first
}

// applyStream applies the batches of one partition in order. It reads and
// plans the next batch while the server applies the current one.
func (s *Store) applyStream(ctx context.Context, owner string, m meta, part int, seqs []int64, cache *runCache) error {
	type prepared struct {
		seq  int64
		plan *batchPlan
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan prepared, 1)
	go func() {
		defer close(next)
		for _, seq := range seqs {
			plan, err := s.prepareBatch(ctx, m.applying, seq)
			select {
			case next <- prepared{seq, plan, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for p := range next {
		if p.err != nil {
			return p.err
		}
		if p.plan == nil {
			continue // applied, or the run was finished by another process
		}
		if err := s.applyBatch(ctx, owner, m, p.seq, part, p.plan, cache); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// prepareBatch reads and plans a staged batch; nil when it is already applied
// or gone.
func (s *Store) prepareBatch(ctx context.Context, runID string, seq int64) (*batchPlan, error) {
	res, err := s.query(ctx, cypherStageOps, map[string]any{"run": runID, "seq": seq}, false)
	if err != nil {
		return nil, fmt.Errorf("read staged batch %d: %w", seq, err)
	}
	if len(res.Records) == 0 {
		return nil, nil
	}
	var e errs
	blob := get[[]byte](res.Records[0], "ops", &e)
	applied := get[bool](res.Records[0], "applied", &e)
	if e.err != nil {
		return nil, fmt.Errorf("read staged batch %d: %w", seq, e.err)
	}
	if applied {
		return nil, nil
	}
	ops, err := decodeOps(blob)
	if err != nil {
		return nil, fmt.Errorf("staged batch %d: %w", seq, err)
	}
	p, err := planOps(ops)
	if err != nil {
		return nil, fmt.Errorf("staged batch %d: %w", seq, err)
	}
	return p, nil
}

// applyBatch applies one staged batch in one transaction, exactly once (see
// applyRun).
func (s *Store) applyBatch(ctx context.Context, owner string, m meta, seq int64, part int, plan *batchPlan, cache *runCache) error {
	claim := map[string]any{"run": m.applying, "seq": seq, "owner": owner}
	done := cypherStageAppliedDrop
	if m.applyLog {
		done = cypherStageApplied
	}
	start := time.Now()
	for attempt := 0; ; attempt++ {
		res, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (*applyResult, error) {
			found, applied, err := claimStage(ctx, tx, claim)
			if err != nil || !found || applied {
				return nil, err // !found: the run was finished by another process
			}
			r, err := applyOps(ctx, tx, plan, batchEnv{cache: cache, part: part, deferCleanup: true})
			if err != nil {
				return nil, err
			}
			var freed any
			if l := freedList(r.freed); len(l) > 0 {
				freed = l
			}
			return r, run(ctx, tx, done, map[string]any{"run": m.applying, "seq": seq, "delta": r.delta.Bytes(), "freed": freed})
		})
		if errors.Is(err, errStaleNode) && attempt == 0 {
			s.log.Warn().Str("run", m.applying).Int64("batch", seq).Msg("a cached end node was deleted by someone else; applying the batch again without the cache")
			cache.drop()
			continue
		}
		if err != nil {
			return fmt.Errorf("apply staged batch %d: %w", seq, err)
		}
		cache.learn(res)
		s.log.Debug().Str("run", m.applying).Int64("batch", seq).Int("part", part).Dur("took", time.Since(start)).Msg("applied staged batch")
		if s.afterApply != nil {
			s.afterApply(seq)
		}
		return nil
	}
}

// claimStage runs cypherStageClaim in tx: it locks a staging node (a staged
// batch, or a load's fence) and then reads the writer lease. It returns whether
// the node exists and was applied, and errLeaseLost when owner lost the lease.
func claimStage(ctx context.Context, tx neo4j.ManagedTransaction, params map[string]any) (found, applied bool, err error) {
	rs, err := tx.Run(ctx, cypherStageClaim, params)
	if err != nil {
		return false, false, err
	}
	recs, err := rs.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return false, false, err
	}
	var e errs
	applied = get[bool](recs[0], "applied", &e)
	fenced := get[bool](recs[0], "fenced", &e)
	switch {
	case e.err != nil:
		return false, false, e.err
	case !fenced:
		return false, false, errLeaseLost
	}
	return true, applied, nil
}

// checkApplying checks, under the meta lock, that owner still holds the lease
// and the marker is still runID's.
func checkApplying(m meta, runID string) error {
	if !m.fenced {
		return errLeaseLost
	}
	if m.applying != runID {
		return fmt.Errorf("commit marker changed from %s to %q", runID, m.applying)
	}
	return nil
}

// cleanupRun removes the placeholders that the run's deleted relationships
// left without relationships. Applied batches record these candidates; this
// runs once every batch is applied, as then no batch creates relationships to
// them any more. It may run again after a crash: it only deletes nodes with no
// record and no relationship.
func (s *Store) cleanupRun(ctx context.Context, owner string, m meta) error {
	res, err := s.query(ctx, cypherStageFreed, map[string]any{"run": m.applying}, false)
	if err != nil {
		return fmt.Errorf("read placeholder candidates: %w", err)
	}
	freed := map[string]map[string]bool{}
	for _, rec := range res.Records {
		var e errs
		list := get[[]any](rec, "freed", &e)
		if e.err != nil {
			return fmt.Errorf("read placeholder candidates: %w", e.err)
		}
		if err := addFreed(freed, list); err != nil {
			return err
		}
	}
	return s.cleanupFreed(ctx, owner, m.applying, freed)
}

// cleanupFreed removes the placeholders among freed that have no record and no
// relationship, in chunks, each under the meta lock while runID's marker is
// set.
func (s *Store) cleanupFreed(ctx context.Context, owner, runID string, freed map[string]map[string]bool) error {
	for _, l := range nodeLabels {
		ids := setList(freed[l])
		for i := 0; i < len(ids); i += stmtRows {
			chunk := ids[i:min(i+stmtRows, len(ids))]
			_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
				mm, err := lockMeta(ctx, tx, owner)
				if err != nil {
					return struct{}{}, err
				}
				if err := checkApplying(mm, runID); err != nil {
					return struct{}{}, err
				}
				return struct{}{}, run(ctx, tx, nodeQ[l].cleanup, map[string]any{"ids": chunk})
			})
			if err != nil {
				return fmt.Errorf("clean up %s placeholders: %w", l, err)
			}
		}
	}
	return nil
}

// finishRun is the last transaction of a staged run: it adds up the changes of
// its batches, turns them into its change log (or drops them), publishes the
// new hash and position and clears the marker.
func (s *Store) finishRun(ctx context.Context, owner string, m meta) (model.Hash, int64, error) {
	type result struct {
		hash model.Hash
		pos  int64
	}
	out, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		mm, err := lockMeta(ctx, tx, owner)
		if err != nil {
			return result{}, err
		}
		if err := checkApplying(mm, m.applying); err != nil {
			return result{}, err
		}
		rs, err := tx.Run(ctx, cypherStageDeltas, map[string]any{"run": mm.applying})
		if err != nil {
			return result{}, err
		}
		h := mm.applyHash
		for rs.Next(ctx) {
			var e errs
			seq := get[int64](rs.Record(), "seq", &e)
			applied := get[bool](rs.Record(), "applied", &e)
			delta := get[[]byte](rs.Record(), "delta", &e)
			if e.err != nil {
				return result{}, e.err
			}
			if !applied {
				return result{}, fmt.Errorf("staged batch %d was not applied", seq)
			}
			h = h.Add(model.HashFromBytes(delta))
		}
		if err := rs.Err(); err != nil {
			return result{}, err
		}
		if mm.applyLog {
			err = run(ctx, tx, cypherStageToLog, map[string]any{"run": mm.applying, "pos": mm.applyPos})
		} else {
			err = run(ctx, tx, cypherStageDelete, map[string]any{"run": mm.applying})
		}
		if err != nil {
			return result{}, fmt.Errorf("retire staged batches: %w", err)
		}
		return result{h, mm.applyPos}, run(ctx, tx, cypherFinish, map[string]any{
			"hash": h.Bytes(), "pos": mm.applyPos, "logFrom": s.logFromAfter(mm, mm.applyPos, mm.applyLog),
		})
	})
	if err != nil {
		return model.Hash{}, 0, fmt.Errorf("publish run: %w", err)
	}
	return out.hash, out.pos, nil
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
