package fastpath

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestStrIsMarshalString: the writer quotes strings byte for byte as gqlgen's
// MarshalString does (control characters, quotes, backslashes, separators and
// invalid UTF-8 among them), and its blocks hold what was written across
// block boundaries.
func TestStrIsMarshalString(t *testing.T) {
	for _, s := range []string{"", "plain", `a"b\c`, "tab\tcr\rnl\n\x00\x01\x1f\x7f", "caf\u00e9 \u2028 \u2029 <&>", "\xff\xfe bad \xc3", strings.Repeat("\"x", 5000)} {
		var want bytes.Buffer
		graphql.MarshalString(s).MarshalGQL(&want)
		w := &writer{ctx: context.Background()}
		w.str(s)
		if got := w.buf.Bytes(context.Background(), nil); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q: writer %q, MarshalString %q", s, got, want.Bytes())
		}
	}
	var b blocks
	var want []byte
	for i := range 300_000 {
		switch i % 3 {
		case 0:
			b.WriteByte(byte(i))
			want = append(want, byte(i))
		case 1:
			b.WriteString("ab")
			want = append(want, "ab"...)
		default:
			b.Write([]byte{1, 2, 3})
			want = append(want, 1, 2, 3)
		}
	}
	if len(b.full) == 0 {
		t.Fatal("300,000 writes fit one block")
	}
	if got := b.Bytes(context.Background(), nil); !bytes.Equal(got, want) {
		t.Errorf("blocks hold %d bytes that differ from the %d written", len(got), len(want))
	}
}
