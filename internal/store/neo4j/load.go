package neo4j

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
)

// applyLoad is the commit marker kind of a load: a large run into a store with
// no record node, written directly instead of staged (see doc.go, "Loads").
// Unlike a staged run's, this marker is set before anything is written and is
// not a commit point: a load that does not publish is undone.
const applyLoad = "load"

// A load's fences are KeiretsuStage nodes {run, seq: partition}, one per
// partition: every write transaction of the load starts by locking its
// partition's fence and reading the writer lease after it (cypherStageClaim),
// and every step that undoes the load locks all of them first, so no write of
// a process that lost the lease can commit after the undo began.
const (
	cypherLoadFences = `UNWIND range(0, $parts - 1) AS seq
CREATE (:KeiretsuStage {run: $run, seq: seq, part: seq, phase: -1, n: 0})`

	cypherLoadLockFences = `MATCH (f:KeiretsuStage {run: $run})
SET f.claims = coalesce(f.claims, 0) + 1`

	// cypherLoadUndoNodes deletes a chunk of the nodes a load wrote: every
	// record node and placeholder, since the store had none before it.
	cypherLoadUndoNodes = `MATCH (n)
WHERE n:Entity OR n:Product OR n:Regime
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS n`

	// cypherLoadAbandon clears the marker of an undone load, leaving the hash
	// and position as they were, and drops its fences.
	cypherLoadAbandon = `MATCH (m:KeiretsuMeta {id: 'meta'})
SET m.applying = null, m.applyKind = null, m.applyPos = null, m.applyHash = null,
  m.applyNext = null, m.applyBatches = null, m.applyLog = null
WITH m
OPTIONAL MATCH (f:KeiretsuStage {run: $run})
DELETE f`

	// cypherLoadPublish drops the fences of a load that publishes.
	cypherLoadPublish = `MATCH (f:KeiretsuStage {run: $run})
DELETE f`
)

// loader writes a load: node records in batches while the run is still
// being read (their partitions' batches in order, the partitions
// concurrently), relationships kept in memory until Commit and then written
// the same way, since their ends must exist first.
type loader struct {
	s     *Store
	run   string // the run's id, also its lease owner
	cache *runCache
	ctx   context.Context
	stop  context.CancelFunc
	start time.Time

	mu      sync.Mutex
	err     error
	delta   model.Hash                 // change of the content hash so far
	freed   map[string]map[string]bool // placeholder candidates
	batches int

	nodes [][]op // node writes not sent yet, per partition
	rels  [][]op // relationship writes, per partition, until Commit
	phase *loadPhase
}

// loadPhase is the batches being written: per partition a channel of batches,
// a goroutine planning them and one writing them in order.
type loadPhase struct {
	in []chan []op
	wg sync.WaitGroup
}

// startLoad sets the load marker (waiting for running scans, like a commit)
// and the fences, and starts writing node records.
func (s *Store) startLoad(ctx context.Context, runID string) (*loader, error) {
	if err := s.markCommit(ctx, runID, runID, applyLoad, 0, false); err != nil {
		return nil, err
	}
	m, err := s.readMeta(ctx)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	s.loading.Store(&committed{hash: m.hash, position: m.position})
	if _, err := s.query(ctx, cypherLoadFences, map[string]any{"run": runID, "parts": int64(s.cfg.Workers)}, false); err != nil {
		return nil, fmt.Errorf("load: create fences: %w", err)
	}
	s.log.Info().Str("run", runID).Msg("large run into an empty store: loading directly")
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	l := &loader{
		s: s, run: runID, cache: newRunCache(true, s.cfg.Workers, s.cfg.SmallRun),
		ctx: lctx, stop: stop, start: time.Now(),
		freed: map[string]map[string]bool{},
		nodes: make([][]op, s.cfg.Workers), rels: make([][]op, s.cfg.Workers),
	}
	l.startPhase()
	return l, nil
}

// put adds a write: a node record goes out in its partition's next batch, a
// relationship waits for Commit.
func (l *loader) put(ctx context.Context, o op) error {
	if err := l.failure(); err != nil {
		return err
	}
	if o.phase == 1 {
		l.rels[o.part] = append(l.rels[o.part], o)
		return nil
	}
	l.nodes[o.part] = append(l.nodes[o.part], o)
	if len(l.nodes[o.part]) < l.s.cfg.Batch {
		return nil
	}
	batch := l.nodes[o.part]
	l.nodes[o.part] = nil
	return l.send(ctx, int(o.part), batch)
}

func (l *loader) send(ctx context.Context, part int, batch []op) error {
	select {
	case l.phase.in[part] <- batch:
		return nil
	case <-l.ctx.Done():
		if err := l.failure(); err != nil {
			return err
		}
		return l.ctx.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *loader) startPhase() {
	p := &loadPhase{in: make([]chan []op, len(l.nodes))}
	for part := range p.in {
		in := make(chan []op, 2)
		p.in[part] = in
		plans := make(chan *batchPlan, 1)
		p.wg.Add(2)
		go func() { // plans the next batch while the server writes this one
			defer p.wg.Done()
			defer close(plans)
			for ops := range in {
				if l.ctx.Err() != nil {
					continue // drain
				}
				plan, err := planOps(ops)
				if err != nil {
					l.fail(err)
					continue
				}
				select {
				case plans <- plan:
				case <-l.ctx.Done():
				}
			}
		}()
		go func() {
			defer p.wg.Done()
			for plan := range plans {
				if l.ctx.Err() != nil {
					continue
				}
				if err := l.write(part, plan); err != nil {
					l.fail(err)
				}
			}
		}()
	}
	l.phase = p
}

// endPhase waits until every batch sent is written (or the load failed).
func (l *loader) endPhase() error {
	for _, in := range l.phase.in {
		close(in)
	}
	l.phase.wg.Wait()
	return l.failure()
}

func (l *loader) fail(err error) {
	l.mu.Lock()
	if l.err == nil {
		l.err = err
	}
	l.mu.Unlock()
	l.stop()
}

func (l *loader) failure() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// write writes one batch in one transaction, fenced.
func (l *loader) write(part int, plan *batchPlan) error {
	s := l.s
	started := time.Now()
	for attempt := 0; ; attempt++ {
		res, err := write(l.ctx, s, func(tx neo4j.ManagedTransaction) (*applyResult, error) {
			found, _, err := claimStage(l.ctx, tx, map[string]any{"run": l.run, "seq": int64(part), "owner": l.run})
			if err != nil {
				return nil, err
			}
			if !found { // the fences are gone: another process undid the load
				return nil, errLeaseLost
			}
			return applyOps(l.ctx, tx, plan, batchEnv{cache: l.cache, part: part, deferCleanup: true})
		})
		if errors.Is(err, errStaleNode) && attempt == 0 {
			s.log.Warn().Str("run", l.run).Msg("a cached end node was deleted by someone else; writing the batch again without the cache")
			l.cache.drop()
			continue
		}
		if err != nil {
			return fmt.Errorf("load batch: %w", err)
		}
		l.cache.learn(res)
		l.mu.Lock()
		l.delta = l.delta.Add(res.delta)
		for lb, ids := range res.freed {
			for id := range ids {
				addID(l.freed, lb, id)
			}
		}
		l.batches++
		n := l.batches
		l.mu.Unlock()
		s.log.Debug().Str("run", l.run).Int("batch", n).Int("part", part).Dur("took", time.Since(started)).Msg("loaded batch")
		if s.afterLoadBatch != nil {
			s.afterLoadBatch(n)
		}
		return nil
	}
}

// commit writes the rest of the node records, then the relationships, removes
// the placeholders that deleted relationships left alone, and publishes the
// run. On an error the load is undone.
func (l *loader) commit(ctx context.Context) (model.Hash, error) {
	h, err := l.finish(ctx)
	if err != nil {
		l.abort(ctx)
	}
	return h, err
}

func (l *loader) finish(ctx context.Context) (model.Hash, error) {
	s := l.s
	for part, batch := range l.nodes {
		if len(batch) > 0 {
			if err := l.send(ctx, part, batch); err != nil {
				return model.Hash{}, err
			}
		}
		l.nodes[part] = nil
	}
	if err := l.endPhase(); err != nil {
		return model.Hash{}, err
	}
	l.notePhase(0, time.Since(l.start))

	start := time.Now()
	l.startPhase()
	var feeders sync.WaitGroup
	feedErr := make([]error, len(l.rels))
	for part, ops := range l.rels {
		feeders.Add(1)
		go func() {
			defer feeders.Done()
			for i := 0; i < len(ops); i += s.cfg.Batch {
				if err := l.send(ctx, part, ops[i:min(i+s.cfg.Batch, len(ops))]); err != nil {
					feedErr[part] = err
					return
				}
			}
		}()
	}
	feeders.Wait()
	l.rels = nil
	err := l.endPhase()
	if err == nil {
		err = errors.Join(feedErr...)
	}
	if err != nil {
		return model.Hash{}, err
	}
	l.notePhase(1, time.Since(start))

	start = time.Now()
	if err := s.cleanupFreed(ctx, l.run, l.run, l.freed); err != nil {
		return model.Hash{}, err
	}
	h, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (model.Hash, error) {
		m, err := lockMeta(ctx, tx, l.run)
		if err != nil {
			return model.Hash{}, err
		}
		if err := checkApplying(m, l.run); err != nil {
			return model.Hash{}, err
		}
		if err := run(ctx, tx, cypherLoadPublish, map[string]any{"run": l.run}); err != nil {
			return model.Hash{}, err
		}
		h := m.applyHash.Add(l.delta)
		return h, run(ctx, tx, cypherFinish, map[string]any{
			"hash": h.Bytes(), "pos": m.applyPos, "logFrom": s.logFromAfter(m, m.applyPos, false),
		})
	})
	if err != nil {
		return model.Hash{}, fmt.Errorf("publish load: %w", err)
	}
	s.log.Debug().Str("run", l.run).Dur("took", time.Since(start)).Msg("cleaned up and published")
	return h, nil
}

func (l *loader) notePhase(phase int64, took time.Duration) {
	l.s.notePhase(phase, took)
	l.s.log.Debug().Str("run", l.run).Int64("phase", phase).Dur("took", took).Msg("loaded phase")
}

// abort stops the writers and undoes the load (best effort: if this fails,
// the next process to get the lease undoes it).
func (l *loader) abort(ctx context.Context) {
	l.stop()
	if l.phase != nil {
		_ = l.endPhase()
		l.phase = nil
	}
	ctx = context.WithoutCancel(ctx)
	if _, _, err := l.s.rollForward(ctx, l.run, nil); err != nil && !errors.Is(err, errLeaseLost) {
		l.s.log.Warn().Err(err).Str("run", l.run).Msg("undo load; the next writer undoes it")
	}
}

// undoLoadStep is one transaction undoing a load (under the meta lock, from
// rollForward): after locking the fences it deletes a chunk of relationships or
// nodes, or, when none is left, clears the marker.
func (s *Store) undoLoadStep(ctx context.Context, tx neo4j.ManagedTransaction, m meta) error {
	if err := run(ctx, tx, cypherLoadLockFences, map[string]any{"run": m.applying}); err != nil {
		return err
	}
	if deleted, err := deleteChunk(ctx, tx, cypherWipeRels, cypherLoadUndoNodes); err != nil || deleted {
		return err
	}
	s.log.Info().Str("run", m.applying).Msg("undid a load that did not publish")
	return run(ctx, tx, cypherLoadAbandon, map[string]any{"run": m.applying})
}
