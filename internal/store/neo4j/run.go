package neo4j

import (
	"context"
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// Begin starts a run: it waits for the writer lease (another process's run),
// finishes or cleans up what a killed run left, and keeps the lease renewed
// until Commit or Rollback.
func (s *Store) Begin(ctx context.Context) (store.Run, error) {
	s.mu.Lock()
	r := &runState{s: s, id: newID(), nodes: map[model.Kind]map[string]bool{}}
	if err := s.acquireLease(ctx, r.id); err != nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("begin run: %w", err)
	}
	r.lease = s.renew(cypherLeaseRenew, map[string]any{"owner": r.id, "ttl": s.cfg.LeaseTTL.Milliseconds()})
	if err := s.recover(ctx, r.id); err != nil {
		r.finish(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("begin run: %w", err)
	}
	// Holding the lease, nobody else writes until the run ends: when the store
	// has no record node now, a node or relationship can only exist if this
	// run put it.
	m, err := s.readMeta(ctx)
	if err != nil {
		r.finish(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("begin run: %w", err)
	}
	if m.hash == (model.Hash{}) {
		// No record; a placeholder could still be kept by an analyst's
		// relationship.
		res, err := s.query(ctx, cypherAnyNode, nil, true)
		if err != nil {
			r.finish(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("begin run: %w", err)
		}
		exists, _, err := getBool(res)
		if err != nil {
			r.finish(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("begin run: %w", err)
		}
		r.fresh = !exists
	}
	s.log.Debug().Str("run", r.id).Msg("run started")
	return r, nil
}

// runState is one run. Writes collect in pending; once the run outgrows
// SmallRun they go to one buffer per phase and partition, each staged in
// batches of Batch writes.
type runState struct {
	s       *Store
	id      string
	lease   *renewer
	pending []op   // the writes of a run not staged (yet)
	big     bool   // the run outgrew SmallRun: it is staged
	bufs    [][]op // staged run: writes per phase and partition, not staged yet
	kb      []byte // scratch space for keys
	total   int    // writes so far
	staged  int64  // batches staged so far
	// nodes records the node ids this run put (true) or deleted (false), per kind,
	// for Missing.
	nodes map[model.Kind]map[string]bool
	fresh bool    // the store had no record node at Begin
	load  *loader // a large run into an empty store: written directly
	done  bool
}

func (r *runState) check() error {
	if r.done {
		return store.ErrClosed
	}
	if r.lease.lost.Load() {
		return fmt.Errorf("run %s: %w", r.id, errLeaseLost)
	}
	return nil
}

// Put upserts a record.
func (r *runState) Put(ctx context.Context, rec *model.Record) error {
	if err := r.check(); err != nil {
		return err
	}
	if _, ok := graphOf[rec.Kind]; !ok {
		return fmt.Errorf("put %s: unknown record kind", rec.Key())
	}
	if rec.Kind.IsNode() {
		r.note(rec.Kind, rec.ID, true)
	}
	o := op{data: rec.Encode(nil)}
	o.phase, o.part, r.kb = place(rec.Key(), r.s.cfg.Workers, r.kb)
	return r.add(ctx, o)
}

// Delete removes the record with key k, if any.
func (r *runState) Delete(ctx context.Context, k model.Key) error {
	if err := r.check(); err != nil {
		return err
	}
	if _, ok := graphOf[k.Kind]; !ok {
		return fmt.Errorf("delete %s: unknown record kind", k)
	}
	if k.Kind.IsNode() {
		r.note(k.Kind, k.Src, false)
	}
	o := op{del: true, data: k.KeyBytes()}
	o.phase, o.part, r.kb = place(k, r.s.cfg.Workers, r.kb)
	return r.add(ctx, o)
}

func (r *runState) note(kind model.Kind, id string, put bool) {
	m := r.nodes[kind]
	if m == nil {
		m = map[string]bool{}
		r.nodes[kind] = m
	}
	m[id] = put
}

func (r *runState) add(ctx context.Context, o op) error {
	r.total++
	if !r.big {
		r.pending = append(r.pending, o)
		if r.total <= r.s.cfg.SmallRun {
			return nil
		}
		r.big = true
		r.bufs = make([][]op, 2*r.s.cfg.Workers)
		pending := r.pending
		r.pending = nil
		if r.fresh && !r.s.cfg.NoLoad {
			l, err := r.s.startLoad(ctx, r.id)
			if err != nil {
				return fmt.Errorf("run %s: %w", r.id, err)
			}
			r.load = l
		}
		for _, o := range pending {
			if err := r.buffer(ctx, o); err != nil {
				return err
			}
		}
		return nil
	}
	return r.buffer(ctx, o)
}

// buffer adds a write of a staged run to its phase and partition, and stages
// a full batch.
func (r *runState) buffer(ctx context.Context, o op) error {
	if r.load != nil {
		return r.load.put(ctx, o)
	}
	i := int(o.phase)*r.s.cfg.Workers + int(o.part)
	r.bufs[i] = append(r.bufs[i], o)
	if len(r.bufs[i]) < r.s.cfg.Batch {
		return nil
	}
	err := r.stage(ctx, int64(o.phase), int64(o.part), r.bufs[i])
	r.bufs[i] = r.bufs[i][:0]
	return err
}

// stage writes one batch to a staging node (idempotent: keyed by run and seq).
func (r *runState) stage(ctx context.Context, phase, part int64, ops []op) error {
	if err := r.check(); err != nil {
		return err
	}
	_, err := r.s.query(ctx, cypherStagePut, map[string]any{
		"run": r.id, "seq": r.staged, "ops": encodeOps(ops), "n": int64(len(ops)), "phase": phase, "part": part,
	}, false)
	if err != nil {
		return fmt.Errorf("stage batch %d: %w", r.staged, err)
	}
	if r.staged == 0 {
		r.s.log.Info().Str("run", r.id).Msg("large run: staging batches")
	}
	r.s.log.Debug().Str("run", r.id).Int64("batch", r.staged).Int("ops", len(ops)).Msg("staged batch")
	r.staged++
	if r.s.afterStage != nil {
		r.s.afterStage(int(r.staged))
	}
	return nil
}

// Missing returns those of ids that have no node record of kind, counting the
// puts and deletes of this run.
func (r *runState) Missing(ctx context.Context, kind model.Kind, ids []string) ([]string, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	g, ok := graphOf[kind]
	if !ok || !kind.IsNode() {
		return nil, fmt.Errorf("missing: %s is not a node kind", kind)
	}
	var out []string
	var ask []any
	for _, id := range ids {
		put, seen := r.nodes[kind][id]
		switch {
		case !seen:
			ask = append(ask, id)
		case !put:
			out = append(out, id)
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	res, err := r.s.query(ctx, nodeQ[g.label].missing, map[string]any{"ids": ask}, true)
	if err != nil {
		return nil, fmt.Errorf("missing %s ids: %w", kind, err)
	}
	for _, rec := range res.Records {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return nil, fmt.Errorf("missing %s ids: %w", kind, err)
		}
		out = append(out, id)
	}
	return out, nil
}

// Commit makes the run visible at once. A small run is one transaction; a
// staged run sets the commit marker, then applies its batches (see doc.go).
func (r *runState) Commit(ctx context.Context) (model.Hash, error) {
	if err := r.check(); err != nil {
		return model.Hash{}, err
	}
	defer r.finish(context.WithoutCancel(ctx))
	s := r.s
	if r.total == 0 {
		return s.Version(ctx)
	}
	if !r.big {
		return s.commitSmall(ctx, r.id, r.pending, r.fresh)
	}
	if r.load != nil {
		h, err := r.load.commit(ctx)
		if err != nil {
			return model.Hash{}, fmt.Errorf("commit run: %w", err)
		}
		return h, nil
	}
	for i, ops := range r.bufs {
		if len(ops) == 0 {
			continue
		}
		if err := r.stage(ctx, int64(i/s.cfg.Workers), int64(i%s.cfg.Workers), ops); err != nil {
			return model.Hash{}, fmt.Errorf("commit run: %w", err)
		}
		r.bufs[i] = nil
	}
	if err := s.markCommit(ctx, r.id, r.id, applyParts, r.staged, r.total <= s.cfg.LogMax); err != nil {
		return model.Hash{}, fmt.Errorf("commit run: %w", err)
	}
	s.log.Info().Str("run", r.id).Int("writes", r.total).Int64("batches", r.staged).Msg("run committed, applying")
	if s.afterCommitPoint != nil {
		s.afterCommitPoint()
	}
	cache := newRunCache(r.fresh, s.cfg.Workers, r.total)
	h, _, err := s.rollForward(ctx, r.id, cache)
	if errors.Is(err, errLeaseLost) {
		// Another process took over and finishes the run: it is committed.
		s.log.Warn().Str("run", r.id).Msg("lease lost after the commit point; another process finishes the run")
		return s.waitVersion(ctx)
	}
	return h, err
}

// Rollback abandons the run and drops what it staged.
func (r *runState) Rollback(ctx context.Context) error {
	if r.done {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	if r.load != nil {
		r.load.abort(ctx) // undoes it unless the lease was lost (then the next writer does)
	}
	if r.staged > 0 && !r.lease.lost.Load() {
		if _, err := r.s.dropStaged(ctx, r.id); err != nil {
			r.s.log.Warn().Err(err).Str("run", r.id).Msg("drop staged batches on rollback")
		}
	}
	r.finish(ctx)
	return nil
}

// finish releases the lease and the store's run mutex.
func (r *runState) finish(ctx context.Context) {
	if r.done {
		return
	}
	r.done = true
	r.s.loading.Store(nil)
	r.pending = nil
	r.bufs = nil
	r.nodes = nil
	r.lease.close()
	r.s.releaseLease(ctx, r.id)
	r.s.mu.Unlock()
}
