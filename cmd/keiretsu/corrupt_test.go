package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDamagedStoreFile: with the embedded store's file empty, truncated or
// garbled, every command that opens the store fails with one line naming the
// file (no panic, no Go stack, no fault), and ingest leaves the file as it was.
func TestDamagedStoreFile(t *testing.T) {
	page := os.Getpagesize()
	damages := map[string]func([]byte) []byte{
		"empty":     func([]byte) []byte { return nil },
		"truncated": func(b []byte) []byte { return b[:4*page] },
		"garbled": func(b []byte) []byte {
			for i := 2 * page; i < len(b); i++ {
				b[i] = byte(i*7 + 3)
			}
			return b
		},
		"meta garbled": func(b []byte) []byte { clear(b[16:64]); clear(b[page+16 : page+64]); return b },
	}
	var big strings.Builder
	big.WriteString(verdictData)
	for i := range 3000 {
		big.WriteString(`{"kind":"entity","id":"e` + strings.Repeat("x", i%50) + string(rune('a'+i%26)) + `-` + string(rune('0'+i%10)) + `","name":"Entity"}` + "\n")
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			data := filepath.Join(dir, "store")
			if r := keiretsu(t, big.String(), "ingest", "--data", data, "-"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			path := filepath.Join(data, "keiretsu.db")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			damaged := damage(b)
			if err := os.WriteFile(path, damaged, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"ingest", "--data", data, "-"},
				{"screen", "--data", data, "--entity", "sub"},
				{"stats", "--data", data},
				{"history", "--data", data},
				{"resolve", "--data", data},
				{"wipe", "--data", data, "--yes"},
				{"serve", "--data", data, "--addr", freePort(t)},
			} {
				r := keiretsu(t, verdictData, args...)
				lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
				if r.code != 1 || len(lines) != 1 || !strings.Contains(r.stderr, path) ||
					strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
					t.Errorf("%s: exit %d, stderr %q", args[0], r.code, r.stderr)
				}
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, damaged) {
				t.Errorf("the damaged file was changed")
			}
		})
	}
}
