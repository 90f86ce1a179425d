package rules

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPathReadsHeadThenTail(t *testing.T) {
	a, b, c := Hop{From: "a", To: "b"}, Hop{From: "b", To: "c"}, Hop{From: "c", To: "R"}
	p := Path{head: []Hop{a, b}, tail: []Hop{c}}
	if p.Len() != 3 || p.At(1) != b || p.At(2) != c {
		t.Errorf("path %v: len %d, at(1) %v, at(2) %v", p.Hops(), p.Len(), p.At(1), p.At(2))
	}
	var seen []int
	for i, h := range p.All() {
		if h != p.At(i) {
			t.Errorf("All yields %v at %d, At gives %v", h, i, p.At(i))
		}
		seen = append(seen, i)
		if i == 1 {
			break
		}
	}
	if !slices.Equal(seen, []int{0, 1}) {
		t.Errorf("All stopped after %v", seen)
	}
	hops := p.Hops()
	hops[0].From = "x"
	if p.At(0).From != "a" {
		t.Error("Hops returned the path's own hops")
	}
	if q := PathOf(a, b); q.Len() != 2 || q.At(1) != b {
		t.Errorf("PathOf: %v", q.Hops())
	}
}

// TestPathsOutliveTheScratch: findings share hops with each other, and a
// screening's scratch is reused by the next; an answer's paths stay as they
// were when later screenings run.
func TestPathsOutliveTheScratch(t *testing.T) {
	e := genEngine(t, 20_000)
	regs := e.Regimes().All()
	s := e.Snapshot()
	var ids []string
	for i := 0; i < s.NumProducts() && len(ids) < 400; i++ {
		if s.ProductDefined(uint32(i)) {
			ids = append(ids, s.ProductID(uint32(i)))
		}
	}
	paths := func(sc *Screening) [][]string {
		var out [][]string
		for _, r := range sc.Results {
			for _, f := range r.Findings {
				out = append(out, pathStrings(f.Path.Hops()))
			}
		}
		return out
	}
	var kept []*Screening
	var want [][][]string
	for _, id := range ids {
		sc, err := e.ScreenProduct(id, benchDay, regs)
		if err != nil {
			t.Fatal(err)
		}
		kept, want = append(kept, sc), append(want, paths(sc))
	}
	found := 0
	for i, sc := range kept {
		found += len(want[i])
		if d := cmp.Diff(want[i], paths(sc)); d != "" {
			t.Fatalf("%s: paths changed after later screenings (-then +now):\n%s", ids[i], d)
		}
	}
	if found < 100 {
		t.Fatalf("only %d findings in %d products: the test screens too little", found, len(ids))
	}
}
