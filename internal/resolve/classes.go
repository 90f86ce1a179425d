package resolve

// Pair is two entity ids, A < B (the order same_as records are stored in).
type Pair struct{ A, B string }

// MakePair orders a and b.
func MakePair(a, b string) Pair {
	if b < a {
		a, b = b, a
	}
	return Pair{a, b}
}

// Classes groups entity ids linked by same_as, directly or through a chain.
// The zero value is not usable; use NewClasses.
type Classes struct {
	parent map[string]string
}

// NewClasses returns the classes of the linked pairs.
func NewClasses(linked []Pair) *Classes {
	c := &Classes{parent: make(map[string]string, 2*len(linked))}
	for _, p := range linked {
		c.Union(p.A, p.B)
	}
	return c
}

// Find returns the representative of id's class (id itself when it is linked to
// nothing).
func (c *Classes) Find(id string) string {
	root := id
	for {
		p, ok := c.parent[root]
		if !ok || p == root {
			break
		}
		root = p
	}
	for id != root { // path compression
		next := c.parent[id]
		c.parent[id] = root
		id = next
	}
	return root
}

// Union links a and b; it reports whether they were in different classes.
func (c *Classes) Union(a, b string) bool {
	ra, rb := c.Find(a), c.Find(b)
	if ra == rb {
		return false
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	c.parent[ra] = ra
	c.parent[rb] = ra
	return true
}

// Same reports whether a and b are in one class.
func (c *Classes) Same(a, b string) bool { return a == b || c.Find(a) == c.Find(b) }
