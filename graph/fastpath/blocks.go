package fastpath

import (
	"context"

	"github.com/keiretsu/keiretsu/internal/pace"
)

// maxBlock is the largest block of an answer being written.
const maxBlock = 1 << 20

// blocks is the writer's output, held in blocks that double up to maxBlock:
// a large answer grows without copying what it holds (a bytes.Buffer doubles
// and copies, and for a 40 MB answer one such step takes tens of
// milliseconds in which a heavy request cannot pause; see package pace).
type blocks struct {
	full [][]byte
	cur  []byte
	n    int // bytes in full
}

// grow starts a new block, twice the last one up to maxBlock.
func (b *blocks) grow() {
	size := 4 << 10
	if b.cur != nil {
		b.full = append(b.full, b.cur)
		b.n += len(b.cur)
		size = min(2*cap(b.cur), maxBlock)
	}
	b.cur = make([]byte, 0, size)
}

func (b *blocks) WriteByte(c byte) error {
	if len(b.cur) == cap(b.cur) {
		b.grow()
	}
	b.cur = append(b.cur, c)
	return nil
}

func (b *blocks) WriteString(s string) (int, error) { return put(b, s) }

func (b *blocks) Write(p []byte) (int, error) { return put(b, p) }

// put appends p, starting blocks as they fill.
func put[T string | []byte](b *blocks, p T) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(b.cur) == cap(b.cur) {
			b.grow()
		}
		k := copy(b.cur[len(b.cur):cap(b.cur)], p)
		b.cur = b.cur[:len(b.cur)+k]
		p = p[k:]
	}
	return n, nil
}

// Bytes returns what was written, in one slice: the one block of a small
// answer as it is, the blocks of a large one copied, with a pace point after
// each (m may be nil).
func (b *blocks) Bytes(ctx context.Context, m *pace.Meter) []byte {
	if len(b.full) == 0 {
		return b.cur
	}
	out := make([]byte, 0, b.n+len(b.cur))
	for _, blk := range b.full {
		out = append(out, blk...)
		_ = m.Check(ctx) // a request that is over ends at the next point that checks
	}
	return append(out, b.cur...)
}
