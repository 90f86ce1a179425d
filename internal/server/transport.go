package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// post is gqlgen's POST transport with a faster write of a plain answer. gqlgen
// writes every response with json.Marshal, which validates and compacts the
// already compact data it produced a second time (docs/benchmarks.md has its
// share). post writes a response that is only data (no errors, no extensions)
// itself, byte for byte what json.Marshal writes, any other answer (errors,
// extensions) with json.Marshal as gqlgen does, and hands unreadable or invalid
// requests to gqlgen's POST, so those behave exactly as before, except that
// unreadable and undecodable bodies get a coded error that never echoes the
// body (413 for one over the size limit).
type post struct {
	transport.POST
}

func (h post) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, CodeTooLarge,
				fmt.Sprintf("request body too large (at most %d bytes)", tooLarge.Limit))
			return
		}
		writeError(w, http.StatusBadRequest, CodeBadRequest, "could not read the request body")
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		// gqlgen's message would echo the body and name Go types.
		writeError(w, http.StatusBadRequest, CodeBadRequest,
			`request body is not a JSON object {"query": String, "variables": Object}`)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		if hasCode(opErr, CodeForbidden) {
			w.Header().Set("Content-Type", responseContentType(r))
			w.WriteHeader(http.StatusForbidden)
			b, _ := json.Marshal(exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
			_, _ = w.Write(b)
			return
		}
		h.fallback(w, r, body, exec)
		return
	}
	w.Header().Set("Content-Type", responseContentType(r))
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if resp == nil {
		// The executor gives no response once ctx is done: past the deadline
		// the client hears so; a client that left hears nothing.
		if timedOut(ctx) {
			writeTimeout(w)
		}
		return
	}
	if len(resp.Errors) > 0 || len(resp.Extensions) > 0 || resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		b, err := json.Marshal(resp)
		if err != nil {
			panic(err) // as gqlgen's writeJson does
		}
		_, _ = w.Write(b)
		return
	}
	writeData(w, resp.Data)
}

// writeData writes a response that is only data as json.Marshal would.
func writeData(w io.Writer, data []byte) {
	out := make([]byte, 0, len(data)+10)
	out = append(out, `{"data":`...)
	if len(data) == 0 {
		out = append(out, "null"...)
	} else {
		out = appendHTMLEscaped(out, data)
	}
	out = append(out, '}')
	_, _ = w.Write(out)
}

// appendHTMLEscaped appends JSON text as json.Marshal writes an embedded
// json.RawMessage: <, >, & and the line and paragraph separators escaped (they
// can only occur inside strings).
func appendHTMLEscaped(dst, src []byte) []byte {
	if !bytes.ContainsAny(src, "<>&\u2028\u2029") {
		return append(dst, src...)
	}
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			start = i + 1
		case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[src[i+2]&0xF])
			start = i + 3
			i += 2
		}
	}
	return append(dst, src[start:]...)
}

// fallback gives the request, its body restored, to gqlgen's POST.
func (h post) fallback(w http.ResponseWriter, r *http.Request, body []byte, exec graphql.GraphExecutor) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	h.POST.Do(w, r, exec)
}

// responseContentType is the content type gqlgen's POST (with its defaults)
// answers with: application/json unless the Accept header prefers
// application/graphql-response+json.
func responseContentType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", "application/json":
			return "application/json"
		case "application/graphql-response+json":
			return "application/graphql-response+json"
		}
	}
	return "application/graphql-response+json"
}

// writeTimeout answers a request whose execution passed the deadline.
func writeTimeout(w http.ResponseWriter) {
	b, _ := json.Marshal(graphql.Response{Errors: gqlerror.List{limitError(CodeTimeout, "request took longer than the server's deadline: ask for less")}})
	_, _ = w.Write(b)
}
