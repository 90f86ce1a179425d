package projection

// interner maps strings to dense indexes.
type interner struct {
	ids   []string
	index map[string]uint32
}

func newInterner() interner { return interner{index: map[string]uint32{}} }

func (in *interner) intern(s string) uint32 {
	if i, ok := in.index[s]; ok {
		return i
	}
	i := uint32(len(in.ids))
	in.ids = append(in.ids, s)
	in.index[s] = i
	return i
}

func (in *interner) lookup(s string) (uint32, bool) {
	i, ok := in.index[s]
	return i, ok
}

func (in *interner) len() int { return len(in.ids) }

// bytes estimates the memory held: string bytes, headers and the map.
func (in *interner) bytes() int {
	n := 0
	for _, s := range in.ids {
		n += len(s)
	}
	// slice header per id, map entry (hash, key header, value, overhead ~ 2x).
	return n + len(in.ids)*16 + len(in.index)*48
}
