package rules

import (
	"github.com/keiretsu/keiretsu/internal/projection"
)

// classes groups entities linked by same_as edges valid on a day. Without any,
// every entity is its own class and the maps are nil.
type classes struct {
	rep     map[uint32]uint32   // member -> representative (the smallest index)
	members map[uint32][]uint32 // representative -> members, itself included
}

func newClasses(s *projection.Snapshot, q projection.DateCode) *classes {
	c := &classes{}
	n := s.Same.Len()
	if n == 0 {
		return c
	}
	parent := map[uint32]uint32{}
	var find func(x uint32) uint32
	find = func(x uint32) uint32 {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for i := uint32(0); i < uint32(n); i++ {
		if !s.Same.Holds(i, q) {
			continue
		}
		a, b := find(s.Same.Src(i)), find(s.Same.Dst(i))
		if a == b {
			continue
		}
		if b < a {
			a, b = b, a
		}
		parent[a] = a
		parent[b] = a
	}
	if len(parent) == 0 {
		return c
	}
	c.rep = map[uint32]uint32{}
	c.members = map[uint32][]uint32{}
	for x := range parent {
		r := find(x)
		c.rep[x] = r
	}
	for x, r := range c.rep {
		c.members[r] = append(c.members[r], x)
	}
	for r, ms := range c.members {
		sortU32(ms)
		c.members[r] = ms
	}
	return c
}

// of returns x's representative.
func (c *classes) of(x uint32) uint32 {
	if c.rep == nil {
		return x
	}
	if r, ok := c.rep[x]; ok {
		return r
	}
	return x
}

// each calls fn for every member of x's class (x alone when it has no same_as).
func (c *classes) each(x uint32, fn func(m uint32)) {
	if c.members != nil {
		if ms, ok := c.members[c.of(x)]; ok {
			for _, m := range ms {
				fn(m)
			}
			return
		}
	}
	fn(x)
}

func sortU32(a []uint32) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
