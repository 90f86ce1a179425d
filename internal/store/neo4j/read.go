package neo4j

import (
	"context"
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// ErrScanOverlap is returned by Scan in the rare case that a write committed
// while it ran (its scan registration expired, e.g. after a long pause): what
// fn saw may mix two states, and the caller should scan again.
var ErrScanOverlap = errors.New("a write committed during the scan")

// errApplying makes a reader wait for a commit being applied.
var errApplying = errors.New("commit being applied")

// Scan streams every record and returns the content hash and position of
// exactly the state it read. The scan registers itself first (waiting while a
// commit is being applied); commits wait for registered scans, so a scan never
// sees part of a run. Records are decoded from their canonical encodings as the
// result streams in; fn's record is reused after fn returns.
func (s *Store) Scan(ctx context.Context, fn func(*model.Record) error) (store.Mark, error) {
	if c := s.loading.Load(); c != nil {
		// No record: the load started from none.
		return store.Mark{Version: c.hash, Position: uint64(c.position)}, nil
	}
	rd, err := s.registerReader(ctx)
	if err != nil {
		return store.Mark{}, fmt.Errorf("scan: %w", err)
	}
	defer s.dropReader(rd)
	if err := s.scan(ctx, fn); err != nil {
		return store.Mark{}, fmt.Errorf("scan: %w", err)
	}
	m, err := s.readMeta(ctx)
	if err != nil {
		return store.Mark{}, fmt.Errorf("scan: %w", err)
	}
	if rd.ren.lost.Load() || m.position != rd.position || m.applying != "" {
		return store.Mark{}, fmt.Errorf("scan: %w", ErrScanOverlap)
	}
	return store.Mark{Version: rd.hash, Position: uint64(rd.position)}, nil
}

// scan reads every record in pages of Config.ScanPage nodes, each page one
// result row (see tmplScanPage), in one transaction, and decodes a page while
// the next is read. A row per record would cost more than decoding it: when
// the server sends a receive timeout hint, as Neo4j does by default, the Go
// driver reads each message under a context with a deadline, which starts a
// goroutine and a timer (loading the medium benchmark's 1.76 million records
// took 13 s, 12.5 of them the client's CPU; paged, 4.5 s).
func (s *Store) scan(ctx context.Context, fn func(*model.Record) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan scanRow, 1)
	read := make(chan error, 1)
	go func() {
		defer close(pages)
		read <- s.scanPages(ctx, pages)
	}()
	var r model.Record
	emit := func(v any) error {
		b, ok := v.([]byte)
		if !ok {
			return fmt.Errorf("stored record: _rec is %T, not bytes", v)
		}
		if err := r.Decode(b); err != nil {
			return fmt.Errorf("stored record: %w", err)
		}
		return fn(&r)
	}
	var err error
	for p := range pages {
		if err == nil {
			if err = p.each(emit); err != nil {
				cancel() // the reader stops; the loop drains what it sent
			}
		}
	}
	if rerr := <-read; err == nil {
		err = rerr
	}
	return err
}

// scanRow is a page of a scan: the nodes' encodings, and a list of encodings
// per node for their relationships.
type scanRow struct{ nodes, rels []any }

func (p scanRow) each(fn func(any) error) error {
	for _, v := range p.nodes {
		if err := fn(v); err != nil {
			return err
		}
	}
	for _, rs := range p.rels {
		rs, _ := rs.([]any)
		for _, v := range rs {
			if err := fn(v); err != nil {
				return err
			}
		}
	}
	return nil
}

// scanPages sends every page of every label to pages, reading in one
// transaction.
func (s *Store) scanPages(ctx context.Context, pages chan<- scanRow) error {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		return err
	}
	defer tx.Close(context.WithoutCancel(ctx))
	// Where nodes have many relationships (holding companies), pages shrink so
	// that a row stays near target records, and grow back after.
	target := 10 * s.cfg.ScanPage
	for _, l := range nodeLabels {
		after, n := "", s.cfg.ScanPage
		for {
			res, err := tx.Run(ctx, scanPage[l], map[string]any{"after": after, "n": n})
			if err != nil {
				return err
			}
			row, err := res.Single(ctx)
			if err != nil {
				return err
			}
			last, ok := row.Values[0].(string)
			if !ok {
				break // an empty page: the label is done
			}
			nodes, _ := row.Values[1].([]any)
			rels, _ := row.Values[2].([]any)
			count := 0
			for _, rs := range rels {
				rs, _ := rs.([]any)
				count += len(rs)
			}
			if s.afterScanPage != nil {
				s.afterScanPage(n, len(rels), count)
			}
			switch {
			case count > 2*target:
				n = max(n/2, 1)
			case count < target/2:
				n = min(n*2, s.cfg.ScanPage)
			}
			select {
			case pages <- scanRow{nodes, rels}:
			case <-ctx.Done():
				return ctx.Err()
			}
			after = last
		}
	}
	return nil
}

// Get returns the records with the given keys, in order; nil where none is
// stored. It reads in one transaction and retries when a commit published in
// the meantime, and waits while one is being applied.
func (s *Store) Get(ctx context.Context, keys []model.Key) ([]*model.Record, error) {
	out := make([]*model.Record, len(keys))
	if s.loading.Load() != nil {
		return out, nil // no record: the load started from none
	}
	nodes := map[string][]any{}
	rels := map[model.Kind][]any{}
	for i, k := range keys {
		g, ok := graphOf[k.Kind]
		switch {
		case !ok:
		case k.Kind.IsNode():
			nodes[g.label] = append(nodes[g.label], map[string]any{"i": int64(i), "id": k.Src})
		default:
			rels[k.Kind] = append(rels[k.Kind], map[string]any{"i": int64(i), "src": k.Src, "dst": k.Dst, "k": int64(k.From)})
		}
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	err := s.waitApplied(ctx, func() (bool, error) {
		clear(out)
		_, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			before, err := metaIn(ctx, tx)
			if err != nil {
				return struct{}{}, err
			}
			if before.applying != "" {
				return struct{}{}, errApplying
			}
			for _, l := range nodeLabels {
				if err := getInto(ctx, tx, nodeQ[l].get, nodes[l], out); err != nil {
					return struct{}{}, err
				}
			}
			for _, k := range model.Kinds {
				if err := getInto(ctx, tx, relQ[k].get, rels[k], out); err != nil {
					return struct{}{}, err
				}
			}
			after, err := metaIn(ctx, tx)
			if err != nil {
				return struct{}{}, err
			}
			if after.applying != "" || after.position != before.position {
				return struct{}{}, errApplying
			}
			return struct{}{}, nil
		})
		if errors.Is(err, errApplying) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("get records: %w", err)
	}
	return out, nil
}

func getInto(ctx context.Context, tx neo4j.ManagedTransaction, q string, rows []any, out []*model.Record) error {
	if len(rows) == 0 {
		return nil
	}
	res, err := tx.Run(ctx, q, map[string]any{"rows": rows})
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		var e errs
		i := get[int64](res.Record(), "i", &e)
		b := get[[]byte](res.Record(), "rec", &e)
		if e.err != nil {
			return e.err
		}
		r := &model.Record{}
		if err := r.Decode(b); err != nil {
			return fmt.Errorf("stored record: %w", err)
		}
		out[i] = r
	}
	return res.Err()
}

// Version returns the content hash of the last committed run. While a staged
// run is being applied it is still the previous run's.
func (s *Store) Version(ctx context.Context) (model.Hash, error) {
	m, err := s.readMeta(ctx)
	if err != nil {
		return model.Hash{}, fmt.Errorf("read version: %w", err)
	}
	return m.hash, nil
}

// waitVersion waits until no commit is being applied and returns the version.
func (s *Store) waitVersion(ctx context.Context) (model.Hash, error) {
	var h model.Hash
	err := s.waitApplied(ctx, func() (bool, error) {
		m, err := s.readMeta(ctx)
		h = m.hash
		return err == nil && m.applying == "", err
	})
	return h, err
}

// readMeta reads the committed state of the meta node.
func (s *Store) readMeta(ctx context.Context) (meta, error) {
	res, err := s.query(ctx, cypherReadMeta, nil, true)
	if err != nil {
		return meta{}, err
	}
	if len(res.Records) != 1 {
		return meta{}, errors.New("no meta node: the database was not opened by keiretsu")
	}
	return metaOf(res.Records[0])
}

func metaIn(ctx context.Context, tx neo4j.ManagedTransaction) (meta, error) {
	res, err := tx.Run(ctx, cypherReadMeta, nil)
	if err != nil {
		return meta{}, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return meta{}, fmt.Errorf("read meta node: %w", err)
	}
	return metaOf(rec)
}

func metaOf(rec *neo4j.Record) (meta, error) {
	var m meta
	var e errs
	m.hash = model.HashFromBytes(get[[]byte](rec, "hash", &e))
	m.position = get[int64](rec, "position", &e)
	m.logFrom = get[int64](rec, "logFrom", &e)
	m.applying = get[string](rec, "applying", &e)
	return m, e.err
}
