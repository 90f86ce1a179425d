package neo4j

import "hash/maphash"

// bloom is a Bloom filter of relationship keys: has never answers false for a
// key that was added. A large run into an empty store uses it to skip reading
// relationships that cannot exist yet (no earlier batch of the run put them).
type bloom struct {
	bits []uint64
	seed maphash.Seed
}

const bloomHashes = 7

// newBloom sizes a filter for n keys at about 1% false positives.
func newBloom(n int) *bloom {
	words := max(1, (n*10+63)/64)
	return &bloom{bits: make([]uint64, words), seed: maphash.MakeSeed()}
}

func (b *bloom) positions(key []byte, fn func(word int, bit uint64)) {
	h := maphash.Bytes(b.seed, key)
	h1, h2 := uint32(h), uint32(h>>32)|1
	m := uint64(len(b.bits) * 64)
	for i := range uint32(bloomHashes) {
		p := uint64(h1+i*h2) % m
		fn(int(p/64), 1<<(p%64))
	}
}

func (b *bloom) add(key []byte) {
	b.positions(key, func(w int, bit uint64) { b.bits[w] |= bit })
}

func (b *bloom) has(key []byte) bool {
	all := true
	b.positions(key, func(w int, bit uint64) { all = all && b.bits[w]&bit != 0 })
	return all
}
