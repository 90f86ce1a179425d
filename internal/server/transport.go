package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// post is gqlgen's POST transport with a faster write of a plain answer. gqlgen
// writes every response with json.Marshal, which validates and compacts the
// already compact data it produced a second time (docs/benchmarks.md has its
// share). post writes a response that is only data (no errors, no extensions)
// itself, byte for byte what json.Marshal writes, any other answer (errors,
// extensions) with json.Marshal as gqlgen does. Requests that fail before
// execution get gqlgen's answer with the status of requestErrorStatus;
// unreadable and undecodable bodies get a coded error that never echoes the
// body (400, 413 for one over the size limit).
//
// A body that is a JSON array of such objects is a batch (as Apollo Client's
// BatchHttpLink sends): see batch.
type post struct {
	transport.POST
	lim Limits
}

func (h post) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			refusing(ctx, &gqlerror.Error{})
			writeError(w, http.StatusRequestEntityTooLarge, CodeTooLarge,
				fmt.Sprintf("request body too large (at most %d bytes)", tooLarge.Limit))
			return
		}
		writeError(w, http.StatusBadRequest, CodeBadRequest, "could not read the request body")
		return
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		h.batch(w, r, exec, body, start)
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
		ct := responseContentType(r)
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(requestErrorStatus(ct, opErr))
		b, _ := json.Marshal(exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		_, _ = w.Write(b)
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
	writeResponse(ctx, w, resp)
}

// batch answers a batched request: a JSON array of operations, answered by a
// JSON array of their responses in the same order. The batch is one request
// of the limits: every operation is parsed, validated and measured before any
// runs, their fields, costs and screenings summed (a batch over a limit is
// refused whole, each operation answered with the refusal, and nothing runs);
// then they run one after another under the one deadline, their answers'
// bytes summed against the response bound (once over it, that operation and
// the ones after it are answered with RESPONSE_TOO_LARGE and do not run). An
// operation that fails alone (a parse or validation error) gets its own error
// and the others run.
func (h post) batch(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, body []byte, start time.Time) {
	var batch []graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&batch); err != nil {
		writeError(w, http.StatusBadRequest, CodeBadRequest,
			`request body is not an array of JSON objects {"query": String, "variables": Object}`)
		return
	}
	if len(batch) == 0 {
		writeError(w, http.StatusBadRequest, CodeBadRequest, "the batch has no operations")
		return
	}
	if on(h.lim.MaxOperations) && len(batch) > h.lim.MaxOperations {
		writeError(w, http.StatusBadRequest, CodeBadRequest,
			fmt.Sprintf("the batch has %d operations, at most %d", len(batch), h.lim.MaxOperations))
		return
	}
	b := &budget{}
	ctx := withBudget(r.Context(), b)
	read := graphql.TraceTiming{Start: start, End: graphql.Now()}
	ops := make([]*graphql.OperationContext, len(batch))
	answers := make([]*graphql.Response, len(batch))
	var failed gqlerror.List
	for i := range batch {
		batch[i].Headers = r.Header
		batch[i].ReadTime = read
		rc, errs := exec.CreateOperationContext(ctx, &batch[i])
		if b.refused != nil {
			break
		}
		if errs != nil {
			answers[i] = exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
			failed = append(failed, errs...)
			continue
		}
		ops[i] = rc
	}
	ct := responseContentType(r)
	w.Header().Set("Content-Type", ct)
	if b.refused != nil {
		w.WriteHeader(requestErrorStatus(ct, gqlerror.List{b.refused}))
		refusal := &graphql.Response{Errors: gqlerror.List{b.refused}}
		for i := range answers {
			answers[i] = refusal
		}
		writeBatch(ctx, w, answers)
		return
	}
	if len(failed) > 0 && !slices.ContainsFunc(ops, func(rc *graphql.OperationContext) bool { return rc != nil }) {
		w.WriteHeader(requestErrorStatus(ct, failed))
	}
	for i, rc := range ops {
		if rc == nil {
			continue
		}
		switch {
		case b.refused != nil:
			answers[i] = &graphql.Response{Errors: gqlerror.List{b.refused}}
			continue
		case timedOut(ctx):
			answers[i] = timeoutResponse()
			continue
		}
		responses, octx := exec.DispatchOperation(ctx, rc)
		answers[i] = responses(octx)
		if answers[i] == nil {
			if !timedOut(ctx) {
				return // the client left
			}
			answers[i] = timeoutResponse()
		}
	}
	writeBatch(ctx, w, answers)
}

// writeBatch writes the responses of a batch as a JSON array.
func writeBatch(ctx context.Context, w io.Writer, answers []*graphql.Response) {
	_, _ = io.WriteString(w, "[")
	for i, resp := range answers {
		if i > 0 {
			_, _ = io.WriteString(w, ",")
		}
		writeResponse(ctx, w, resp)
	}
	_, _ = io.WriteString(w, "]")
}

// writeResponse writes one response as json.Marshal would: one that is only
// data with writeData, any other marshalled whole.
func writeResponse(ctx context.Context, w io.Writer, resp *graphql.Response) {
	if len(resp.Errors) > 0 || len(resp.Extensions) > 0 || resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		b, err := json.Marshal(resp)
		if err != nil {
			panic(err) // as gqlgen's writeJson does
		}
		_, _ = w.Write(b)
		return
	}
	writeData(ctx, w, resp.Data)
}

// writeChunk is how much of an answer writeData escapes and sends at a time:
// a large answer is not copied whole, and a heavy request paces itself
// (package pace) between chunks.
const writeChunk = 64 << 10

// writeData writes a response that is only data as json.Marshal would.
func writeData(ctx context.Context, w io.Writer, data []byte) {
	if len(data) == 0 {
		_, _ = io.WriteString(w, `{"data":null}`)
		return
	}
	m := meterOf(ctx)
	out := make([]byte, 0, min(len(data), writeChunk)+16)
	out = append(out, `{"data":`...)
	for len(data) > 0 {
		n := min(len(data), writeChunk)
		for n > 1 && n < len(data) && data[n]&0xC0 == 0x80 {
			n-- // a chunk ends between UTF-8 sequences, never inside one
		}
		out = appendHTMLEscaped(out, data[:n])
		data = data[n:]
		if len(data) == 0 {
			out = append(out, '}')
		}
		if _, err := w.Write(out); err != nil {
			return // the client is gone
		}
		out = out[:0]
		if m.Check(ctx) != nil {
			return
		}
	}
}

// htmlUnsafe marks the bytes appendHTMLEscaped looks at: <, > and &, and the
// first byte of the line and paragraph separators' UTF-8.
var htmlUnsafe = [256]bool{'<': true, '>': true, '&': true, 0xE2: true}

// appendHTMLEscaped appends JSON text as json.Marshal writes an embedded
// json.RawMessage: <, >, & and the line and paragraph separators escaped (they
// can only occur inside strings).
func appendHTMLEscaped(dst, src []byte) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if !htmlUnsafe[c] {
			continue
		}
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

// requestErrorStatus is the status of an answer to a request that fails
// before execution (a parse or validation error, a variable that does not
// coerce, a limit), as the GraphQL-over-HTTP specification says for each
// response media type: with application/json such an answer is a well-formed
// GraphQL response, so 200 (gqlgen says 422, which clients such as Apollo
// report as a network error); with application/graphql-response+json an
// answer without data is a 4xx, 400 for a request error. A request the
// server's authorization refuses is 403 in either.
func requestErrorStatus(contentType string, errs gqlerror.List) int {
	switch {
	case hasCode(errs, CodeForbidden):
		return http.StatusForbidden
	case contentType == "application/graphql-response+json":
		return http.StatusBadRequest
	default:
		return http.StatusOK
	}
}

// get is gqlgen's GET transport with the statuses of requestErrorStatus for
// requests that fail before execution.
type get struct {
	transport.GET
}

func (h get) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	h.GET.Do(&requestErrorWriter{ResponseWriter: w, contentType: responseContentType(r)}, r, exec)
}

// requestErrorWriter turns gqlgen's 422 (its status for parse and validation
// errors with application/json) into the specification's status.
type requestErrorWriter struct {
	http.ResponseWriter
	contentType string
}

func (w *requestErrorWriter) WriteHeader(code int) {
	if code == http.StatusUnprocessableEntity {
		code = requestErrorStatus(w.contentType, nil)
	}
	w.ResponseWriter.WriteHeader(code)
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
	b, _ := json.Marshal(timeoutResponse())
	_, _ = w.Write(b)
}

// timeoutResponse is the answer to an operation that passed the deadline.
func timeoutResponse() *graphql.Response {
	return &graphql.Response{Errors: gqlerror.List{limitError(CodeTimeout, "request took longer than the server's deadline: ask for less")}}
}
