package projection

import "slices"

func sortRunSlow(run []edgeRec) {
	slices.SortFunc(run, func(a, b edgeRec) int {
		switch {
		case lessEdge(&a, &b):
			return -1
		case lessEdge(&b, &a):
			return 1
		}
		return 0
	})
}
