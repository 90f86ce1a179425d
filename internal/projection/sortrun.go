package projection

import (
	"slices"
	"strings"
	"sync"
)

func sortRunSlow(run []edgeRec, rank []uint32) {
	slices.SortFunc(run, func(a, b edgeRec) int {
		switch {
		case lessEdge(&a, &b, rank):
			return -1
		case lessEdge(&b, &a, rank):
			return 1
		}
		return 0
	})
}

// idOrder returns the node indexes of in sorted by id, and each index's rank in
// that order. The two halves are sorted in parallel and merged.
func idOrder(in *interner) (order, rank []uint32) {
	n := in.len()
	order = make([]uint32, n)
	for i := range order {
		order[i] = uint32(i)
	}
	cmp := func(a, b uint32) int { return strings.Compare(in.str(a), in.str(b)) }
	if n > 1<<15 {
		mid := n / 2
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); slices.SortFunc(order[:mid], cmp) }()
		slices.SortFunc(order[mid:], cmp)
		wg.Wait()
		merged := make([]uint32, 0, n)
		i, j := 0, mid
		for i < mid && j < n {
			if cmp(order[i], order[j]) <= 0 {
				merged, i = append(merged, order[i]), i+1
			} else {
				merged, j = append(merged, order[j]), j+1
			}
		}
		order = append(append(merged, order[i:mid]...), order[j:]...)
	} else {
		slices.SortFunc(order, cmp)
	}
	rank = make([]uint32, n)
	for r, x := range order {
		rank[x] = uint32(r)
	}
	return order, rank
}
