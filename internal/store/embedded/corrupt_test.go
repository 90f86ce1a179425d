package embedded_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// filled returns a store directory holding n entities, closed.
func filled(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		id := strings.Repeat("x", 200) + string(rune('a'+i%26)) + strings.Repeat("y", i%97) + string(rune(i))
		if err := run.Put(ctx, &model.Record{Kind: model.KindEntity, ID: id, Name: id, Type: "company"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := run.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDamagedFiles: an empty, truncated or damaged store file is an
// ErrCorrupt naming the file, from Open or from the first read that meets the
// damage, never a panic or a fault; and a writable open leaves the file as it
// was (an empty file is not made a new store).
func TestDamagedFiles(t *testing.T) {
	page := os.Getpagesize()
	cases := []struct {
		name   string
		damage func(b []byte) []byte
	}{
		{"empty", func([]byte) []byte { return nil }},
		{"one byte", func(b []byte) []byte { return b[:1] }},
		{"four pages left", func(b []byte) []byte { return b[:4*page] }},
		{"a page and a half", func(b []byte) []byte { return b[:3*page/2] }},
		{"meta pages zeroed", func(b []byte) []byte { clear(b[:2*page]); return b }},
		{"not bbolt", func([]byte) []byte { return bytes.Repeat([]byte("keiretsu"), 4096) }},
		{"data pages garbled", func(b []byte) []byte {
			for i := 2 * page; i < len(b); i++ {
				b[i] = byte(i*7 + 3)
			}
			return b
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filled(t, 3000)
			path := filepath.Join(dir, embedded.FileName)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			damaged := tc.damage(b)
			if err := os.WriteFile(path, damaged, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, ro := range []bool{true, false} {
				err := use(dir, ro)
				if !errors.Is(err, embedded.ErrCorrupt) || !strings.Contains(err.Error(), path) {
					t.Errorf("read-only %v: %v, want ErrCorrupt naming %s", ro, err, path)
				}
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, damaged) {
				t.Errorf("the damaged file was changed (%d bytes, now %d)", len(damaged), len(after))
			}
		})
	}
}

// use opens the store and reads everything, returning the first error.
func use(dir string, readOnly bool) error {
	st, err := embedded.Open(dir, embedded.Options{ReadOnly: readOnly})
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Scan(ctx, func(*model.Record) error { return nil }); err != nil {
		return err
	}
	_, err = st.Get(ctx, []model.Key{{Kind: model.KindEntity, Src: "x"}})
	return err
}
