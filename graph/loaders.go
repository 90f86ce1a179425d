package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	domain "github.com/keiretsu/keiretsu/internal/model"
)

// request is the per-request context: the one View the request reads, and the
// dataloaders that batch lookups of nodes into one call each, made on first
// use (most screening requests need none).
type request struct {
	view View

	once              sync.Once
	entityL, productL *dataloadgen.Loader[string, *domain.Record]
}

type requestKey struct{}

// WithView returns ctx carrying a fresh request context that reads view.
func WithView(ctx context.Context, view View) context.Context {
	return context.WithValue(ctx, requestKey{}, &request{view: view})
}

func (q *request) loaders() {
	q.once.Do(func() {
		nodes := func(kind domain.Kind) func(context.Context, []string) ([]*domain.Record, []error) {
			return func(ctx context.Context, ids []string) ([]*domain.Record, []error) {
				recs, err := q.view.Nodes(ctx, kind, ids)
				if err != nil {
					return nil, fillErr(len(ids), err)
				}
				return recs, nil
			}
		}
		q.entityL = dataloadgen.NewLoader(nodes(domain.KindEntity), dataloadgen.WithWait(0))
		q.productL = dataloadgen.NewLoader(nodes(domain.KindProduct), dataloadgen.WithWait(0))
	})
}

// entities is the request's entity loader.
func (q *request) entities() *dataloadgen.Loader[string, *domain.Record] {
	q.loaders()
	return q.entityL
}

// products is the request's product loader.
func (q *request) products() *dataloadgen.Loader[string, *domain.Record] {
	q.loaders()
	return q.productL
}

// PerOperation is the handler extension that gives every operation, before
// anything of it runs, the current View of Views and fresh dataloaders: every
// field of one operation reads one state of the data.
type PerOperation struct{ Views Views }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = PerOperation{}

// ExtensionName names the extension.
func (PerOperation) ExtensionName() string { return "KeiretsuView" }

// Validate accepts any schema.
func (PerOperation) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation runs the operation with its View in ctx.
func (p PerOperation) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(WithView(ctx, p.Views.Current()))
}

func fillErr(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// req returns the operation's request context, or one over the current View
// when the handler does not use PerOperation.
func (r *Resolver) req(ctx context.Context) *request {
	if q, ok := ctx.Value(requestKey{}).(*request); ok {
		return q
	}
	return &request{view: r.Views.Current()}
}

// view is the View the request reads.
func (r *Resolver) view(ctx context.Context) View { return r.req(ctx).view }
