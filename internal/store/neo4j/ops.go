package neo4j

import (
	"encoding/binary"
	"errors"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// op is one write of a run: a put (data is the record's canonical encoding) or
// a delete (data is the key's KeyBytes).
type op struct {
	del  bool
	data []byte
}

var errCorruptBatch = errors.New("corrupt staged batch")

// encodeOps packs ops into the byte blob kept in staging and change-log nodes:
// for each op a flag byte (0 put, 1 delete), a uvarint length and the bytes.
func encodeOps(ops []op) []byte {
	n := 0
	for _, o := range ops {
		n += 1 + binary.MaxVarintLen32 + len(o.data)
	}
	b := make([]byte, 0, n)
	for _, o := range ops {
		flag := byte(0)
		if o.del {
			flag = 1
		}
		b = append(b, flag)
		b = binary.AppendUvarint(b, uint64(len(o.data)))
		b = append(b, o.data...)
	}
	return b
}

// decodeOps is the inverse of encodeOps. The ops share b's memory.
func decodeOps(b []byte) ([]op, error) {
	var out []op
	for len(b) > 0 {
		flag := b[0]
		n, k := binary.Uvarint(b[1:])
		if flag > 1 || k <= 0 || uint64(len(b)-1-k) < n {
			return nil, errCorruptBatch
		}
		start := 1 + k
		out = append(out, op{del: flag == 1, data: b[start : start+int(n)]})
		b = b[start+int(n):]
	}
	return out, nil
}

// opKey returns the key of an op as KeyBytes.
func opKey(o op) ([]byte, error) {
	if o.del {
		return o.data, nil
	}
	var r model.Record
	if err := r.Decode(o.data); err != nil {
		return nil, err
	}
	return r.Key().KeyBytes(), nil
}

// dedupe keeps the last op of every key, in first-seen order: within one
// transaction the statements run by kind, not in op order, so a batch must not
// name a key twice.
func dedupe(ops []op) ([]op, error) {
	seen := make(map[string]int, len(ops))
	out := make([]op, 0, len(ops))
	for _, o := range ops {
		k, err := opKey(o)
		if err != nil {
			return nil, err
		}
		if i, ok := seen[string(k)]; ok {
			out[i] = o
			continue
		}
		seen[string(k)] = len(out)
		out = append(out, o)
	}
	return out, nil
}

// changesOf turns decoded ops into follower changes (records are fresh copies).
func changesOf(ops []op, out []store.Change) ([]store.Change, error) {
	for _, o := range ops {
		if o.del {
			k, err := model.ParseKey(o.data)
			if err != nil {
				return nil, err
			}
			out = append(out, store.Change{Delete: true, Key: k})
			continue
		}
		r := &model.Record{}
		if err := r.Decode(o.data); err != nil {
			return nil, err
		}
		out = append(out, store.Change{Key: r.Key(), Record: r})
	}
	return out, nil
}
