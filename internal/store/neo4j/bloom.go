package neo4j

import "hash/maphash"

// bloom is a Bloom filter of record keys: has never answers false for a key
// that was added. A large run into an empty store uses it to skip reading nodes
// and relationships that cannot exist yet (no earlier batch of the run put
// them). It grows: when it holds as many keys as it was sized for, a filter
// twice as large is added, so the false positive rate stays about 1% also when
// the number of keys is not known in advance (a load).
type bloom struct {
	filters []bloomFilter
	n       int // keys added to the last filter
	seed    maphash.Seed
}

type bloomFilter struct {
	bits     []uint64
	capacity int
}

const bloomHashes = 7

// newBloom sizes a filter for n keys at about 1% false positives.
func newBloom(n int) *bloom {
	b := &bloom{seed: maphash.MakeSeed()}
	b.grow(max(n, 1024))
	return b
}

func (b *bloom) grow(n int) {
	b.filters = append(b.filters, bloomFilter{bits: make([]uint64, (n*10+63)/64), capacity: n})
	b.n = 0
}

func (f *bloomFilter) positions(h uint64, fn func(word int, bit uint64) bool) bool {
	h1, h2 := uint32(h), uint32(h>>32)|1
	m := uint64(len(f.bits) * 64)
	for i := range uint32(bloomHashes) {
		p := uint64(h1+i*h2) % m
		if !fn(int(p/64), 1<<(p%64)) {
			return false
		}
	}
	return true
}

func (b *bloom) add(key []byte) {
	last := &b.filters[len(b.filters)-1]
	if b.n >= last.capacity {
		b.grow(2 * last.capacity)
		last = &b.filters[len(b.filters)-1]
	}
	b.n++
	last.positions(maphash.Bytes(b.seed, key), func(w int, bit uint64) bool {
		last.bits[w] |= bit
		return true
	})
}

func (b *bloom) has(key []byte) bool {
	h := maphash.Bytes(b.seed, key)
	for i := range b.filters {
		f := &b.filters[i]
		if f.positions(h, func(w int, bit uint64) bool { return f.bits[w]&bit != 0 }) {
			return true
		}
	}
	return false
}
