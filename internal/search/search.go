// Package search finds entities and products by id, name, alias or identifier,
// case- and punctuation-insensitively (see names.Fold). An Index is immutable and
// rebuilt with the projection when the data changes.
package search

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/names"
)

// Hit is one search result.
type Hit struct {
	ID    string
	Name  string
	Kind  string // "entity" or "product"
	Score float64
}

type entry struct {
	key  string // folded text
	node uint32
	what uint8 // 0 id, 1 name, 2 alias, 3 identifier
}

type node struct {
	id, name string
	kind     model.Kind
}

// Index is a search index over node records.
type Index struct {
	nodes   []node
	entries []entry // sorted by key
}

// Builder collects node records.
type Builder struct {
	idx   Index
	byKey map[model.Key]uint32
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder { return &Builder{byKey: map[model.Key]uint32{}} }

// Add indexes an entity or product record (other kinds are ignored).
func (b *Builder) Add(r *model.Record) {
	if r.Kind != model.KindEntity && r.Kind != model.KindProduct {
		return
	}
	n := uint32(len(b.idx.nodes))
	b.idx.nodes = append(b.idx.nodes, node{id: r.ID, name: r.Name, kind: r.Kind})
	add := func(text string, what uint8) {
		if k := names.Fold(text); k != "" {
			b.idx.entries = append(b.idx.entries, entry{key: k, node: n, what: what})
		}
	}
	add(r.ID, 0)
	add(r.Name, 1)
	for _, a := range r.Aliases {
		add(a, 2)
	}
	for _, id := range r.Identifiers {
		add(id.Value, 3)
		add(id.Scheme+":"+id.Value, 3)
	}
}

// Build sorts the entries. The builder must not be used afterwards.
func (b *Builder) Build() *Index {
	slices.SortFunc(b.idx.entries, func(x, y entry) int { return strings.Compare(x.key, y.key) })
	return &b.idx
}

// Rebuild returns a builder holding the index's nodes except those whose keys are
// in skip, to which changed records are then added.
func (ix *Index) Rebuild(skip map[model.Key]bool) *Builder {
	b := NewBuilder()
	keep := make([]int32, len(ix.nodes))
	for i, n := range ix.nodes {
		keep[i] = -1
		if skip[model.Key{Kind: n.kind, Src: n.id, From: model.MinDate}] {
			continue
		}
		keep[i] = int32(len(b.idx.nodes))
		b.idx.nodes = append(b.idx.nodes, n)
	}
	for _, e := range ix.entries {
		if k := keep[e.node]; k >= 0 {
			e.node = uint32(k)
			b.idx.entries = append(b.idx.entries, e)
		}
	}
	return b
}

// Search returns up to limit nodes matching text, best first: an exact id match,
// then exact names, aliases and identifiers, then prefixes, then substrings.
func (ix *Index) Search(text string, limit int) []Hit {
	q := names.Fold(text)
	if q == "" || limit <= 0 {
		return []Hit{}
	}
	best := map[uint32]float64{}
	note := func(n uint32, score float64) {
		if score > best[n] {
			best[n] = score
		}
	}
	exact := [...]float64{1.0, 0.95, 0.9, 0.9}
	i := sort.Search(len(ix.entries), func(i int) bool { return ix.entries[i].key >= q })
	for j := i; j < len(ix.entries) && strings.HasPrefix(ix.entries[j].key, q); j++ {
		e := ix.entries[j]
		if e.key == q {
			note(e.node, exact[e.what])
		} else {
			note(e.node, 0.6+0.3*float64(len(q))/float64(len(e.key)))
		}
	}
	if len(best) < limit {
		for _, e := range ix.entries {
			if _, ok := best[e.node]; !ok && strings.Contains(e.key, q) {
				note(e.node, 0.3+0.3*float64(len(q))/float64(len(e.key)))
			}
		}
	}
	hits := make([]Hit, 0, len(best))
	for n, s := range best {
		nd := ix.nodes[n]
		hits = append(hits, Hit{ID: nd.id, Name: nd.name, Kind: nd.kind.String(), Score: float64(int(s*1000+0.5)) / 1000})
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// Len is the number of indexed nodes.
func (ix *Index) Len() int { return len(ix.nodes) }
