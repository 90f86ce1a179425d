package projection

import (
	"hash/maphash"
	"unsafe"
)

// interner maps strings to dense indexes. It keeps no Go pointers per string (the
// strings live in one byte arena, the hash table holds indexes), so a projection
// of millions of ids costs the garbage collector nothing to scan and about 22
// bytes per id on top of the id's own bytes.
type interner struct {
	data  []byte   // the strings, one after the other
	off   []uint32 // string i is data[off[i]:off[i+1]]; len n+1
	table []uint32 // open addressing, linear probing: 0 = empty, else index+1
	seed  maphash.Seed
}

func newInterner() interner {
	return interner{off: []uint32{0}, table: make([]uint32, 16), seed: maphash.MakeSeed()}
}

func (in *interner) len() int { return len(in.off) - 1 }

// str returns string i without copying: the arena is append-only, so the bytes
// behind a returned string never change.
func (in *interner) str(i uint32) string {
	a, b := in.off[i], in.off[i+1]
	if a == b {
		return ""
	}
	return unsafe.String(&in.data[a], int(b-a))
}

func (in *interner) find(s string) (slot int, idx uint32, ok bool) {
	mask := len(in.table) - 1
	slot = int(maphash.String(in.seed, s)) & mask
	for {
		v := in.table[slot]
		if v == 0 {
			return slot, 0, false
		}
		if in.str(v-1) == s {
			return slot, v - 1, true
		}
		slot = (slot + 1) & mask
	}
}

func (in *interner) lookup(s string) (uint32, bool) {
	_, i, ok := in.find(s)
	return i, ok
}

func (in *interner) intern(s string) uint32 {
	slot, i, ok := in.find(s)
	if ok {
		return i
	}
	i = uint32(in.len())
	in.data = append(in.data, s...)
	in.off = append(in.off, uint32(len(in.data)))
	in.table[slot] = i + 1
	if 2*(in.len()) > len(in.table) {
		in.grow()
	}
	return i
}

func (in *interner) grow() { in.fill(2 * len(in.table)) }

// fill makes the hash table size slots (a power of two) and puts every
// string in it.
func (in *interner) fill(size int) {
	table := make([]uint32, size)
	mask := size - 1
	for i := uint32(0); i < uint32(in.len()); i++ {
		slot := int(maphash.String(in.seed, in.str(i))) & mask
		for table[slot] != 0 {
			slot = (slot + 1) & mask
		}
		table[slot] = i + 1
	}
	in.table = table
}

// bytes is the memory the strings, offsets and table need (not a builder's
// spare capacity, so that a snapshot read from an image, which has none,
// counts the same).
func (in *interner) bytes() int { return len(in.data) + 4*len(in.off) + 4*len(in.table) }

// rehash rebuilds the hash table of an interner read from an image (whose
// strings and offsets came without one), with a fresh seed.
func (in *interner) rehash() {
	in.seed = maphash.MakeSeed()
	size := 16 // the table intern grows: the smallest power of two >= 2*len, at least 16
	for size < 2*in.len() {
		size *= 2
	}
	in.fill(size)
}
