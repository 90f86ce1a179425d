package spill_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/keiretsu/keiretsu/internal/spill"
)

// byKey compares records by their first 4 bytes only, so that records with
// the same key and different tails show the order among equals.
func byKey(a, b []byte) int { return bytes.Compare(a[:4], b[:4]) }

func TestSortedMergesRunsStably(t *testing.T) {
	for _, limit := range []int{1 << 30, 4096, 64} { // all in memory, some runs, a run per few records
		dir := t.TempDir()
		s := spill.New(dir, limit, byKey)
		rng := rand.New(rand.NewPCG(1, 2))
		type rec struct{ key, seq uint32 }
		var want []rec
		for i := range 20_000 {
			r := rec{rng.Uint32N(500), uint32(i)}
			want = append(want, r)
			b := binary.BigEndian.AppendUint32(nil, r.key)
			b = binary.BigEndian.AppendUint32(b, r.seq)
			if err := s.Add(b); err != nil {
				t.Fatal(err)
			}
		}
		slices.SortStableFunc(want, func(a, b rec) int { return int(a.key) - int(b.key) })
		if limit < 1<<20 && s.Spilled() == 0 {
			t.Fatalf("limit %d: nothing spilled", limit)
		}
		// The run files are unlinked at once: nothing is left in dir.
		if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) > 0 {
			t.Errorf("limit %d: files left in the directory: %v", limit, left)
		}
		for pass := range 2 { // a second pass reads the same
			it := s.Sorted()
			i := 0
			for it.Next() {
				r := it.Rec()
				got := rec{binary.BigEndian.Uint32(r), binary.BigEndian.Uint32(r[4:])}
				if i >= len(want) || got != want[i] {
					t.Fatalf("limit %d, pass %d: record %d = %v, want %v", limit, pass, i, got, want[min(i, len(want)-1)])
				}
				i++
			}
			if err := it.Err(); err != nil {
				t.Fatal(err)
			}
			if i != len(want) || s.Len() != len(want) {
				t.Errorf("limit %d, pass %d: read %d records, Len %d, added %d", limit, pass, i, s.Len(), len(want))
			}
		}
		if err := s.Add([]byte("late")); err == nil {
			t.Errorf("Add after Sorted succeeded")
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRunsGoToTheDirectory(t *testing.T) {
	s := spill.New(filepath.Join(t.TempDir(), "missing"), 8, byKey)
	defer s.Close()
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		err = s.Add([]byte("abcdefgh"))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("spilling into a missing directory: %v", err)
	}
}
