package projection

import (
	"github.com/keiretsu/keiretsu/internal/model"
)

// Edges is one edge kind in CSR form. Edge numbers run 0..Len()-1 in (source,
// target, from) order.
type Edges struct {
	off   []uint32 // per source node, len nsrc+1: edges of node x are off[x]..off[x+1]
	dst   []uint32
	from  []DateCode
	to    []DateCode
	inOff []uint32 // per target node, len ndst+1
	inIdx []uint32 // edge numbers in (target, source) order

	// Ownership only.
	share  []uint32    // exact share, or shareUnknown, or shareRangeBit|index into ranges
	ranges [][2]uint32 // (min, max) of range shares
	// Component only: essential flags, one bit per edge.
	essential []uint64
	// Sourcing only: the site of each edge (index+1 into the snapshot's sites, 0
	// when none); nil when no edge has a site.
	site []uint16
}

const (
	shareUnknown  = 0xFFFFFFFF
	shareRangeBit = 0x80000000
)

// Len is the number of edges.
func (e *Edges) Len() int { return len(e.dst) }

// Out returns the edge numbers [lo, hi) leaving source node x.
func (e *Edges) Out(x uint32) (lo, hi uint32) {
	if int(x)+1 >= len(e.off) {
		return 0, 0
	}
	return e.off[x], e.off[x+1]
}

// In returns the numbers of the edges entering target node y.
func (e *Edges) In(y uint32) []uint32 {
	if int(y)+1 >= len(e.inOff) {
		return nil
	}
	return e.inIdx[e.inOff[y]:e.inOff[y+1]]
}

// Dst is the target node of edge i.
func (e *Edges) Dst(i uint32) uint32 { return e.dst[i] }

// Src is the source node of edge i (a binary search over the offsets).
func (e *Edges) Src(i uint32) uint32 {
	lo, hi := 0, len(e.off)-1 // find the last x with off[x] <= i
	for lo < hi {
		mid := int(uint(lo+hi+1) >> 1)
		if e.off[mid] <= i {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return uint32(lo)
}

// Holds reports whether edge i is valid on the coded day q.
func (e *Edges) Holds(i uint32, q DateCode) bool { return holds(e.from[i], e.to[i], q) }

// Lo is the lower bound of ownership edge i's share (model.Share units).
func (e *Edges) Lo(i uint32) uint32 {
	s := e.share[i]
	switch {
	case s == shareUnknown:
		return 0
	case s&shareRangeBit != 0:
		return e.ranges[s&^shareRangeBit][0]
	}
	return s
}

// Hi is the upper bound of ownership edge i's share (100% when unknown).
func (e *Edges) Hi(i uint32) uint32 {
	s := e.share[i]
	switch {
	case s == shareUnknown:
		return model.Whole
	case s&shareRangeBit != 0:
		return e.ranges[s&^shareRangeBit][1]
	}
	return s
}

// Share returns ownership edge i's share as stored.
func (e *Edges) Share(i uint32) model.Share {
	s := e.share[i]
	switch {
	case s == shareUnknown:
		return model.UnknownShare
	case s&shareRangeBit != 0:
		r := e.ranges[s&^shareRangeBit]
		return model.Share{Min: r[0], Max: r[1], Mode: model.ShareRange}
	}
	return model.Share{Min: s, Max: s, Mode: model.ShareExact}
}

// Essential reports whether component edge i is essential.
func (e *Edges) Essential(i uint32) bool { return e.essential[i>>6]&(1<<(i&63)) != 0 }

// Site returns sourcing edge i's site number (0 when it has none); see
// Snapshot.SiteName.
func (e *Edges) Site(i uint32) uint16 {
	if e.site == nil {
		return 0
	}
	return e.site[i]
}

// edgeRec is an edge while a snapshot is being built.
type edgeRec struct {
	src, dst uint32
	from, to model.Date
	attr     uint32 // ownership: coded share; component: 1 if essential; sourcing: site number
}

// buildEdges sorts recs by (src, rank of dst, from) and lays them out as CSR, with
// each target's reverse list in rank order of the sources. Ranks order nodes by
// id, so every traversal meets neighbours in id order whatever order the records
// came in: answers (which of two equally short paths is shown) do not depend on
// the store or on the order of ingest.
func buildEdges(recs []edgeRec, nsrc, ndst int, srcOrder []uint32, dstRank []uint32, dd dateDict, ranges [][2]uint32, kind model.Kind) Edges {
	sortEdgeRecs(recs, nsrc, dstRank)
	m := len(recs)
	e := Edges{
		off:   make([]uint32, nsrc+1),
		dst:   make([]uint32, m),
		from:  make([]DateCode, m),
		to:    make([]DateCode, m),
		inOff: make([]uint32, ndst+1),
		inIdx: make([]uint32, m),
	}
	switch kind {
	case model.KindOwnership:
		e.share = make([]uint32, m)
		e.ranges = ranges
	case model.KindComponent:
		e.essential = make([]uint64, (m+63)/64)
	case model.KindSourcing:
		for i := range recs {
			if recs[i].attr != 0 {
				e.site = make([]uint16, m)
				break
			}
		}
	}
	for i, r := range recs {
		e.off[r.src+1]++
		e.inOff[r.dst+1]++
		e.dst[i] = r.dst
		e.from[i] = dd.codeFrom(r.from)
		e.to[i] = dd.codeTo(r.to)
		switch kind {
		case model.KindOwnership:
			e.share[i] = r.attr
		case model.KindComponent:
			if r.attr&1 != 0 {
				e.essential[i>>6] |= 1 << (uint(i) & 63)
			}
		case model.KindSourcing:
			if e.site != nil {
				e.site[i] = uint16(r.attr)
			}
		}
	}
	for x := 1; x <= nsrc; x++ {
		e.off[x] += e.off[x-1]
	}
	for y := 1; y <= ndst; y++ {
		e.inOff[y] += e.inOff[y-1]
	}
	// Filling targets' lists source by source, in rank order of the sources,
	// leaves each list sorted by the sources' ids.
	next := make([]uint32, ndst)
	copy(next, e.inOff[:ndst])
	for _, x := range srcOrder {
		for i := e.off[x]; i < e.off[x+1]; i++ {
			y := e.dst[i]
			e.inIdx[next[y]] = i
			next[y]++
		}
	}
	return e
}

// sortEdgeRecs orders by (src, rank of dst, from): a counting sort by src, then a
// small sort within each source's run.
func sortEdgeRecs(recs []edgeRec, nsrc int, dstRank []uint32) {
	if len(recs) == 0 {
		return
	}
	count := make([]uint32, nsrc+1)
	for _, r := range recs {
		count[r.src+1]++
	}
	for x := 1; x <= nsrc; x++ {
		count[x] += count[x-1]
	}
	out := make([]edgeRec, len(recs))
	pos := make([]uint32, nsrc)
	copy(pos, count[:nsrc])
	for _, r := range recs {
		out[pos[r.src]] = r
		pos[r.src]++
	}
	for x := 0; x < nsrc; x++ {
		run := out[count[x]:count[x+1]]
		if len(run) > 1 {
			insertionSortRun(run, dstRank)
		}
	}
	copy(recs, out)
}

func lessEdge(a, b *edgeRec, rank []uint32) bool {
	if a.dst != b.dst {
		return rank[a.dst] < rank[b.dst]
	}
	return a.from < b.from
}

func insertionSortRun(run []edgeRec, rank []uint32) {
	if len(run) > 32 {
		sortRunSlow(run, rank)
		return
	}
	for i := 1; i < len(run); i++ {
		for j := i; j > 0 && lessEdge(&run[j], &run[j-1], rank); j-- {
			run[j], run[j-1] = run[j-1], run[j]
		}
	}
}
