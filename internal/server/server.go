// Package server assembles Keiretsu's HTTP API: the gqlgen GraphQL handler with
// explicit transports, a query cache, a complexity limit and one error presenter;
// GraphiQL at /; /healthz; request logging; limits that keep one bad request from
// hurting the server.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/keiretsu/keiretsu/graph"
	"github.com/keiretsu/keiretsu/graph/generated"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/service"
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

// GraphQL returns the GraphQL handler over the service.
func GraphQL(svc *service.Service, log zerolog.Logger) *handler.Server {
	return newGraphQL(svc, log, post{fast: (&graph.Resolver{Svc: svc}).Fast})
}

// newGraphQL builds the handler with the given POST transport (tests compare
// post with gqlgen's own).
func newGraphQL(svc *service.Service, log zerolog.Logger, postTransport graphql.Transport) *handler.Server {
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{Svc: svc}}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postTransport)
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(extension.FixedComplexityLimit(ComplexityLimit))
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, err, log)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.Error().Interface("panic", p).Str("stack", string(debug.Stack())).Msg("resolver panic")
		return errInternal
	})
	return srv
}

var errInternal = errors.New("internal error")

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

// Handler returns the whole HTTP API: /graphql, / (GraphiQL) and /healthz.
func Handler(svc *service.Service, log zerolog.Logger) http.Handler {
	mux := http.NewServeMux()
	gql := graph.Middleware(svc, GraphQL(svc, log))
	mux.Handle("/graphql", http.MaxBytesHandler(gql, MaxBodyBytes))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		st := svc.State()
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "ok", "dataVersion": st.Version(), "loaded": st.Loaded.UTC().Format(time.RFC3339)})
	})
	ui := playground.Handler("Keiretsu", "/graphql")
	mux.HandleFunc("GET /{$}", ui)
	return logRequests(mux, log)
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
	srv := &http.Server{
		Addr:              addr,
		Handler:           Handler(svc, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
