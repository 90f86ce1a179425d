package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/keiretsu/keiretsu/internal/pace"
)

// Limits bound what one request may cost the server. A zero field means the
// default (DefaultLimits); a negative one turns that limit off (tests show
// what a limit protects against by turning it off).
type Limits struct {
	// MaxTokens bounds the lexical tokens of a query document, checked while
	// parsing, before anything else reads it.
	MaxTokens int
	// MaxFields bounds the fields of a document with every fragment spread
	// expanded, checked before validation (whose cost grows with it).
	MaxFields int
	// MaxDepth bounds the nesting of fields, fragments expanded.
	MaxDepth int
	// MaxCost bounds the estimated cost of an operation: each field costs 1,
	// times the sizes of the lists it sits in (the length of an ids argument,
	// the value of a limit argument, ListSize for other lists of records;
	// lists inside a screening's answer count once). Aliases count as fields.
	MaxCost int
	// MaxScreenings bounds the screenings of one operation: every id of every
	// batch, over every alias.
	MaxScreenings int
	// Timeout bounds the execution of one request; a request past it is
	// cancelled and answered with code TIMEOUT.
	Timeout time.Duration
	// MaxResponseBytes bounds the data of one answer (RESPONSE_TOO_LARGE).
	MaxResponseBytes int
	// MaxInFlight bounds the /graphql requests executing at once; more are
	// answered 503 with Retry-After.
	MaxInFlight int
	// MaxConns bounds open client connections; more are answered 503 and
	// closed.
	MaxConns int
	// MaxBodyBytes bounds a request body (413).
	MaxBodyBytes int64
	// MaxOperations bounds the operations of one batched request (a JSON
	// array of operations in one POST). The operations of a batch share the
	// one request's budget: their costs, fields, screenings and response
	// bytes are summed against the limits above, and they run one after
	// another under the one deadline.
	MaxOperations int
	// HeavyBody, HeavyScreenings and HeavyCost mark a request as heavy: a
	// body larger than HeavyBody bytes (or of unknown length), whose parsing
	// and checks alone cost milliseconds, or an operation of more screenings
	// or a higher estimated cost than these. At most MaxHeavy heavy requests
	// are read and executed at once, so that however many large batches or
	// large documents arrive the other requests keep the rest of the cores;
	// the others wait their turn within the deadline, and past HeavyQueue of
	// them waiting more are refused with code UNAVAILABLE.
	HeavyBody, HeavyScreenings, HeavyCost, MaxHeavy, HeavyQueue int
	// HeavyShare is the share of a core's time each heavy request may use
	// while light requests are being served (package pace): it runs in short
	// bursts and pauses between them, so that a light request never waits
	// long behind one. Alone, a heavy request runs at full speed. A value of
	// 1 or more (or negative) turns pacing off.
	HeavyShare float64
	// RefusalDelay is how long the answer to a request refused by a limit
	// (too many tokens, fields, nesting, cost or ids; a body or an answer
	// too large) waits while other requests are being served: a client
	// sending refused requests in a loop then costs the server little. The
	// wait holds no place of MaxInFlight or the heavy lane. Negative: none.
	RefusalDelay time.Duration
}

// ListSize is the size the cost analysis assumes for a list of records with no
// size argument (an entity's owners, a product's components, ...).
const ListSize = 100

// DefaultLimits are the limits of a server that sets none.
var DefaultLimits = Limits{
	MaxTokens:        50_000,
	MaxFields:        2_000,
	MaxDepth:         15,
	MaxCost:          500_000,
	MaxScreenings:    10_000,
	Timeout:          30 * time.Second,
	MaxResponseBytes: 128 << 20,
	MaxInFlight:      64,
	MaxConns:         512,
	MaxBodyBytes:     MaxBodyBytes,
	MaxOperations:    100,
	HeavyBody:        16 << 10,
	HeavyScreenings:  100,
	HeavyCost:        10_000,
	MaxHeavy:         max(1, runtime.GOMAXPROCS(0)/2),
	HeavyQueue:       16,
	HeavyShare:       0.1,
	RefusalDelay:     100 * time.Millisecond,
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	pick := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	pick(&l.MaxTokens, d.MaxTokens)
	pick(&l.MaxFields, d.MaxFields)
	pick(&l.MaxDepth, d.MaxDepth)
	pick(&l.MaxCost, d.MaxCost)
	pick(&l.MaxScreenings, d.MaxScreenings)
	pick(&l.MaxResponseBytes, d.MaxResponseBytes)
	pick(&l.MaxInFlight, d.MaxInFlight)
	pick(&l.MaxConns, d.MaxConns)
	pick(&l.MaxOperations, d.MaxOperations)
	pick(&l.HeavyBody, d.HeavyBody)
	pick(&l.HeavyScreenings, d.HeavyScreenings)
	pick(&l.HeavyCost, d.HeavyCost)
	pick(&l.MaxHeavy, d.MaxHeavy)
	pick(&l.HeavyQueue, d.HeavyQueue)
	if l.Timeout == 0 {
		l.Timeout = d.Timeout
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.HeavyShare == 0 {
		l.HeavyShare = d.HeavyShare
	}
	if l.RefusalDelay == 0 {
		l.RefusalDelay = d.RefusalDelay
	}
	return l
}

// on reports whether a limit is set (not turned off).
func on(v int) bool { return v > 0 }

// Error codes of the limits and the transport, in extensions.code.
const (
	CodeTooComplex       = "COMPLEXITY_LIMIT_EXCEEDED" // gqlgen's own code for its complexity limit
	CodeTimeout          = "TIMEOUT"
	CodeResponseTooLarge = "RESPONSE_TOO_LARGE"
	CodeTooLarge         = "TOO_LARGE"
	CodeUnavailable      = "UNAVAILABLE"
	CodeBadRequest       = "BAD_REQUEST"
	CodeUnauthenticated  = "UNAUTHENTICATED"
	CodeForbidden        = "FORBIDDEN"
)

// limitError is a GraphQL error of a limit, with its code.
func limitError(code, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": code}}
}

// writeError answers a request that never reached GraphQL: a GraphQL error
// body with a code, and nothing of the request in it.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(graphql.Response{Errors: gqlerror.List{limitError(code, "%s", msg)}})
	_, _ = w.Write(b)
}

// documentGuard rejects oversized and repetitive documents before gqlgen
// parses and validates them: it parses with a token limit, then counts the
// fields and depth of every operation with fragments expanded (each fragment
// measured once, so a doubling chain costs its length). Documents in the
// query cache passed it before and are not measured again.
type documentGuard struct {
	lim   Limits
	cache graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentGuard{}

func (documentGuard) ExtensionName() string                   { return "KeiretsuDocumentLimits" }
func (documentGuard) Validate(graphql.ExecutableSchema) error { return nil }

func (g documentGuard) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	return refusing(ctx, g.check(ctx, p))
}

// check is MutateOperationParameters' check of the document.
func (g documentGuard) check(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	b := batchBudget(ctx)
	if doc, ok := g.cache.Get(ctx, p.Query); ok {
		if b == nil {
			return nil
		}
		// In a batch the fields of every operation count, cached or not.
		fields, _ := measure(doc)
		return b.addFields(g.lim, fields)
	}
	tokens := 0
	if on(g.lim.MaxTokens) {
		tokens = g.lim.MaxTokens
	}
	if err := g.prescanned(p.Query); err != nil {
		if b != nil {
			return b.refuse(err)
		}
		return err
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, tokens)
	if err != nil {
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) && gerr.Message == fmt.Sprintf("exceeded token limit of %d", tokens) {
			return limitError(CodeTooComplex, "query has more than %d tokens", tokens)
		}
		return nil // gqlgen reports the parse error
	}
	fields, depth := measure(doc)
	if on(g.lim.MaxFields) && fields > g.lim.MaxFields {
		return limitError(CodeTooComplex, "query has more than %d fields with its fragments expanded", g.lim.MaxFields)
	}
	if on(g.lim.MaxDepth) && depth > g.lim.MaxDepth {
		return limitError(CodeTooComplex, "query is nested %d deep, more than %d", depth, g.lim.MaxDepth)
	}
	if b != nil {
		return b.addFields(g.lim, fields)
	}
	return nil
}

// prescanned refuses a document over the token or field limit by prescan's
// counts, before it is parsed.
func (g documentGuard) prescanned(query string) *gqlerror.Error {
	n, fields := prescan(query)
	if on(g.lim.MaxTokens) && n > g.lim.MaxTokens {
		return limitError(CodeTooComplex, "query has more than %d tokens", g.lim.MaxTokens)
	}
	if on(g.lim.MaxFields) && fields > g.lim.MaxFields {
		return limitError(CodeTooComplex, "query has more than %d fields with its fragments expanded", g.lim.MaxFields)
	}
	return nil
}

// capped is the most measure counts; it saturates there.
const capped = 1 << 40

// measure returns the most fields of any operation of doc, fragments
// expanded, and their deepest nesting. A fragment that spreads itself counts
// nothing more (validation refuses it).
func measure(doc *ast.QueryDocument) (fields, depth int) {
	type size struct{ fields, depth int }
	frags := map[string]*size{}
	busy := map[string]bool{}
	var set func(ss ast.SelectionSet) size
	spread := func(name string) size {
		if s := frags[name]; s != nil {
			return *s
		}
		def := doc.Fragments.ForName(name)
		if def == nil || busy[name] {
			return size{}
		}
		busy[name] = true
		s := set(def.SelectionSet)
		busy[name] = false
		frags[name] = &s
		return s
	}
	set = func(ss ast.SelectionSet) size {
		var out size
		for _, sel := range ss {
			var s size
			switch sel := sel.(type) {
			case *ast.Field:
				s = set(sel.SelectionSet)
				s.fields = min(s.fields+1, capped)
				s.depth++
			case *ast.InlineFragment:
				s = set(sel.SelectionSet)
			case *ast.FragmentSpread:
				s = spread(sel.Name)
			}
			out.fields = min(out.fields+s.fields, capped)
			out.depth = max(out.depth, s.depth)
		}
		return out
	}
	for _, op := range doc.Operations {
		s := set(op.SelectionSet)
		fields, depth = max(fields, s.fields), max(depth, s.depth)
	}
	return fields, depth
}

// costGuard refuses, after validation and before any field runs, operations
// whose estimated cost or number of screenings is over the limits; lets heavy
// operations execute MaxHeavy at a time; and replaces an answer larger than
// the response bound with an error. As a handler extension it holds on the
// fast path and the executor alike.
type costGuard struct {
	lim  Limits
	lane *heavyLane
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = costGuard{}

// newCostGuard returns the cost guard of lim, whose heavy operations take
// places in lane (nil: a lane of its own).
func newCostGuard(lim Limits, lane *heavyLane, done func(time.Duration)) costGuard {
	if lane == nil {
		lane = newHeavyLane(lim, done)
	}
	return costGuard{lim: lim, lane: lane}
}

// newHeavyLane returns the lane of lim's MaxHeavy places and HeavyShare.
func newHeavyLane(lim Limits, done func(paused time.Duration)) *heavyLane {
	l := &heavyLane{gate: pace.NewGate(lim.HeavyShare), queue: int64(max(lim.HeavyQueue, 0)), done: done}
	if on(lim.MaxHeavy) {
		l.slots = make(chan struct{}, lim.MaxHeavy)
	}
	return l
}

// class is what a request turned out to be: the bounded middleware stamps
// the end of a light request for the heavy ones' pacing, but not of one that
// turned out heavy once its operation was measured, or was refused.
type class struct {
	heavy   atomic.Bool
	refused atomic.Bool                // by a limit: its answer waits RefusalDelay
	meter   atomic.Pointer[pace.Meter] // the heavy request's, for its answer's writing
}

// refusing records that the request of ctx is refused by a limit, and
// returns err.
func refusing(ctx context.Context, err *gqlerror.Error) *gqlerror.Error {
	if c, _ := ctx.Value(classKey{}).(*class); c != nil && err != nil {
		c.refused.Store(true)
	}
	return err
}

type classKey struct{}

// markHeavy records that the request of ctx is heavy, paced by m.
func markHeavy(ctx context.Context, m *pace.Meter) {
	if c, _ := ctx.Value(classKey{}).(*class); c != nil {
		c.heavy.Store(true)
		c.meter.Store(m)
	}
}

// meterOf is the meter that paces the request of ctx (markHeavy's): the one
// its body's size gave it, or the one its operation's cost did. The
// transport asks for it with the request's own context, which the operation's
// meter is not in.
func meterOf(ctx context.Context) *pace.Meter {
	if c, _ := ctx.Value(classKey{}).(*class); c != nil {
		return c.meter.Load()
	}
	return nil
}

// inLane marks the context of a request that holds a place in the heavy
// lane already (taken for its body), so that its operation does not wait for
// a second one.
type inLane struct{}

func (costGuard) ExtensionName() string                   { return "KeiretsuCostLimits" }
func (costGuard) Validate(graphql.ExecutableSchema) error { return nil }

// heavyMark is the operation statistics' extension that marks a heavy
// operation.
const heavyMark = "keiretsuHeavy"

func (g costGuard) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	return refusing(ctx, g.check(ctx, rc))
}

// check is MutateOperationContext's measure of the operation.
func (g costGuard) check(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	c := coster{vars: rc.Variables, memo: map[string]cost{}}
	total := c.set(rc.Operation.SelectionSet, false)
	if (on(g.lim.HeavyScreenings) && total.screenings > int64(g.lim.HeavyScreenings)) ||
		(on(g.lim.HeavyCost) && total.fields > int64(g.lim.HeavyCost)) {
		rc.Stats.SetExtension(heavyMark, true)
	}
	if b := batchBudget(ctx); b != nil {
		return b.addCost(g.lim, total)
	}
	if on(g.lim.MaxScreenings) && total.screenings > int64(g.lim.MaxScreenings) {
		return limitError(CodeBadUserInput, "too many ids: the operation asks for %d screenings, at most %d", total.screenings, g.lim.MaxScreenings)
	}
	if on(g.lim.MaxCost) && total.fields > int64(g.lim.MaxCost) {
		return limitError(CodeTooComplex, "operation has an estimated cost of %d, more than %d", total.fields, g.lim.MaxCost)
	}
	return nil
}

// InterceptOperation holds a heavy operation until a place in the heavy lane
// is free, and keeps the place while its answer is computed.
func (g costGuard) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	rc := graphql.GetOperationContext(ctx)
	if rc.Stats.GetExtension(heavyMark) == nil || ctx.Value(inLane{}) != nil {
		return next(ctx) // light, or in the lane (and paced) since its body was read
	}
	m, release, gerr := g.lane.enter(ctx)
	if gerr != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{gerr}})
	}
	markHeavy(ctx, m)
	h := next(pace.With(ctx, m))
	var once sync.Once
	return func(ctx context.Context) *graphql.Response {
		defer once.Do(release)
		return h(pace.With(ctx, m))
	}
}

func (g costGuard) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !on(g.lim.MaxResponseBytes) {
		return resp
	}
	if b := batchBudget(ctx); b != nil {
		if err := b.addResponse(g.lim, len(resp.Data)); err != nil {
			return &graphql.Response{Errors: gqlerror.List{refusing(ctx, err)}}
		}
		return resp
	}
	if len(resp.Data) > g.lim.MaxResponseBytes {
		return &graphql.Response{Errors: gqlerror.List{refusing(ctx, responseTooLarge(g.lim))}}
	}
	return resp
}

func responseTooLarge(lim Limits) *gqlerror.Error {
	return limitError(CodeResponseTooLarge, "response larger than %d bytes: ask for fewer ids or fields", lim.MaxResponseBytes)
}

// budget is what the operations of one batched request have spent of the
// request's limits so far. The operations of a batch are measured one after
// another before any of them runs, and run one after another, so a budget is
// never used by two goroutines at once.
type budget struct {
	fields        int64
	spent         cost
	responseBytes int
	// refused is the error that refused the batch, once one has.
	refused *gqlerror.Error
}

type budgetKey struct{}

// withBudget returns ctx carrying b: the guards then sum what every
// operation under ctx costs.
func withBudget(ctx context.Context, b *budget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

// batchBudget is the budget of the batch ctx belongs to, nil outside a batch.
func batchBudget(ctx context.Context) *budget {
	b, _ := ctx.Value(budgetKey{}).(*budget)
	return b
}

func (b *budget) refuse(err *gqlerror.Error) *gqlerror.Error {
	if b.refused == nil {
		b.refused = err
	}
	return err
}

// addFields adds an operation's fields (fragments expanded) to the batch's.
func (b *budget) addFields(lim Limits, fields int) *gqlerror.Error {
	b.fields = min(b.fields+int64(fields), capped)
	if on(lim.MaxFields) && b.fields > int64(lim.MaxFields) {
		return b.refuse(limitError(CodeTooComplex, "the batch has more than %d fields with its fragments expanded, over all its operations", lim.MaxFields))
	}
	return nil
}

// addCost adds an operation's estimated cost and screenings to the batch's.
func (b *budget) addCost(lim Limits, c cost) *gqlerror.Error {
	b.spent = b.spent.add(c)
	if on(lim.MaxScreenings) && b.spent.screenings > int64(lim.MaxScreenings) {
		return b.refuse(limitError(CodeBadUserInput, "too many ids: the batch asks for %d screenings over all its operations, at most %d", b.spent.screenings, lim.MaxScreenings))
	}
	if on(lim.MaxCost) && b.spent.fields > int64(lim.MaxCost) {
		return b.refuse(limitError(CodeTooComplex, "the batch has an estimated cost of %d over all its operations, more than %d", b.spent.fields, lim.MaxCost))
	}
	return nil
}

// addResponse adds an operation's answer to the batch's; over the bound the
// answer is refused, and so is every operation after it (refused is set).
func (b *budget) addResponse(lim Limits, n int) *gqlerror.Error {
	b.responseBytes += n
	if b.responseBytes > lim.MaxResponseBytes {
		return b.refuse(limitError(CodeResponseTooLarge, "the batch's answers are larger than %d bytes together: ask for fewer operations, ids or fields", lim.MaxResponseBytes))
	}
	return nil
}

// heavyLane admits heavy operations a few at a time; the others wait, up to
// queue of them.
type heavyLane struct {
	slots   chan struct{} // nil: no bound on how many run at once
	waiting atomic.Int64
	queue   int64
	gate    *pace.Gate // paces heavy requests (unless HeavyShare is off) and tells when light ones are served
	done    func(paused time.Duration)
}

// enter waits for a place, and then for the heavy requests before it to be
// within their share of the time (pace.Gate.Wait); m paces the request's
// work, and release (which closes m) gives the place back. A request that
// cannot wait (the queue is full, its deadline passes or its client leaves)
// gets an error.
func (l *heavyLane) enter(ctx context.Context) (m *pace.Meter, release func(), _ *gqlerror.Error) {
	free := func() {}
	if l.slots != nil {
		select {
		case l.slots <- struct{}{}:
		default:
			if gerr := l.queueFor(ctx); gerr != nil {
				return nil, nil, gerr
			}
		}
		free = func() { <-l.slots }
	}
	if err := l.gate.Wait(ctx); err != nil {
		free()
		return nil, nil, waitError(ctx)
	}
	m = l.gate.Meter()
	return m, func() {
		m.Close()
		free()
		if l.done != nil {
			l.done(m.Paused())
		}
	}, nil
}

// queueFor waits in the queue for a place.
func (l *heavyLane) queueFor(ctx context.Context) *gqlerror.Error {
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		return limitError(CodeUnavailable, "server busy with large requests, retry later")
	}
	defer l.waiting.Add(-1)
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return waitError(ctx)
	}
}

// waitError is the error of a request whose wait for the lane ended with its
// context.
func waitError(ctx context.Context) *gqlerror.Error {
	if timedOut(ctx) {
		return limitError(CodeTimeout, "request took longer than the server's deadline waiting for its turn among large requests: ask for less")
	}
	return limitError(CodeUnavailable, "request cancelled")
}

type cost struct{ fields, screenings int64 }

func (c cost) add(d cost) cost {
	return cost{min(c.fields+d.fields, capped), min(c.screenings+d.screenings, capped)}
}

func (c cost) times(n int64) cost {
	if n <= 0 {
		return cost{}
	}
	mul := func(a int64) int64 {
		if a > capped/n {
			return capped
		}
		return a * n
	}
	return cost{mul(c.fields), mul(c.screenings)}
}

// answerTypes are the types of a screening's answer: lists inside them are
// sized by the answer, which the response bound limits, not by the data
// reached.
var answerTypes = map[string]bool{"Screening": true, "RegimeResult": true, "Finding": true, "Hop": true, "Gap": true}

// screeningFields are the root fields that screen: each id is one screening.
var screeningFields = map[string]bool{"screenProduct": true, "screenEntity": true, "screenProducts": true}

type coster struct {
	vars map[string]any
	memo map[string]cost
	// batchIDs is the number of ids of the screenBatch being costed (0
	// outside one): the size of its answer's lists.
	batchIDs int64
}

// set is the cost of a selection set; inAnswer says it selects from an answer
// type.
func (c *coster) set(ss ast.SelectionSet, inAnswer bool) cost {
	var out cost
	for _, sel := range ss {
		switch sel := sel.(type) {
		case *ast.Field:
			out = out.add(c.field(sel, inAnswer))
		case *ast.InlineFragment:
			out = out.add(c.set(sel.SelectionSet, inAnswer))
		case *ast.FragmentSpread:
			key := sel.Name + strconv.FormatBool(inAnswer) + strconv.FormatInt(c.batchIDs, 10)
			v, ok := c.memo[key]
			if !ok {
				c.memo[key] = cost{} // a cycle counts nothing more (validation refuses it)
				if sel.Definition != nil {
					v = c.set(sel.Definition.SelectionSet, inAnswer)
				}
				c.memo[key] = v
			}
			out = out.add(v)
		}
	}
	return out
}

func (c *coster) field(f *ast.Field, inAnswer bool) cost {
	if f.Definition == nil || f.Definition.Type == nil {
		return cost{fields: 1}
	}
	t := f.Definition.Type
	var args map[string]any
	if len(f.Arguments) > 0 {
		args = f.ArgumentMap(c.vars)
	}
	if f.Name == "screenBatch" {
		// One answer object whose lists (screenings, unknown) hold one
		// element per id at most: each id is one screening.
		ids := idCount(args)
		saved := c.batchIDs
		c.batchIDs = ids
		children := c.set(f.SelectionSet, false)
		c.batchIDs = saved
		return cost{fields: 1, screenings: ids}.add(children)
	}
	childAnswer := answerTypes[t.Name()]
	children := c.set(f.SelectionSet, childAnswer)
	n := int64(1)
	if t.Elem != nil && len(f.SelectionSet) > 0 {
		switch {
		case args["ids"] != nil:
			n = idCount(args)
		case args["limit"] != nil:
			n = toInt(args["limit"])
		case c.batchIDs > 0 && !inAnswer:
			n = c.batchIDs
		case !inAnswer:
			n = ListSize
		}
	}
	if screeningFields[f.Name] {
		children.screenings = 1
	}
	return cost{fields: 1}.add(children.times(n))
}

// idCount is the length of a field's ids argument.
func idCount(args map[string]any) int64 {
	l, _ := args["ids"].([]any)
	return int64(len(l))
}

// toInt reads an Int argument value as the executor's coercion leaves it.
func toInt(v any) int64 {
	switch v := v.(type) {
	case int:
		return int64(v)
	case int64:
		return v
	case float64:
		return int64(v)
	case json.Number:
		n, _ := v.Int64()
		return n
	}
	return ListSize
}

// bounded is the /graphql middleware of the request limits: at most
// MaxInFlight requests execute at once (others get 503 with Retry-After at
// once rather than queueing), each under the execution deadline, and a POST
// with a body over HeavyBody takes a place in the heavy lane before its body
// is read.
func bounded(next http.Handler, lim Limits, lane *heavyLane) http.Handler {
	var slots chan struct{}
	if on(lim.MaxInFlight) {
		slots = make(chan struct{}, lim.MaxInFlight)
	}
	gate := lane.gate
	serve := func(w http.ResponseWriter, r *http.Request, c *class) {
		if slots != nil {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			default:
				w.Header().Set("Retry-After", "1")
				writeError(w, http.StatusServiceUnavailable, CodeUnavailable, "server busy: too many requests in flight, retry later")
				return
			}
		}
		if lim.Timeout > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), lim.Timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		if lim.MaxBodyBytes > 0 && r.ContentLength > lim.MaxBodyBytes {
			// Said at once: reading it first would only spend the bound.
			c.refused.Store(true)
			writeError(w, http.StatusRequestEntityTooLarge, CodeTooLarge,
				fmt.Sprintf("request body too large (at most %d bytes)", lim.MaxBodyBytes))
			return
		}
		if on(lim.HeavyBody) && (r.ContentLength < 0 || r.ContentLength > int64(lim.HeavyBody)) && r.Method == http.MethodPost {
			m, release, gerr := lane.enter(r.Context())
			if gerr != nil {
				if gerr.Extensions["code"] == CodeUnavailable {
					w.Header().Set("Retry-After", "1")
					writeError(w, http.StatusServiceUnavailable, CodeUnavailable, gerr.Message)
				} else {
					writeError(w, http.StatusOK, CodeTimeout, gerr.Message)
				}
				return
			}
			defer release()
			markHeavy(r.Context(), m)
			ctx := context.WithValue(r.Context(), inLane{}, true)
			r = r.WithContext(pace.With(ctx, m))
			next.ServeHTTP(w, r)
			return
		}
		// A light request stamps the gate when it ends: heavy requests then
		// pace themselves (a heavy or refused one does not count).
		defer func() {
			if !c.heavy.Load() && !c.refused.Load() {
				gate.Light()
			}
		}()
		next.ServeHTTP(w, r)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &class{}
		serve(w, r.WithContext(context.WithValue(r.Context(), classKey{}, c)), c)
		if c.refused.Load() {
			// Its answer is written but not yet sent (the server sends it
			// when the handler returns); the places it held are free.
			gate.Hold(r.Context(), lim.RefusalDelay)
		}
	})
}

// timedOut reports whether the request's deadline passed (rather than the
// client leaving).
func timedOut(ctx context.Context) bool { return errors.Is(ctx.Err(), context.DeadlineExceeded) }

// busyResponse is what a connection over MaxConns is told before it is
// closed.
const busyResponse = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"

// limitListener accepts at most max open connections; over that it answers
// 503 (plain connections) or closes (TLS ones, which cannot be answered
// before a handshake) and goes on accepting.
type limitListener struct {
	net.Listener
	max    int64
	open   atomic.Int64
	answer bool
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) <= l.max {
			return &countedConn{Conn: c, l: l}, nil
		}
		l.open.Add(-1)
		if l.answer {
			body := `{"errors":[{"message":"server busy: too many connections, retry later","extensions":{"code":"UNAVAILABLE"}}]}`
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = fmt.Fprintf(c, busyResponse, len(body), body)
		}
		_ = c.Close()
	}
}

type countedConn struct {
	net.Conn
	l    *limitListener
	once sync.Once
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.open.Add(-1) })
	return err
}
