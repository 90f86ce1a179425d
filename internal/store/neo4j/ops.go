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
	// Where a staged run puts the op: phase 0 (node records) or 1
	// (relationships), and the partition of its key. Not encoded.
	phase, part uint8
}

// place returns the phase and partition of a write of key k among parts
// partitions. buf is scratch space, returned for reuse.
func place(k model.Key, parts int, buf []byte) (phase, part uint8, _ []byte) {
	buf = k.AppendBytes(buf[:0])
	if !k.Kind.IsNode() {
		phase = 1
	}
	// FNV-1a, then mixed (murmur3's finalizer): FNV's low bits alone are poor.
	h := uint64(14695981039346656037)
	for _, c := range buf {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return phase, uint8(h % uint64(parts)), buf
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
