package neo4j

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
)

// stmtRows bounds the rows of one UNWIND statement inside a transaction.
const stmtRows = 10_000

// nodeWrite and relWrite are the planned writes of one record.
type nodeWrite struct {
	id    string
	props map[string]any // nil for a delete
}

type relWrite struct {
	src, dst string
	k        int64
	key      []byte         // KeyBytes
	props    map[string]any // nil for a delete
}

// batchPlan is the deduplicated ops of one transaction, grouped by label and type.
type batchPlan struct {
	nodes map[string][]nodeWrite     // label -> puts and deletes
	rels  map[model.Kind][]relWrite  // kind -> puts and deletes
	ends  map[string]map[string]bool // label -> end ids of put relationships
	freed map[string]map[string]bool // label -> end ids of deleted relationships
	added model.Hash                 // sum of the hashes of the put encodings
}

func addID(m map[string]map[string]bool, label, id string) {
	if m[label] == nil {
		m[label] = map[string]bool{}
	}
	m[label][id] = true
}

func planOps(ops []op) (*batchPlan, error) {
	p := &batchPlan{
		nodes: map[string][]nodeWrite{}, rels: map[model.Kind][]relWrite{},
		ends: map[string]map[string]bool{}, freed: map[string]map[string]bool{},
	}
	var r model.Record
	for _, o := range ops {
		if o.del {
			k, err := model.ParseKey(o.data)
			if err != nil {
				return nil, fmt.Errorf("delete: %w", err)
			}
			g, ok := graphOf[k.Kind]
			switch {
			case !ok:
				return nil, fmt.Errorf("delete %s: unknown kind", k)
			case k.Kind.IsNode():
				p.nodes[g.label] = append(p.nodes[g.label], nodeWrite{id: k.Src})
			default:
				p.rels[k.Kind] = append(p.rels[k.Kind], relWrite{src: k.Src, dst: k.Dst, k: int64(k.From), key: o.data})
				addID(p.freed, g.src, k.Src)
				addID(p.freed, g.dst, k.Dst)
			}
			continue
		}
		if err := r.Decode(o.data); err != nil {
			return nil, fmt.Errorf("put: %w", err)
		}
		g, ok := graphOf[r.Kind]
		if !ok {
			return nil, fmt.Errorf("put %s: unknown kind", r.Key())
		}
		p.added = p.added.Add(model.HashOf(o.data))
		if r.Kind.IsNode() {
			p.nodes[g.label] = append(p.nodes[g.label], nodeWrite{id: r.ID, props: nodeProps(&r, o.data)})
			continue
		}
		p.rels[r.Kind] = append(p.rels[r.Kind], relWrite{src: r.Src, dst: r.Dst, k: int64(r.Valid.From), key: r.Key().KeyBytes(), props: relProps(&r, o.data)})
		addID(p.ends, g.src, r.Src)
		addID(p.ends, g.dst, r.Dst)
	}
	return p, nil
}

// found is an existing node or relationship: its element id and, for a record,
// its canonical encoding.
type found struct {
	eid string
	old []byte
}

// applyOps writes deduplicated ops to the graph inside tx and returns the change
// of the content hash: the hashes of the new encodings minus those of the
// encodings they replace or delete.
//
// It first reads the nodes the ops name or need (element id and encoding), then
// writes nodes (new record nodes and placeholders created, existing ones
// updated), reads the relationships between existing nodes, writes
// relationships (created between the nodes' element ids, or updated), deletes
// relationships, then node records, and removes placeholders left without
// relationships. Nodes come before the relationships that need them, and no
// statement both reads and writes a property, so none needs an Eager plan.
//
// fresh, when not nil, holds the keys of every relationship that can exist: the
// run started on an empty store, and fresh has the keys its earlier batches put.
// Relationships it does not hold are not read. applyOps adds the batch's keys.
func applyOps(ctx context.Context, tx neo4j.ManagedTransaction, ops []op, fresh *bloom) (model.Hash, error) {
	p, err := planOps(ops)
	if err != nil {
		return model.Hash{}, err
	}
	delta := p.added
	sub := func(old []byte) {
		if old != nil {
			delta = delta.Sub(model.HashOf(old))
		}
	}
	w := &writer{ctx: ctx, tx: tx}

	// Nodes: read, then create or update.
	nodes := map[string]map[string]found{}  // label -> id -> node, after the writes
	existed := map[string]map[string]bool{} // label -> ids that existed before
	nodeDels := map[string][]any{}
	for _, l := range nodeLabels {
		ids := map[string]bool{} // the ids to read; false once created here
		var recIDs, endIDs []any
		for _, n := range p.nodes[l] {
			ids[n.id] = true
			recIDs = append(recIDs, n.id)
		}
		for _, m := range []map[string]bool{p.ends[l], p.freed[l]} {
			for id := range m {
				if !ids[id] {
					ids[id] = true
					endIDs = append(endIDs, id)
				}
			}
		}
		if len(ids) == 0 {
			continue
		}
		nodes[l] = make(map[string]found, len(ids))
		if err := w.readNodes(nodeQ[l].read, recIDs, nodes[l]); err != nil {
			return delta, fmt.Errorf("read %s nodes: %w", l, err)
		}
		if err := w.readNodes(nodeQ[l].find, endIDs, nodes[l]); err != nil {
			return delta, fmt.Errorf("read %s nodes: %w", l, err)
		}
		existed[l] = make(map[string]bool, len(nodes[l]))
		for id := range nodes[l] {
			existed[l][id] = true
		}
		var create, update []any
		for _, n := range p.nodes[l] {
			f, ok := nodes[l][n.id]
			sub(f.old)
			switch {
			case n.props == nil && ok && f.old != nil:
				nodeDels[l] = append(nodeDels[l], map[string]any{"eid": f.eid, "id": n.id})
			case n.props == nil:
			case ok:
				update = append(update, map[string]any{"eid": f.eid, "props": n.props})
			default:
				create = append(create, map[string]any{"props": n.props})
				ids[n.id] = false // created here
			}
		}
		for id := range p.ends[l] {
			if _, ok := nodes[l][id]; !ok && ids[id] {
				create = append(create, map[string]any{"props": map[string]any{"id": id}})
			}
		}
		if err := w.create(nodeQ[l].create, create, nodes[l]); err != nil {
			return delta, fmt.Errorf("create %s nodes: %w", l, err)
		}
		if err := w.exec(cypherNodeUpdate, "rows", update); err != nil {
			return delta, fmt.Errorf("update %s nodes: %w", l, err)
		}
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
			if existed[g.src][r.src] && existed[g.dst][r.dst] && (fresh == nil || fresh.has(r.key)) {
				read = append(read, map[string]any{"i": int64(i), "a": nodes[g.src][r.src].eid, "b": nodes[g.dst][r.dst].eid, "k": r.k})
			}
		}
		got, err := w.readRels(relQ[k].read, read, len(rels))
		if err != nil {
			return delta, fmt.Errorf("read %s relationships: %w", k, err)
		}
		var create, update []any
		for i, r := range rels {
			f := got[i]
			sub(f.old)
			switch {
			case r.props == nil && f.eid != "":
				delRels = append(delRels, f.eid)
			case r.props == nil:
			case f.eid != "":
				update = append(update, map[string]any{"eid": f.eid, "props": r.props})
			default:
				create = append(create, map[string]any{"a": nodes[g.src][r.src].eid, "b": nodes[g.dst][r.dst].eid, "props": r.props})
			}
		}
		if err := w.exec(relQ[k].create, "rows", create); err != nil {
			return delta, fmt.Errorf("create %s relationships: %w", k, err)
		}
		if err := w.exec(cypherRelUpdate, "rows", update); err != nil {
			return delta, fmt.Errorf("update %s relationships: %w", k, err)
		}
	}

	if fresh != nil {
		for _, rels := range p.rels {
			for _, r := range rels {
				if r.props != nil {
					fresh.add(r.key)
				}
			}
		}
	}

	// Deletes.
	if err := w.exec(cypherRelDelete, "eids", delRels); err != nil {
		return delta, fmt.Errorf("delete relationships: %w", err)
	}
	for _, l := range nodeLabels {
		if err := w.exec(nodeQ[l].del, "rows", nodeDels[l]); err != nil {
			return delta, fmt.Errorf("delete %s nodes: %w", l, err)
		}
	}
	for _, l := range nodeLabels {
		if err := w.exec(nodeQ[l].cleanup, "ids", setList(p.freed[l])); err != nil {
			return delta, fmt.Errorf("clean up %s placeholders: %w", l, err)
		}
	}
	return delta, nil
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

// readNodes adds the existing nodes among ids to into, by id.
func (w *writer) readNodes(q string, ids []any, into map[string]found) error {
	for i := 0; i < len(ids); i += stmtRows {
		res, err := w.tx.Run(w.ctx, q, map[string]any{"ids": ids[i:min(i+stmtRows, len(ids))]})
		if err != nil {
			return err
		}
		for res.Next(w.ctx) {
			var e errs
			id := get[string](res.Record(), "id", &e)
			f := found{eid: get[string](res.Record(), "eid", &e), old: get[[]byte](res.Record(), "old", &e)}
			if e.err != nil {
				return e.err
			}
			into[id] = f
		}
		if err := res.Err(); err != nil {
			return err
		}
	}
	return nil
}

// readRels runs a relationship read over rows (each with its index i among n
// relationships) and returns, by index, the relationships found.
func (w *writer) readRels(q string, rows []any, n int) ([]found, error) {
	out := make([]found, n)
	for i := 0; i < len(rows); i += stmtRows {
		res, err := w.tx.Run(w.ctx, q, map[string]any{"rows": rows[i:min(i+stmtRows, len(rows))]})
		if err != nil {
			return nil, err
		}
		for res.Next(w.ctx) {
			var e errs
			j := get[int64](res.Record(), "i", &e)
			f := found{eid: get[string](res.Record(), "eid", &e), old: get[[]byte](res.Record(), "old", &e)}
			if e.err != nil {
				return nil, e.err
			}
			out[j] = f
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// create runs a node create statement and records the new nodes' element ids.
func (w *writer) create(q string, rows []any, into map[string]found) error {
	for i := 0; i < len(rows); i += stmtRows {
		res, err := w.tx.Run(w.ctx, q, map[string]any{"rows": rows[i:min(i+stmtRows, len(rows))]})
		if err != nil {
			return err
		}
		for res.Next(w.ctx) {
			var e errs
			id := get[string](res.Record(), "id", &e)
			eid := get[string](res.Record(), "eid", &e)
			if e.err != nil {
				return e.err
			}
			into[id] = found{eid: eid}
		}
		if err := res.Err(); err != nil {
			return err
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
