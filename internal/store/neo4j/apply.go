package neo4j

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
)

// stmtRows bounds the rows of one UNWIND statement inside a transaction.
const stmtRows = 10_000

// errStaleNode is returned when a relationship could not be created because an
// end node whose element id the run had cached no longer exists (something
// outside Keiretsu deleted it): the batch is applied again without the cache.
var errStaleNode = errors.New("an end node of a relationship no longer exists")

// nodeWrite and relWrite are the planned writes of one record.
//
// A put's row holds its property values (nodeValues, relValues) after one slot
// (nodes: the element id for an update) or two (relationships: the element ids
// of the ends for a create, the relationship's in the second for an update),
// filled in when the batch is applied.
type nodeWrite struct {
	id      string
	key     []byte // KeyBytes
	row     []any  // nil for a delete
	schemes string // of the flattened identifiers in row
}

type relWrite struct {
	src, dst string
	k        int64
	key      []byte // KeyBytes
	row      []any  // nil for a delete
}

// batchPlan is the deduplicated ops of one transaction, grouped by label and
// type. Applying it does not change it, so a retried transaction reuses it.
type batchPlan struct {
	nodes map[string][]nodeWrite     // label -> puts and deletes
	rels  map[model.Kind][]relWrite  // kind -> puts and deletes
	ends  map[string]map[string]bool // label -> end ids of put relationships
	freed map[string]map[string]bool // label -> end ids of deleted relationships
	added model.Hash                 // sum of the hashes of the put encodings
	ops   []op                       // the ops kept: the last of every key, in first-seen order
}

func addID(m map[string]map[string]bool, label, id string) {
	if m[label] == nil {
		m[label] = map[string]bool{}
	}
	m[label][id] = true
}

// planOps decodes ops once, keeps the last op of every key (within one
// transaction the statements run by kind, not in op order, so a batch must not
// name a key twice) and groups them.
func planOps(ops []op) (*batchPlan, error) {
	type entry struct {
		del  bool
		data []byte
		key  model.Key
		kb   []byte
		rec  *model.Record
	}
	seen := make(map[string]int, len(ops))
	ents := make([]entry, 0, len(ops))
	recs := make([]model.Record, len(ops))
	for i, o := range ops {
		e := entry{del: o.del, data: o.data}
		if o.del {
			k, err := model.ParseKey(o.data)
			if err != nil {
				return nil, fmt.Errorf("delete: %w", err)
			}
			e.key, e.kb = k, o.data
		} else {
			r := &recs[i]
			if err := r.Decode(o.data); err != nil {
				return nil, fmt.Errorf("put: %w", err)
			}
			e.rec, e.key = r, r.Key()
			e.kb = e.key.KeyBytes()
		}
		if _, ok := graphOf[e.key.Kind]; !ok {
			return nil, fmt.Errorf("%s: unknown kind", e.key)
		}
		if j, ok := seen[string(e.kb)]; ok {
			ents[j] = e
			continue
		}
		seen[string(e.kb)] = len(ents)
		ents = append(ents, e)
	}
	p := &batchPlan{
		nodes: map[string][]nodeWrite{}, rels: map[model.Kind][]relWrite{},
		ends: map[string]map[string]bool{}, freed: map[string]map[string]bool{},
	}
	p.ops = make([]op, len(ents))
	for i, e := range ents {
		p.ops[i] = op{del: e.del, data: e.data}
		g := graphOf[e.key.Kind]
		if e.key.Kind.IsNode() {
			w := nodeWrite{id: e.key.Src, key: e.kb}
			if !e.del {
				w.row, w.schemes = nodeValues(make([]any, 1, 2+len(nodeColumns[g.label])), e.rec, e.data)
				p.added = p.added.Add(model.HashOf(e.data))
			}
			p.nodes[g.label] = append(p.nodes[g.label], w)
			continue
		}
		w := relWrite{src: e.key.Src, dst: e.key.Dst, k: int64(e.key.From), key: e.kb}
		if e.del {
			addID(p.freed, g.src, w.src)
			addID(p.freed, g.dst, w.dst)
		} else {
			w.row = relValues(make([]any, 2, 10), e.rec, e.data)
			p.added = p.added.Add(model.HashOf(e.data))
			addID(p.ends, g.src, w.src)
			addID(p.ends, g.dst, w.dst)
		}
		p.rels[e.key.Kind] = append(p.rels[e.key.Kind], w)
	}
	return p, nil
}

// runCache is what the batches of one run share beyond a transaction: the
// element ids of the nodes the run has written or found (so that later batches
// need not read their relationships' ends again) and, for a run that started
// on a store with no record node, Bloom filters of the keys it has applied, one
// per partition (so that it does not read nodes and relationships that cannot
// exist yet).
//
// Both are filled only from transactions that committed, and the cache is only
// used while the run's process holds the writer lease: no other process
// deletes nodes then (a process that took the lease over applies only batches
// this one has not, see rollForward), and a run deletes nodes only in its
// first phase, before any relationship batch uses the cache.
type runCache struct {
	mu    sync.Mutex
	eids  map[string]map[string]string // label -> id -> element id; nil when dropped
	fresh []*bloom                     // per partition; nil unless fresh
}

func newRunCache(fresh bool, parts, writes int) *runCache {
	c := &runCache{eids: map[string]map[string]string{}}
	if fresh {
		c.fresh = make([]*bloom, parts)
		for i := range c.fresh {
			c.fresh[i] = newBloom(writes/parts + writes/(4*parts) + 1)
		}
	}
	return c
}

// bloom returns the filter of partition part, or nil.
func (c *runCache) bloom(part int) *bloom {
	if c == nil || part >= len(c.fresh) {
		return nil
	}
	return c.fresh[part]
}

func (c *runCache) lookup(label, id string) (string, bool) {
	if c == nil {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	eid, ok := c.eids[label][id]
	return eid, ok
}

// learn records what a committed batch found and wrote.
func (c *runCache) learn(res *applyResult) {
	if c == nil || res == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.eids == nil {
		return
	}
	for l, m := range res.known {
		dst := c.eids[l]
		if dst == nil {
			dst = make(map[string]string, len(m))
			c.eids[l] = dst
		}
		for id, eid := range m {
			dst[id] = eid
		}
	}
	for l, ids := range res.gone {
		for _, id := range ids {
			delete(c.eids[l], id)
		}
	}
}

// drop forgets the element ids for the rest of the run.
func (c *runCache) drop() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.eids = nil
}

// batchEnv says how a batch is applied: with the run's cache (nil for none),
// its partition, and whether placeholder cleanup is left to the end of the run
// (batches applied concurrently) instead of done in the batch.
type batchEnv struct {
	cache        *runCache
	part         int
	deferCleanup bool
}

// applyResult is what applying a batch returns: the change of the content
// hash, the placeholder candidates when cleanup is deferred, and for the cache
// the element ids of the nodes it found or wrote and the node records it
// deleted.
type applyResult struct {
	delta model.Hash
	freed map[string]map[string]bool
	known map[string]map[string]string
	gone  map[string][]string
}

// nodeState is a node a batch uses: its element id, whether it existed
// before the batch (only then can it have relationships to read), and whether
// the run's cache already knew it (then the batch has nothing to teach it).
type nodeState struct {
	eid     string
	existed bool
	cached  bool
}

// found is an existing node or relationship: its element id and, for a record,
// its canonical encoding.
type found struct {
	eid string
	old []byte
}

// applyOps writes a planned batch inside tx and returns the change of the
// content hash: the hashes of the new encodings minus those of the encodings
// they replace or delete.
//
// Per label it reads the node records the batch writes (unless the run's
// filter says they cannot exist) and the relationship ends it does not know
// yet, creates or updates the node records, and creates placeholders for the
// ends that do not exist (MERGE, in id order: batches of one run may share
// them). It then reads the relationships between nodes that existed before
// (unless the filter rules them out), creates relationships between the
// element ids or updates them, deletes relationships, then node records, and
// removes placeholders left without relationships (or returns them, when
// cleanup is deferred). Apart from the placeholder MERGE, no statement both
// reads and writes a property, so none needs an Eager plan.
func applyOps(ctx context.Context, tx neo4j.ManagedTransaction, p *batchPlan, env batchEnv) (*applyResult, error) {
	c := env.cache
	bl := c.bloom(env.part)
	res := &applyResult{delta: p.added, known: map[string]map[string]string{}, gone: map[string][]string{}}
	sub := func(old []byte) {
		if old != nil {
			res.delta = res.delta.Sub(model.HashOf(old))
		}
	}
	w := &writer{ctx: ctx, tx: tx}

	nodes := map[string]map[string]nodeState{} // label -> id -> node, after the writes
	nodeDels := map[string][]any{}
	for _, l := range nodeLabels {
		recs, ends, freed := p.nodes[l], p.ends[l], p.freed[l]
		if len(recs)+len(ends)+len(freed) == 0 {
			continue
		}
		ns := make(map[string]nodeState, len(recs)+len(ends)+len(freed))
		nodes[l] = ns
		isRec := make(map[string]bool, len(recs))
		var readIDs []any
		for _, n := range recs {
			isRec[n.id] = true
			if bl == nil || bl.has(n.key) {
				readIDs = append(readIDs, n.id)
			}
		}
		olds := map[string][]byte{}
		if err := w.readNodes(nodeQ[l].read, readIDs, ns, olds); err != nil {
			return nil, fmt.Errorf("read %s nodes: %w", l, err)
		}
		// Ends of relationships: known from earlier batches, or read. A run
		// into an empty store does not look for a put relationship's end that it
		// has not seen: it merges it below.
		var findIDs []any
		asked := map[string]bool{}
		for _, m := range []map[string]bool{ends, freed} {
			for id := range m {
				if isRec[id] || asked[id] {
					continue
				}
				asked[id] = true
				if eid, ok := c.lookup(l, id); ok {
					ns[id] = nodeState{eid: eid, existed: true, cached: true}
					continue
				}
				if bl != nil && ends[id] {
					continue
				}
				findIDs = append(findIDs, id)
			}
		}
		if err := w.readNodes(nodeQ[l].find, findIDs, ns, nil); err != nil {
			return nil, fmt.Errorf("read %s nodes: %w", l, err)
		}
		create, update := map[string][]any{}, map[string][]any{} // by schemes
		for _, n := range recs {
			f, ok := ns[n.id]
			old := olds[n.id]
			sub(old)
			switch {
			case n.row == nil && ok && old != nil:
				nodeDels[l] = append(nodeDels[l], map[string]any{"eid": f.eid, "id": n.id})
				res.gone[l] = append(res.gone[l], n.id)
			case n.row == nil:
			case ok:
				n.row[0] = f.eid
				update[n.schemes] = append(update[n.schemes], n.row)
			default:
				create[n.schemes] = append(create[n.schemes], n.row[1:])
			}
		}
		for _, sc := range slices.Sorted(maps.Keys(create)) {
			if err := w.nodeIDs(nodeWriteQuery(false, l, sc), "rows", create[sc], ns, false); err != nil {
				return nil, fmt.Errorf("create %s nodes: %w", l, err)
			}
		}
		for _, sc := range slices.Sorted(maps.Keys(update)) {
			if err := w.exec(nodeWriteQuery(true, l, sc), "rows", update[sc]); err != nil {
				return nil, fmt.Errorf("update %s nodes: %w", l, err)
			}
		}
		var merge []string
		for id := range ends {
			if _, ok := ns[id]; !ok {
				merge = append(merge, id)
			}
		}
		slices.Sort(merge)
		if err := w.nodeIDs(nodeQ[l].merge, "ids", anys(merge), ns, true); err != nil {
			return nil, fmt.Errorf("create %s placeholders: %w", l, err)
		}
		known := make(map[string]string, len(recs)+len(merge))
		for id, n := range ns {
			if !n.cached {
				known[id] = n.eid
			}
		}
		for _, id := range res.gone[l] {
			delete(known, id)
		}
		res.known[l] = known
	}

	// Relationships: read those between nodes that existed, then create or update.
	var delRels []any
	for _, k := range model.Kinds {
		rels := p.rels[k]
		if len(rels) == 0 {
			continue
		}
		g := graphOf[k]
		var read []any
		for i, r := range rels {
			a, b := nodes[g.src][r.src], nodes[g.dst][r.dst]
			if a.existed && b.existed && (bl == nil || bl.has(r.key)) {
				read = append(read, []any{int64(i), a.eid, b.eid, r.k})
			}
		}
		got, err := w.readRels(relQ[k].read, read, len(rels))
		if err != nil {
			return nil, fmt.Errorf("read %s relationships: %w", k, err)
		}
		var create, update []any
		for i, r := range rels {
			f := got[i]
			sub(f.old)
			switch {
			case r.row == nil && f.eid != "":
				delRels = append(delRels, f.eid)
			case r.row == nil:
			case f.eid != "":
				r.row[1] = f.eid
				update = append(update, r.row[1:])
			default:
				r.row[0], r.row[1] = nodes[g.src][r.src].eid, nodes[g.dst][r.dst].eid
				create = append(create, r.row)
			}
		}
		if err := w.createRels(relQ[k].create, create); err != nil {
			return nil, fmt.Errorf("create %s relationships: %w", k, err)
		}
		if err := w.exec(relQ[k].update, "rows", update); err != nil {
			return nil, fmt.Errorf("update %s relationships: %w", k, err)
		}
	}

	if bl != nil {
		for _, ns := range p.nodes {
			for _, n := range ns {
				if n.row != nil {
					bl.add(n.key)
				}
			}
		}
		for _, rels := range p.rels {
			for _, r := range rels {
				if r.row != nil {
					bl.add(r.key)
				}
			}
		}
	}

	// Deletes.
	if err := w.exec(cypherRelDelete, "eids", delRels); err != nil {
		return nil, fmt.Errorf("delete relationships: %w", err)
	}
	for _, l := range nodeLabels {
		if err := w.exec(nodeQ[l].del, "rows", nodeDels[l]); err != nil {
			return nil, fmt.Errorf("delete %s nodes: %w", l, err)
		}
	}
	if env.deferCleanup {
		res.freed = p.freed
		return res, nil
	}
	for _, l := range nodeLabels {
		if err := w.exec(nodeQ[l].cleanup, "ids", setList(p.freed[l])); err != nil {
			return nil, fmt.Errorf("clean up %s placeholders: %w", l, err)
		}
	}
	return res, nil
}

// freedList packs placeholder candidates as "Label:id" strings.
func freedList(freed map[string]map[string]bool) []string {
	var out []string
	for _, l := range nodeLabels {
		for id := range freed[l] {
			out = append(out, l+":"+id)
		}
	}
	slices.Sort(out)
	return out
}

// addFreed unpacks freedList strings into freed.
func addFreed(freed map[string]map[string]bool, list []any) error {
	for _, v := range list {
		s, ok := v.(string)
		l, id, found := strings.Cut(s, ":")
		if !ok || !found {
			return fmt.Errorf("bad placeholder candidate %v", v)
		}
		addID(freed, l, id)
	}
	return nil
}

// writer runs a batch's statements in one transaction, UNWIND lists cut into
// statements of at most stmtRows rows.
type writer struct {
	ctx context.Context
	tx  neo4j.ManagedTransaction
}

func (w *writer) exec(q, param string, rows []any) error {
	for i := 0; i < len(rows); i += stmtRows {
		res, err := w.tx.Run(w.ctx, q, map[string]any{param: rows[i:min(i+stmtRows, len(rows))]})
		if err != nil {
			return err
		}
		if _, err := res.Consume(w.ctx); err != nil {
			return err
		}
	}
	return nil
}

// collected runs a statement over rows cut into chunks of stmtRows and calls fn
// with each element of the list that each returns in its single row (RETURN
// collect([...]) AS found).
func (w *writer) collected(q, param string, rows []any, fn func(v []any) error) error {
	for i := 0; i < len(rows); i += stmtRows {
		res, err := w.tx.Run(w.ctx, q, map[string]any{param: rows[i:min(i+stmtRows, len(rows))]})
		if err != nil {
			return err
		}
		rec, err := res.Single(w.ctx)
		if err != nil {
			return err
		}
		found, _, err := neo4j.GetRecordValue[[]any](rec, "found")
		if err != nil {
			return err
		}
		for _, f := range found {
			v, ok := f.([]any)
			if !ok {
				return fmt.Errorf("unexpected result %T", f)
			}
			if err := fn(v); err != nil {
				return err
			}
		}
	}
	return nil
}

// triple reads [string-or-int, string, bytes-or-null].
func triple(v []any) (first any, eid string, old []byte, err error) {
	if len(v) < 2 {
		return nil, "", nil, fmt.Errorf("unexpected result %v", v)
	}
	eid, ok := v[1].(string)
	if !ok {
		return nil, "", nil, fmt.Errorf("unexpected element id %T", v[1])
	}
	if len(v) > 2 && v[2] != nil {
		if old, ok = v[2].([]byte); !ok {
			return nil, "", nil, fmt.Errorf("unexpected encoding %T", v[2])
		}
	}
	return v[0], eid, old, nil
}

// readNodes adds the existing nodes among ids to into (as existing before the
// batch) and, when olds is not nil, their encodings to olds.
func (w *writer) readNodes(q string, ids []any, into map[string]nodeState, olds map[string][]byte) error {
	return w.collected(q, "ids", ids, func(v []any) error {
		first, eid, old, err := triple(v)
		id, ok := first.(string)
		if err != nil || !ok {
			return fmt.Errorf("unexpected node %v (%v)", v, err)
		}
		into[id] = nodeState{eid: eid, existed: true}
		if olds != nil && old != nil {
			olds[id] = old
		}
		return nil
	})
}

// readRels runs a relationship read over rows (each with its index among n
// relationships first) and returns, by index, the relationships found.
func (w *writer) readRels(q string, rows []any, n int) ([]found, error) {
	out := make([]found, n)
	err := w.collected(q, "rows", rows, func(v []any) error {
		first, eid, old, err := triple(v)
		i, ok := first.(int64)
		if err != nil || !ok || i < 0 || i >= int64(n) {
			return fmt.Errorf("unexpected relationship %v (%v)", v, err)
		}
		out[i] = found{eid: eid, old: old}
		return nil
	})
	return out, err
}

// nodeIDs runs a node create or merge statement and records the nodes it
// returns, as existing before the batch or not. Merged placeholders count as
// existing: another batch may have created one.
func (w *writer) nodeIDs(q, param string, rows []any, into map[string]nodeState, existed bool) error {
	return w.collected(q, param, rows, func(v []any) error {
		first, eid, _, err := triple(v)
		id, ok := first.(string)
		if err != nil || !ok {
			return fmt.Errorf("unexpected node %v (%v)", v, err)
		}
		into[id] = nodeState{eid: eid, existed: existed}
		return nil
	})
}

func anys(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// createRels runs a relationship create statement and checks that every row
// created one.
func (w *writer) createRels(q string, rows []any) error {
	for i := 0; i < len(rows); i += stmtRows {
		chunk := rows[i:min(i+stmtRows, len(rows))]
		res, err := w.tx.Run(w.ctx, q, map[string]any{"rows": chunk})
		if err != nil {
			return err
		}
		rec, err := res.Single(w.ctx)
		if err != nil {
			return err
		}
		n, _, err := neo4j.GetRecordValue[int64](rec, "n")
		if err != nil {
			return err
		}
		if n != int64(len(chunk)) {
			return errStaleNode
		}
	}
	return nil
}

func setList(m map[string]bool) []any {
	out := make([]any, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	return out
}

// run runs a statement and discards its result.
func run(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) error {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}
