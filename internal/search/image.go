package search

import (
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/persist"
)

// WriteImage writes the index's arrays to an image body (see package
// persist): the text arena, the nodes and the sorted entries, each as its
// memory.
func (ix *Index) WriteImage(w *persist.Writer) {
	persist.Put(w, ix.text)
	persist.Put(w, ix.nodes)
	persist.Put(w, ix.entries)
}

// ReadImage reads an index that WriteImage wrote; its arrays are views of
// the image's body. It checks every span and node number, so that no search
// can index out of range.
func ReadImage(r *persist.Reader) (*Index, error) {
	ix := &Index{text: persist.Get[byte](r), nodes: persist.Get[node](r), entries: persist.Get[entry](r)}
	if err := r.Err(); err != nil {
		return nil, err
	}
	n := uint64(len(ix.text))
	in := func(sp span) bool { return uint64(sp.off)+uint64(sp.n) <= n }
	for i, nd := range ix.nodes {
		if !in(nd.id) || !in(nd.name) || (nd.kind != model.KindEntity && nd.kind != model.KindProduct) {
			r.Fail("search node %d", i)
			return nil, r.Err()
		}
	}
	for i, e := range ix.entries {
		if !in(e.key) || int(e.node) >= len(ix.nodes) || e.what > 3 {
			r.Fail("search entry %d", i)
			return nil, r.Err()
		}
	}
	return ix, nil
}
