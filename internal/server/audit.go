package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/keiretsu/keiretsu/graph"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// AuditEntry is one line of the audit log: one screening call answered (a
// batch is one entry, its subjects and verdicts in order).
type AuditEntry struct {
	Time        string   `json:"time"`
	Token       string   `json:"token"`
	Operation   string   `json:"operation"`
	Field       string   `json:"field"`
	Subjects    []string `json:"subjects"`
	Regimes     []string `json:"regimes"`
	AsOf        string   `json:"asOf"`
	DataVersion string   `json:"dataVersion"`
	Verdicts    []string `json:"verdicts"`
	// Prev is the SHA-256 (hex) of the previous line, without its newline;
	// empty on the first line.
	Prev string `json:"prev"`
}

// AuditLog appends one hash-chained JSON line per screening to a file. It
// only appends: a restart goes on from the file's last line. Safe for
// concurrent use.
type AuditLog struct {
	mu   sync.Mutex
	f    *os.File
	prev string
	now  func() time.Time
}

// OpenAuditLog opens (creating it owner-only) the audit log in file and
// checks its chain, so that a server never appends to a log already broken.
func OpenAuditLog(file string) (*AuditLog, error) {
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	_, last, err := VerifyAudit(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audit log %s: %w", file, err)
	}
	return &AuditLog{f: f, prev: last, now: time.Now}, nil
}

// Close closes the file.
func (a *AuditLog) Close() error {
	if err := a.f.Sync(); err != nil {
		a.f.Close()
		return err
	}
	return a.f.Close()
}

// append writes one entry, chained to the previous line.
func (a *AuditLog) append(e AuditEntry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	e.Time = a.now().UTC().Format(time.RFC3339Nano)
	e.Prev = a.prev
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := a.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	a.prev = lineHash(line)
	return nil
}

func lineHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// ErrAuditBroken is returned when an audit log's hash chain does not hold: a
// line was edited, removed, inserted or reordered.
var ErrAuditBroken = errors.New("audit log hash chain broken")

// VerifyAudit reads an audit log from its start and checks that every line
// is an entry whose prev is the hash of the line before. It returns the
// number of entries and the hash of the last line.
func VerifyAudit(r io.ReadSeeker) (n int, last string, err error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return 0, "", err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, rerr := br.ReadBytes('\n')
		if len(line) > 0 {
			if line[len(line)-1] != '\n' {
				return n, last, fmt.Errorf("line %d: %w (the last line is incomplete)", n+1, ErrAuditBroken)
			}
			line = bytes.TrimSuffix(line, []byte("\n"))
			var e AuditEntry
			if err := json.Unmarshal(line, &e); err != nil {
				return n, last, fmt.Errorf("line %d: %w (not an audit entry)", n+1, ErrAuditBroken)
			}
			if e.Prev != last {
				return n, last, fmt.Errorf("line %d: %w (a line before it was edited, removed or inserted, or this one was)", n+1, ErrAuditBroken)
			}
			last = lineHash(line)
			n++
		}
		if rerr == io.EOF {
			return n, last, nil
		}
		if rerr != nil {
			return n, last, rerr
		}
	}
}

// auditKey is the context key of an operation's audit recorder.
type auditKey struct{}

// recorder collects the screenings of one operation. The fast path may give
// an operation to the executor after screening, so one screening call with
// the same arguments is recorded once.
type recorder struct {
	mu      sync.Mutex
	seen    map[string]bool
	entries []AuditEntry
}

func (r *recorder) add(field string, subjects []string, regimes []string, ss []*rules.Screening) {
	key := field + "\x00" + strings.Join(subjects, "\x01") + "\x00" + strings.Join(regimes, "\x01")
	e := AuditEntry{Field: field, Subjects: subjects, Regimes: []string{}, Verdicts: make([]string, len(ss))}
	for i, s := range ss {
		e.Verdicts[i] = s.Verdict.String()
		if i == 0 {
			e.AsOf = s.AsOf.String()
			e.DataVersion = s.Version.String()
			for _, res := range s.Results {
				e.Regimes = append(e.Regimes, res.Regime.ID)
			}
		}
	}
	key += "\x00" + e.AsOf
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[key] {
		return
	}
	r.seen[key] = true
	r.entries = append(r.entries, e)
}

// views wraps every View views gives so that its screenings are recorded.
func (a *AuditLog) views(views graph.Views) graph.Views {
	if h, ok := views.(graph.History); ok {
		if w, ok := views.(graph.Watching); ok {
			return auditWatching{auditHistory{h}, w}
		}
		return auditHistory{h}
	}
	return graph.ViewFunc(func() graph.View { return auditView{views.Current()} })
}

// auditHistory records the screenings of current and past views alike.
type auditHistory struct{ graph.History }

func (h auditHistory) Current() graph.View { return auditView{h.History.Current()} }

func (h auditHistory) At(ctx context.Context, version string) (graph.View, error) {
	past, err := h.History.At(ctx, version)
	if err != nil {
		return nil, err
	}
	return auditView{past}, nil
}

// auditWatching is an auditHistory that lists watches and events (no
// screening, nothing to record).
type auditWatching struct {
	auditHistory
	w graph.Watching
}

func (a auditWatching) Watches(ctx context.Context) ([]watch.Watch, error) { return a.w.Watches(ctx) }

func (a auditWatching) Events(ctx context.Context, since, limit int) ([]*watch.Event, error) {
	return a.w.Events(ctx, since, limit)
}

// auditView is a View whose screenings are recorded in the operation's
// recorder.
type auditView struct{ graph.View }

func recorderOf(ctx context.Context) *recorder {
	r, _ := ctx.Value(auditKey{}).(*recorder)
	return r
}

func (v auditView) ScreenProduct(ctx context.Context, id string, asOf *domain.Date, regimes []string) (*rules.Screening, error) {
	s, err := v.View.ScreenProduct(ctx, id, asOf, regimes)
	if r := recorderOf(ctx); r != nil && err == nil {
		r.add("screenProduct", []string{id}, regimes, []*rules.Screening{s})
	}
	return s, err
}

func (v auditView) ScreenEntity(ctx context.Context, id string, asOf *domain.Date, regimes []string) (*rules.Screening, error) {
	s, err := v.View.ScreenEntity(ctx, id, asOf, regimes)
	if r := recorderOf(ctx); r != nil && err == nil {
		r.add("screenEntity", []string{id}, regimes, []*rules.Screening{s})
	}
	return s, err
}

func (v auditView) ScreenProducts(ctx context.Context, ids []string, asOf *domain.Date, regimes []string) ([]*rules.Screening, error) {
	ss, err := v.View.ScreenProducts(ctx, ids, asOf, regimes)
	if r := recorderOf(ctx); r != nil && err == nil && len(ss) > 0 {
		r.add("screenProducts", ids, regimes, ss)
	}
	return ss, err
}

// extension returns the handler extension that gives each operation a
// recorder and, once it is answered, appends what it recorded to the log. An
// answer replaced by an error (a response over the bound) is not recorded:
// nobody received it.
func (a *AuditLog) extension() graphql.HandlerExtension { return auditExtension{a} }

type auditExtension struct{ log *AuditLog }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = auditExtension{}

func (auditExtension) ExtensionName() string                   { return "KeiretsuAudit" }
func (auditExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (x auditExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	rec := &recorder{seen: map[string]bool{}}
	h := next(context.WithValue(ctx, auditKey{}, rec))
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp == nil || resp.Data == nil || string(resp.Data) == "null" {
			return resp
		}
		p, _ := PrincipalOf(ctx)
		op := ""
		if graphql.HasOperationContext(ctx) {
			if rc := graphql.GetOperationContext(ctx); rc.Operation != nil {
				op = rc.Operation.Name
			}
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, e := range rec.entries {
			e.Token, e.Operation = p.Name, op
			if e.Subjects == nil {
				e.Subjects = []string{}
			}
			if err := x.log.append(e); err != nil {
				// An answer that cannot be audited is not given.
				return &graphql.Response{Errors: gqlerror.List{limitError(CodeInternal, "internal error: the audit log cannot be written")}}
			}
		}
		return resp
	}
}
