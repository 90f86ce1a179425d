// Package server assembles Keiretsu's HTTP API: the gqlgen GraphQL handler with
// explicit transports, a query cache, a complexity limit and one error presenter;
// the web workbench at / and GraphiQL at /graphiql (web.go); /healthz; request
// logging; limits that keep one bad request from hurting the server.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/keiretsu/keiretsu/graph"
	"github.com/keiretsu/keiretsu/graph/fastpath"
	"github.com/keiretsu/keiretsu/graph/generated"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// Limits of the API.
const (
	// ComplexityLimit bounds the fields one query may select (lists not multiplied).
	ComplexityLimit = 2000
	// MaxBodyBytes bounds a request body (10,000 ids fit easily).
	MaxBodyBytes = 8 << 20
)

// Error codes in extensions.code.
const (
	CodeNotFound     = "NOT_FOUND"
	CodeBadUserInput = "BAD_USER_INPUT"
	CodeInternal     = "INTERNAL"
)

// unavailableMessage is the message of an UNAVAILABLE error: what is down and
// what still works, without the store driver's words (those are in /readyz
// and the log).
func unavailableMessage(error) string {
	return "the store of record is unreachable: records cannot be read until it is back (screenings still answer from the loaded data; see /readyz)"
}

// Option changes how GraphQL builds the handler (tests compare variants).
type Option func(*options)

type options struct {
	post       graphql.Transport
	noFast     bool
	answered   func(field string)
	extensions []graphql.HandlerExtension
	limits     Limits
	access     *Access
	audit      *AuditLog
	lane       *heavyLane // shared by Handler's body check and the cost guard
	heavyDone  func(paused time.Duration)
}

// WithHeavyDone calls fn as each heavy request leaves the heavy lane, with the
// time it spent paused (package pace): tests and metrics.
func WithHeavyDone(fn func(paused time.Duration)) Option {
	return func(o *options) { o.heavyDone = fn }
}

// WithLimits sets the request limits (zero fields: DefaultLimits).
func WithLimits(l Limits) Option { return func(o *options) { o.limits = l } }

// WithAccess sets who may call /graphql and how (nil: anyone on loopback).
func WithAccess(a *Access) Option { return func(o *options) { o.access = a } }

// WithAudit records every screening in the audit log.
func WithAudit(a *AuditLog) Option { return func(o *options) { o.audit = a } }

// WithPOST replaces the POST transport (gqlgen's own, to compare).
func WithPOST(t graphql.Transport) Option { return func(o *options) { o.post = t } }

// WithoutFastPath answers every operation with gqlgen's executor.
func WithoutFastPath() Option { return func(o *options) { o.noFast = true } }

// WithAnswered calls fn with the root field of every operation the fast path
// answers.
func WithAnswered(fn func(field string)) Option { return func(o *options) { o.answered = fn } }

// WithExtension installs a handler extension after the server's own.
func WithExtension(e graphql.HandlerExtension) Option {
	return func(o *options) { o.extensions = append(o.extensions, e) }
}

// Views adapts a service to the views the resolvers read, its history,
// watches and events included.
func Views(svc *service.Service) Served { return serviceViews{svc} }

// Served is what a service gives the resolvers: its views, its history, its
// watches and events.
type Served interface {
	graph.History
	graph.Watching
}

type serviceViews struct{ svc *service.Service }

func (v serviceViews) Current() graph.View { return v.svc.View() }

func (v serviceViews) At(ctx context.Context, version string) (graph.View, error) {
	past, err := v.svc.At(ctx, version)
	if err != nil {
		return nil, err
	}
	return past, nil
}

func (v serviceViews) Runs(ctx context.Context, last int) ([]*history.Run, error) {
	return v.svc.Runs(ctx, last)
}

func (v serviceViews) Watches(ctx context.Context) ([]watch.Watch, error) { return v.svc.Watches(ctx) }

func (v serviceViews) Events(ctx context.Context, since, limit int) ([]*watch.Event, error) {
	return v.svc.Events(ctx, since, limit)
}

// GraphQL returns the GraphQL handler over the service: gqlgen's executor
// behind the screening fast path (graph/fastpath), with the server's
// transports, query cache, extensions, error presenter and recover func, which
// apply to both.
func GraphQL(svc *service.Service, log zerolog.Logger, opts ...Option) (*handler.Server, error) {
	o := buildOptions(opts)
	lim := o.limits
	var views graph.Views = Views(svc)
	if o.audit != nil {
		views = o.audit.views(views)
	}
	res := &graph.Resolver{Views: views}
	var es graphql.ExecutableSchema = generated.NewExecutableSchema(generated.Config{Resolvers: res})
	if !o.noFast {
		fast, err := fastpath.Wrap(es, res, fastpath.Options{Answered: o.answered})
		if err != nil {
			return nil, err
		}
		es = fast
	}
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(get{})
	if p, ok := o.post.(post); ok {
		p.lim = lim
		o.post = p
	}
	srv.AddTransport(o.post)
	cache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(cache)
	if on(lim.MaxTokens) {
		srv.SetParserTokenLimit(lim.MaxTokens)
	}
	srv.Use(graph.PerOperation{Views: res.Views})
	srv.Use(extension.Introspection{})
	srv.Use(persistedQueries{extension.AutomaticPersistedQuery{Cache: lru.New[string](100)}})
	srv.Use(documentGuard{lim: lim, cache: cache})
	srv.Use(newCostGuard(lim, o.lane, o.heavyDone))
	srv.Use(extension.FixedComplexityLimit(ComplexityLimit))
	if o.access != nil {
		srv.Use(roleGuard{})
	}
	if o.audit != nil {
		srv.Use(o.audit.extension())
	}
	for _, e := range o.extensions {
		srv.Use(e)
	}
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, err, log)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.Error().Interface("panic", p).Str("stack", string(debug.Stack())).Msg("resolver panic")
		return errInternal
	})
	return srv, nil
}

func buildOptions(opts []Option) options {
	o := options{post: post{}}
	for _, fn := range opts {
		fn(&o)
	}
	o.limits = o.limits.withDefaults()
	return o
}

var errInternal = errors.New("internal error")

// persistedQueries is gqlgen's automatic persisted queries with a code on
// every error it raises: gqlgen codes only PERSISTED_QUERY_NOT_FOUND, not a
// hash that does not match the query, an unsupported version or extension
// data that does not decode, which are the client's mistakes (BAD_REQUEST).
type persistedQueries struct {
	extension.AutomaticPersistedQuery
}

func (p persistedQueries) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	err := p.AutomaticPersistedQuery.MutateOperationParameters(ctx, raw)
	if err != nil && err.Extensions["code"] == nil {
		if err.Extensions == nil {
			err.Extensions = map[string]any{}
		}
		err.Extensions["code"] = CodeBadRequest
	}
	return err
}

// presentError maps domain errors to extensions.code: NOT_FOUND, BAD_USER_INPUT,
// INTERNAL (whose message never carries internals). Errors gqlgen itself raised
// (parse, validation, complexity) keep their own codes.
func presentError(ctx context.Context, err error, log zerolog.Logger) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	code := ""
	switch {
	case errors.Is(err, model.ErrNotFound):
		code = CodeNotFound
	case errors.Is(err, model.ErrBadInput):
		code = CodeBadUserInput
	case errors.Is(err, errInternal):
		code = CodeInternal
	case errors.Is(err, service.ErrUnavailable):
		// The reason (the store's own error) says what is down, not how
		// the server is built.
		log.Warn().Err(err).Str("path", gerr.Path.String()).Msg("store unreachable")
		gerr.Message = unavailableMessage(err)
		code = CodeUnavailable
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		gerr.Message = "request took longer than the server's deadline: ask for less"
		code = CodeTimeout
	default:
		var ge *gqlerror.Error
		if errors.As(err, &ge) && ge.Err == nil {
			return gerr // raised by gqlgen: keeps its message and code
		}
		log.Error().Err(err).Str("path", gerr.Path.String()).Msg("request failed")
		gerr.Message = "internal error"
		code = CodeInternal
	}
	if gerr.Extensions == nil {
		gerr.Extensions = map[string]any{}
	}
	gerr.Extensions["code"] = code
	return gerr
}

// Handler returns the whole HTTP API: /graphql, the workbench and GraphiQL
// (web.go) and /healthz.
func Handler(svc *service.Service, log zerolog.Logger, opts ...Option) (http.Handler, error) {
	o := buildOptions(opts)
	lane := newHeavyLane(o.limits, o.heavyDone)
	svc.PaceBackground(lane.gate)
	gql, err := GraphQL(svc, log, append(opts[:len(opts):len(opts)], func(o *options) { o.lane = lane })...)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", o.access.guard(bounded(http.MaxBytesHandler(gql, o.limits.MaxBodyBytes), o.limits, lane)))
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		v := svc.View()
		body := map[string]any{"status": "ready", "dataVersion": v.Version()}
		if ok, reason := svc.Readiness(); !ok {
			body["status"], body["reason"] = "degraded", reason
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(body)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		v := svc.View()
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "ok", "dataVersion": v.Version(), "loaded": v.Loaded().UTC().Format(time.RFC3339)})
	})
	if err := routeWeb(mux); err != nil {
		return nil, err
	}
	return logRequests(mux, log), nil
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func logRequests(next http.Handler, log zerolog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				log.Error().Interface("panic", p).Str("stack", string(debug.Stack())).Msg("http panic")
				http.Error(sw, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`, http.StatusInternalServerError)
			}
			log.Debug().Str("method", r.Method).Str("path", r.URL.Path).Int("status", sw.status).
				Dur("took", time.Since(start)).Msg("request")
		}()
		next.ServeHTTP(sw, r)
	})
}

// Serve runs the API on addr until ctx ends, then shuts down gracefully. ready,
// when not nil, is called with the bound address once the server accepts.
func Serve(ctx context.Context, svc *service.Service, addr string, log zerolog.Logger, ready func(addr string)) error {
	return ServeConfig(ctx, svc, Config{Addr: addr}, log, ready)
}
