package graph

import (
	"context"
	"net/http"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/service"
)

// request is the per-request context: one consistent state of the data and the
// dataloaders that batch lookups of nodes into one store call each, made on
// first use (most screening requests need none).
type request struct {
	svc   *service.Service
	state *service.State

	once              sync.Once
	entityL, productL *dataloadgen.Loader[string, *model.Record]
}

type requestKey struct{}

// WithRequest returns ctx carrying a fresh per-request state.
func WithRequest(ctx context.Context, svc *service.Service) context.Context {
	return context.WithValue(ctx, requestKey{}, &request{svc: svc, state: svc.State()})
}

func (q *request) loaders() {
	q.once.Do(func() {
		nodes := func(kind model.Kind) func(context.Context, []string) ([]*model.Record, []error) {
			return func(ctx context.Context, ids []string) ([]*model.Record, []error) {
				recs, err := q.svc.Nodes(ctx, q.state, kind, ids)
				if err != nil {
					return nil, fillErr(len(ids), err)
				}
				return recs, nil
			}
		}
		q.entityL = dataloadgen.NewLoader(nodes(model.KindEntity), dataloadgen.WithWait(0))
		q.productL = dataloadgen.NewLoader(nodes(model.KindProduct), dataloadgen.WithWait(0))
	})
}

// entities is the request's entity loader.
func (q *request) entities() *dataloadgen.Loader[string, *model.Record] {
	q.loaders()
	return q.entityL
}

// products is the request's product loader.
func (q *request) products() *dataloadgen.Loader[string, *model.Record] {
	q.loaders()
	return q.productL
}

// Middleware attaches the per-request context to every HTTP request.
func Middleware(svc *service.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithRequest(r.Context(), svc)))
	})
}

func fillErr(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// req returns the request context, creating one when a caller did not (tests).
func (r *Resolver) req(ctx context.Context) *request {
	if q, ok := ctx.Value(requestKey{}).(*request); ok {
		return q
	}
	return WithRequest(ctx, r.Svc).Value(requestKey{}).(*request)
}
