package server

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestWriteDataIsMarshal: an answer written chunk by chunk is the bytes
// json.Marshal writes for the response, HTML characters and line separators
// escaped, wherever a chunk boundary falls (inside a separator's UTF-8
// among them).
func TestWriteDataIsMarshal(t *testing.T) {
	for _, data := range []string{
		`{"a":"x"}`,
		`{"a":"<b>&\u2028\u2029"}`,
		`{"a":"` + strings.Repeat("é<\u2028", 3*writeChunk/7) + `"}`,
		`{"a":"` + strings.Repeat("x", writeChunk-8) + "\u2028\u2029" + strings.Repeat("y", writeChunk) + `"}`,
		`{"a":"` + strings.Repeat("\xa8", 2*writeChunk) + `"}`, // no lead byte to end a chunk before
	} {
		want, err := json.Marshal(&graphql.Response{Data: json.RawMessage(data)})
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		writeData(context.Background(), &got, []byte(data))
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("a %d-byte answer written in chunks differs from json.Marshal's", len(data))
		}
	}
}
