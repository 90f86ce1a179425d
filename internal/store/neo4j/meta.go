package neo4j

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/store"
)

// Bookkeeping (store.MetaTx) lives in :KeiretsuKV {id, b, k, v} nodes, id
// being the bucket and key joined by a NUL byte (each as metaText writes it):
// never records, left out of
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

func metaID(bucket, key string) string { return metaText(bucket) + "\x00" + metaText(key) }

// metaText is a bookkeeping key as a Neo4j string, which must be valid UTF-8:
// each byte becomes the character of its value (U+0000-U+00FF), so that keys
// of any bytes (record keys hold binary dates) come back as they were and
// sort as their bytes do (Neo4j compares strings by UTF-16 code unit). ASCII
// keys are unchanged.
func metaText(key string) string {
	ascii := true
	for i := 0; i < len(key) && ascii; i++ {
		ascii = key[i] < utf8.RuneSelf
	}
	if ascii {
		return key
	}
	var b strings.Builder
	b.Grow(2 * len(key))
	for i := 0; i < len(key); i++ {
		b.WriteRune(rune(key[i]))
	}
	return b.String()
}

// metaKey reverses metaText.
func metaKey(text string) (string, error) {
	ascii := true
	for i := 0; i < len(text) && ascii; i++ {
		ascii = text[i] < utf8.RuneSelf
	}
	if ascii {
		return text, nil
	}
	b := make([]byte, 0, len(text))
	for _, r := range text {
		if r > 0xff {
			return "", fmt.Errorf("bookkeeping key %q: not written by this store", text)
		}
		b = append(b, byte(r))
	}
	return string(b), nil
}

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
	return run(m.ctx, m.tx, cypherMetaPut, map[string]any{"id": metaID(bucket, key), "b": metaText(bucket), "k": metaText(key), "v": value})
}

func (m metaTx) Delete(bucket, key string) error {
	return run(m.ctx, m.tx, cypherMetaDelete, map[string]any{"id": metaID(bucket, key)})
}

func (m metaTx) Scan(bucket, from string, fn func(string, []byte) bool) error {
	from = metaText(from)
	for {
		res, err := m.tx.Run(m.ctx, cypherMetaScan, map[string]any{"b": metaText(bucket), "from": from, "limit": int64(metaPage)})
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
			key, err := metaKey(k)
			if err != nil {
				return err
			}
			if !fn(key, v) {
				return nil
			}
			from = k + "\x00"
		}
		if len(recs) < metaPage {
			return nil
		}
	}
}
