// Package search finds entities and products by id, name, alias or identifier,
// case- and punctuation-insensitively (see names.Fold). An Index is immutable and
// rebuilt with the projection when the data changes; it is persisted with it
// (WriteImage, ReadImage: see package persist).
package search

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"unsafe"

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

// The index keeps its strings in one byte arena and refers to them by offset, so
// it holds no Go pointer per entry: millions of names cost the garbage collector
// nothing to scan.
type entry struct {
	key  span // folded text
	node uint32
	what uint8 // 0 id, 1 name, 2 alias, 3 identifier
}

type node struct {
	id, name span
	kind     model.Kind
}

type span struct{ off, n uint32 }

// Index is a search index over node records.
type Index struct {
	text    []byte // arena of every string below
	nodes   []node
	entries []entry // sorted by key
}

func (ix *Index) put(s string) span {
	sp := span{off: uint32(len(ix.text)), n: uint32(len(s))}
	ix.text = append(ix.text, s...)
	return sp
}

func (ix *Index) str(sp span) string {
	if sp.n == 0 {
		return ""
	}
	return unsafe.String(&ix.text[sp.off], int(sp.n))
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
	b.idx.nodes = append(b.idx.nodes, node{id: b.idx.put(r.ID), name: b.idx.put(r.Name), kind: r.Kind})
	add := func(text string, what uint8) {
		if k := names.Fold(text); k != "" {
			b.idx.entries = append(b.idx.entries, entry{key: b.idx.put(k), node: n, what: what})
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
	ix := &b.idx
	slices.SortFunc(ix.entries, func(x, y entry) int { return strings.Compare(ix.str(x.key), ix.str(y.key)) })
	return ix
}

// Rebuild returns a builder holding the index's nodes except those whose keys are
// in skip, to which changed records are then added.
func (ix *Index) Rebuild(skip map[model.Key]bool) *Builder {
	b := NewBuilder()
	keep := make([]int32, len(ix.nodes))
	for i, n := range ix.nodes {
		keep[i] = -1
		if skip[model.Key{Kind: n.kind, Src: ix.str(n.id), From: model.MinDate}] {
			continue
		}
		keep[i] = int32(len(b.idx.nodes))
		b.idx.nodes = append(b.idx.nodes, node{id: b.idx.put(ix.str(n.id)), name: b.idx.put(ix.str(n.name)), kind: n.kind})
	}
	for _, e := range ix.entries {
		if k := keep[e.node]; k >= 0 {
			b.idx.entries = append(b.idx.entries, entry{key: b.idx.put(ix.str(e.key)), node: uint32(k), what: e.what})
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
	i := sort.Search(len(ix.entries), func(i int) bool { return ix.str(ix.entries[i].key) >= q })
	for j := i; j < len(ix.entries) && strings.HasPrefix(ix.str(ix.entries[j].key), q); j++ {
		e := ix.entries[j]
		if key := ix.str(e.key); key == q {
			note(e.node, exact[e.what])
		} else {
			note(e.node, 0.6+0.3*float64(len(q))/float64(len(key)))
		}
	}
	if len(best) < limit {
		for _, e := range ix.entries {
			if _, ok := best[e.node]; ok {
				continue
			}
			if key := ix.str(e.key); strings.Contains(key, q) {
				note(e.node, 0.3+0.3*float64(len(q))/float64(len(key)))
			}
		}
	}
	hits := make([]Hit, 0, len(best))
	for n, s := range best {
		nd := ix.nodes[n]
		hits = append(hits, Hit{ID: strings.Clone(ix.str(nd.id)), Name: strings.Clone(ix.str(nd.name)), Kind: nd.kind.String(), Score: float64(int(s*1000+0.5)) / 1000})
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
