package persist

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/model"
)

// TestSaveLoad: arrays come back as written, in order and aligned; a reader
// that reads less than was written, or reads past the end, is an error; a
// temporary file a killed writer left long ago is removed, a recent one (a
// live writer's) is not.
func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.img")
	old := path + ".123.tmp"
	recent := path + ".456.tmp"
	for _, f := range []string{old, recent} {
		if err := os.WriteFile(f, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(old, time.Now().Add(-2*abandonedAfter), time.Now().Add(-2*abandonedAfter)); err != nil {
		t.Fatal(err)
	}
	version := model.HashOf([]byte("v"))
	bytes3 := []byte{1, 2, 3}
	u16 := []uint16{7, 8, 9, 10, 11}
	pairs := [][2]uint32{{1, 2}, {3, 4}}
	if err := Save(path, version, func(w *Writer) error {
		Put(w, bytes3)
		Put(w, u16)
		Put[uint32](w, nil)
		Put(w, pairs)
		w.Uint64(42)
		return w.Err()
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the abandoned temporary file is still there: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("a recent temporary file was removed: %v", err)
	}
	r, err := Load(path, version)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{Get[byte](r), GetN[uint16](r, 5), Get[uint32](r), Get[[2]uint32](r), r.Uint64()}
	if err := r.End(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{bytes3, u16, []uint32(nil), pairs, uint64(42)}, got); diff != "" {
		t.Fatalf("read back (-written +read):\n%s", diff)
	}
	r, _ = Load(path, version)
	Get[byte](r)
	if err := r.End(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a reader that stops early: %v, want %v", err, ErrCorrupt)
	}
	r, _ = Load(path, version)
	GetN[uint16](r, 4) // the wrong count
	if !errors.Is(r.Err(), ErrCorrupt) {
		t.Errorf("an array of another length: %v, want %v", r.Err(), ErrCorrupt)
	}
	r, _ = Load(path, version)
	for range 6 {
		Get[byte](r)
	}
	if !errors.Is(r.Err(), ErrCorrupt) {
		t.Errorf("reading past the end: %v, want %v", r.Err(), ErrCorrupt)
	}
	if _, err := Load(path, model.HashOf([]byte("w"))); !errors.Is(err, ErrStale) {
		t.Errorf("another version: %v, want %v", err, ErrStale)
	}
}
