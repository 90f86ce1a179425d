package neo4j

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/store"
)

// Bookkeeping (store.MetaTx) lives in :KeiretsuKV {id, b, k, v} nodes, id
// being the bucket and key joined by a NUL byte: never records, left out of
// scans and of the content hash like every Keiretsu label. A bookkeeping
// transaction first writes the :KeiretsuLock {id: 'bookkeeping'} node, which
// serialises it with every other process's.
const (
	cypherMetaLockInit = `MERGE (l:KeiretsuLock {id: 'bookkeeping'}) ON CREATE SET l.n = 0`
	cypherMetaLock     = `MATCH (l:KeiretsuLock {id: 'bookkeeping'}) SET l.n = l.n + 1`
	cypherMetaGet      = `MATCH (n:KeiretsuKV {id: $id}) RETURN n.v AS v`
	cypherMetaPut      = `MERGE (n:KeiretsuKV {id: $id}) SET n.b = $b, n.k = $k, n.v = $v`
	cypherMetaDelete   = `MATCH (n:KeiretsuKV {id: $id}) DELETE n`
	cypherMetaScan     = `MATCH (n:KeiretsuKV) WHERE n.b = $b AND n.k >= $from
RETURN n.k AS k, n.v AS v ORDER BY n.k LIMIT $limit`
)

// metaPage is how many keys a bookkeeping scan reads per query.
const metaPage = 1000

// UpdateMeta runs fn in one write transaction, serialised by the bookkeeping
// lock. The driver may run fn again when the transaction is retried.
func (s *Store) UpdateMeta(ctx context.Context, fn func(store.MetaTx) error) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := run(ctx, tx, cypherMetaLock, nil); err != nil {
			return nil, err
		}
		return nil, fn(metaTx{ctx, tx})
	})
	if err != nil {
		return fmt.Errorf("bookkeeping: %w", err)
	}
	return nil
}

// ViewMeta runs fn in one read transaction.
func (s *Store) ViewMeta(ctx context.Context, fn func(store.MetaTx) error) error {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, fn(metaTx{ctx, tx})
	})
	if err != nil {
		return fmt.Errorf("bookkeeping: %w", err)
	}
	return nil
}

type metaTx struct {
	ctx context.Context
	tx  neo4j.ManagedTransaction
}

func metaID(bucket, key string) string { return bucket + "\x00" + key }

func (m metaTx) Get(bucket, key string) ([]byte, error) {
	res, err := m.tx.Run(m.ctx, cypherMetaGet, map[string]any{"id": metaID(bucket, key)})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(m.ctx)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	v, _, err := neo4j.GetRecordValue[[]byte](recs[0], "v")
	return v, err
}

func (m metaTx) Put(bucket, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	return run(m.ctx, m.tx, cypherMetaPut, map[string]any{"id": metaID(bucket, key), "b": bucket, "k": key, "v": value})
}

func (m metaTx) Delete(bucket, key string) error {
	return run(m.ctx, m.tx, cypherMetaDelete, map[string]any{"id": metaID(bucket, key)})
}

func (m metaTx) Scan(bucket, from string, fn func(string, []byte) bool) error {
	for {
		res, err := m.tx.Run(m.ctx, cypherMetaScan, map[string]any{"b": bucket, "from": from, "limit": int64(metaPage)})
		if err != nil {
			return err
		}
		recs, err := res.Collect(m.ctx)
		if err != nil {
			return err
		}
		for _, r := range recs {
			k, _, err := neo4j.GetRecordValue[string](r, "k")
			if err != nil {
				return err
			}
			v, _, err := neo4j.GetRecordValue[[]byte](r, "v")
			if err != nil {
				return err
			}
			if !fn(k, v) {
				return nil
			}
			from = k + "\x00"
		}
		if len(recs) < metaPage {
			return nil
		}
	}
}
