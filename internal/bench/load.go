package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// LoadConfig is a load test of a running server (keiretsu bench --load):
// honest clients screen as fast as they are answered, alone, while runs are
// ingested, beside hostile clients, and both.
type LoadConfig struct {
	// URL is the server's /graphql.
	URL string
	// Clients is the number of honest clients; Hostile the number of
	// hostile ones (in the phases that have them).
	Clients, Hostile int
	// Seconds is how long each phase runs.
	Seconds float64
	// RPS is the honest clients' offered load together, each on a fixed
	// schedule (a client behind it sends at once; latency counts from the
	// send); 0: each sends as soon as it is answered.
	RPS float64
	// IngestEvery is the pause between two ingest runs (0: back to back).
	IngestEvery time.Duration
	// HostileOnly, when set, keeps the hostile queries whose name contains
	// it (for instance "refused" or "answered").
	HostileOnly string
	// Products and Entities are the ids the honest clients screen, AsOf the
	// day; Nested is the entity the nested hostile queries start from and
	// BatchProduct the product the batches repeat.
	Products, Entities   []string
	AsOf                 string
	Nested, BatchProduct string
	// Ingest, when not nil, commits one run to the served store (another
	// process, that changes the data); the ingest phases call it over and
	// over.
	Ingest func(ctx context.Context) error
}

// LoadResult is what a load test measured.
type LoadResult struct {
	Clients int     `json:"clients"`
	Hostile int     `json:"hostile_clients"`
	Seconds float64 `json:"seconds_per_phase"`
	// OfferedRPS is the honest clients' offered load (0: as fast as
	// answered).
	OfferedRPS  float64 `json:"offered_rps"`
	IngestEvery float64 `json:"ingest_every_s"`
	// Phases: quiet, ingesting, hostile, hostile_ingesting.
	Phases []*PhaseResult `json:"phases"`
	// ServerPeakRSSMB is the server's peak resident memory over the test.
	ServerPeakRSSMB float64 `json:"server_peak_rss_mb"`
}

// PhaseResult is one phase: the honest clients' figures and errors, the
// answers' consistency, and each hostile query's outcomes.
type PhaseResult struct {
	Name           string  `json:"name"`
	HonestRequests int     `json:"honest_requests"`
	HonestRPS      float64 `json:"honest_rps"`
	HonestP50ms    float64 `json:"honest_p50_ms"`
	HonestP99ms    float64 `json:"honest_p99_ms"`
	// P99VsQuiet is HonestP99ms over the quiet phase's.
	P99VsQuiet   float64 `json:"honest_p99_vs_quiet"`
	HonestErrors int     `json:"honest_errors"`
	FirstError   string  `json:"first_error,omitempty"`
	// DataVersions is how many dataVersions the honest answers carried;
	// Inconsistent counts answers that differ from an earlier answer to the
	// same question with the same dataVersion.
	DataVersions int `json:"data_versions"`
	Inconsistent int `json:"inconsistent_answers"`
	Ingests      int `json:"ingests"`
	// Hostile is by query: how often it was sent and how it ended.
	Hostile []*HostileResult `json:"hostile,omitempty"`
}

// HostileResult is how one hostile query fared.
type HostileResult struct {
	Query    string         `json:"query"`
	Requests int            `json:"requests"`
	P50ms    float64        `json:"p50_ms"`
	P99ms    float64        `json:"p99_ms"`
	Outcomes map[string]int `json:"outcomes"` // "200 answered", "200 COMPLEXITY_LIMIT_EXCEEDED", "413 TOO_LARGE", ...
	lat      []float64
}

const (
	honestProduct = `query($id: ID!, $asOf: Date) { screenProduct(id: $id, asOf: $asOf) { subjectId asOf verdict dataVersion results { regime { id name } verdict findings { verdict basis aggregatePercent entity { id name } listedEntity { id } path { kind from to percent source } } } gaps { productId reason } } }`
	honestEntity  = `query($id: ID!, $asOf: Date) { screenEntity(id: $id, asOf: $asOf) { subjectId verdict dataVersion results { regime { id } verdict findings { verdict entity { id } path { kind from to } } } } }`
	fullSelection = `subjectId asOf verdict dataVersion results { regime { id name } verdict findings { verdict basis aggregatePercent entity { id name } listedEntity { id } path { kind from to percent source } } } gaps { productId reason }`
)

// hostileQuery is a request a hostile client sends: the queries of issue 16
// that took a server down, those at the edge of the limits, and a body over
// the size limit.
type hostileQuery struct {
	name string
	body []byte
}

func hostileQueries(c LoadConfig) []hostileQuery {
	ids := make([]string, 10_000)
	for i := range ids {
		ids[i] = c.BatchProduct
	}
	half := ids[:5_001]
	mk := func(q string, vars map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		return b
	}
	return []hostileQuery{
		{"nested lists 8 deep (refused: cost)", mk(nestedQuery(c.Nested, 8), nil)},
		{"nesting 16 deep (refused: depth)", mk(nestedQuery(c.Nested, 16), nil)},
		{"100 aliases of a 10,000-id batch (refused: screenings)", mk(aliasQuery(100, "verdict"), map[string]any{"ids": ids})},
		{"2 aliases of 5,001 ids (refused: screenings)", mk(aliasQuery(2, "verdict"), map[string]any{"ids": half})},
		{"fragment doubling 24 steps (refused: fields)", mk(doublingQuery(c.Nested, 24), nil)},
		{"10,000 repeated fields (refused: fields)", mk(`{ entity(id: "`+c.Nested+`") { `+strings.Repeat("id ", 10_000)+`} }`, nil)},
		{"60,000 tokens (refused: tokens)", mk(`{ entity(id: "`+c.Nested+`") { `+strings.Repeat("id ", 60_000)+`} }`, nil)},
		{"9 MiB body (refused: 413)", append(append([]byte(`{"query":"{ __typename }","pad":"`), bytes.Repeat([]byte("x"), 9<<20)...), `"}`...)},
		{"one full 10,000-id batch (at the limit: answered)", mk(aliasQuery(1, fullSelection), map[string]any{"ids": ids})},
		{"nested lists 4 deep (under the limit: answered)", mk(nestedQuery(c.Nested, 4), nil)},
	}
}

// nestedQuery is entity(id) { owned { owner { owned ... } } } n levels below
// entity.
func nestedQuery(id string, n int) string {
	var b strings.Builder
	b.WriteString(`{ entity(id: "` + id + `") { id `)
	for i := range n {
		if i%2 == 0 {
			b.WriteString("owned { ")
		} else {
			b.WriteString("owner { id ")
		}
	}
	if n%2 == 0 {
		b.WriteString("name")
	} else {
		b.WriteString("percent")
	}
	b.WriteString(strings.Repeat(" }", n))
	b.WriteString(" } }")
	return b.String()
}

// doublingQuery is a document whose fragments double at each of n steps.
func doublingQuery(id string, n int) string {
	var b strings.Builder
	b.WriteString(`{ entity(id: "` + id + `") { ...F0 } }` + "\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Entity { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Entity { id }\n", n)
	return b.String()
}

// aliasQuery is n aliases of one screenProducts over $ids.
func aliasQuery(n int, selection string) string {
	var b strings.Builder
	b.WriteString("query($ids: [ID!]!) {")
	for i := range n {
		fmt.Fprintf(&b, " a%d: screenProducts(ids: $ids) { %s }", i, selection)
	}
	b.WriteString(" }")
	return b.String()
}

// Load runs the phases one after the other.
func Load(ctx context.Context, c LoadConfig) (*LoadResult, error) {
	if len(c.Products) == 0 || len(c.Entities) == 0 {
		return nil, fmt.Errorf("load: no products or entities to screen")
	}
	var honest [][]byte
	for i := 0; i < max(len(c.Products), len(c.Entities)); i++ {
		for _, q := range []struct {
			query string
			ids   []string
		}{{honestProduct, c.Products}, {honestEntity, c.Entities}} {
			b, _ := json.Marshal(map[string]any{"query": q.query, "variables": map[string]any{"id": q.ids[i%len(q.ids)], "asOf": c.AsOf}})
			honest = append(honest, b)
		}
	}
	hostile := hostileQueries(c)
	if c.HostileOnly != "" {
		hostile = slices.DeleteFunc(hostile, func(h hostileQuery) bool { return !strings.Contains(h.name, c.HostileOnly) })
		if len(hostile) == 0 {
			return nil, fmt.Errorf("load: no hostile query is named like %q", c.HostileOnly)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.Clients + c.Hostile + 4}, Timeout: 2 * time.Minute}
	res := &LoadResult{Clients: c.Clients, Hostile: c.Hostile, Seconds: c.Seconds, OfferedRPS: c.RPS, IngestEvery: c.IngestEvery.Seconds()}
	for _, ph := range []struct {
		name            string
		hostile, ingest bool
	}{{"quiet", false, false}, {"ingesting", false, true}, {"hostile", true, false}, {"hostile_ingesting", true, true}} {
		if ph.ingest && c.Ingest == nil {
			continue
		}
		p, err := runPhase(ctx, c, client, ph.name, honest, hostile, ph.hostile, ph.ingest)
		if err != nil {
			return res, err
		}
		if len(res.Phases) > 0 && res.Phases[0].HonestP99ms > 0 {
			p.P99VsQuiet = round3(p.HonestP99ms / res.Phases[0].HonestP99ms)
		} else {
			p.P99VsQuiet = 1
		}
		res.Phases = append(res.Phases, p)
	}
	return res, nil
}

// answers checks the honest answers' consistency: one answer per question
// and dataVersion.
type answers struct {
	mu       sync.Mutex
	seen     map[[2]string][32]byte // question, dataVersion -> answer hash
	versions map[string]bool
	bad      int
}

func (a *answers) add(question int, raw []byte) error {
	var r struct {
		Data map[string]struct {
			DataVersion string `json:"dataVersion"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Data) != 1 {
		return fmt.Errorf("not an answer: %.200s", raw)
	}
	var version string
	for _, v := range r.Data {
		version = v.DataVersion
	}
	sum := sha256.Sum256(raw)
	key := [2]string{fmt.Sprint(question), version}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.versions[version] = true
	if prev, ok := a.seen[key]; ok && prev != sum {
		a.bad++
	}
	a.seen[key] = sum
	return nil
}

func runPhase(ctx context.Context, c LoadConfig, client *http.Client, name string, honest [][]byte, hostile []hostileQuery, withHostile, withIngest bool) (*PhaseResult, error) {
	p := &PhaseResult{Name: name}
	ans := &answers{seen: map[[2]string][32]byte{}, versions: map[string]bool{}}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.Seconds*float64(time.Second)))
	defer cancel()
	var mu sync.Mutex
	var lat []float64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range c.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]float64, 0, 4096)
			var errs int
			var first string
			var interval time.Duration
			if c.RPS > 0 {
				interval = time.Duration(float64(time.Second) * float64(c.Clients) / c.RPS)
			}
			next := start.Add(time.Duration(w) * interval / time.Duration(c.Clients))
			for i := w; ctx.Err() == nil; i += c.Clients {
				if interval > 0 {
					if d := time.Until(next); d > 0 {
						select {
						case <-time.After(d):
						case <-ctx.Done():
						}
					}
					next = next.Add(interval)
					if ctx.Err() != nil {
						break
					}
				}
				q := i % len(honest)
				t0 := time.Now()
				status, raw, err := send(ctx, client, c.URL, honest[q])
				if ctx.Err() != nil {
					break // the phase ended during the request
				}
				mine = append(mine, float64(time.Since(t0).Microseconds())/1e3)
				switch {
				case err != nil:
					err = fmt.Errorf("honest request: %w", err)
				case status != 200 || bytes.Contains(raw, []byte(`"errors"`)):
					err = fmt.Errorf("honest request: %d %.300s", status, raw)
				default:
					err = ans.add(q, raw)
				}
				if err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			p.HonestErrors += errs
			if p.FirstError == "" {
				p.FirstError = first
			}
			mu.Unlock()
		}()
	}
	if withHostile {
		for _, h := range hostile {
			p.Hostile = append(p.Hostile, &HostileResult{Query: h.name, Outcomes: map[string]int{}})
		}
		for w := range c.Hostile {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; ctx.Err() == nil; i++ {
					k := i % len(hostile)
					t0 := time.Now()
					status, raw, err := sendHead(ctx, client, c.URL, hostile[k].body)
					if ctx.Err() != nil {
						break
					}
					ms := float64(time.Since(t0).Microseconds()) / 1e3
					outcome := outcomeOf(status, raw, err)
					mu.Lock()
					h := p.Hostile[k]
					h.Requests++
					h.lat = append(h.lat, ms)
					h.Outcomes[outcome]++
					mu.Unlock()
				}
			}()
		}
	}
	var ingestErr error
	if withIngest {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if err := c.Ingest(ctx); err != nil {
					if ctx.Err() == nil {
						ingestErr = err
					}
					return
				}
				mu.Lock()
				p.Ingests++
				mu.Unlock()
				select {
				case <-time.After(c.IngestEvery):
				case <-ctx.Done():
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	if ingestErr != nil {
		return p, fmt.Errorf("phase %s: ingest: %w", name, ingestErr)
	}
	p.HonestRequests = len(lat)
	p.HonestRPS = round(float64(len(lat)) / elapsed)
	p.HonestP50ms = round3(percentile(lat, 50))
	p.HonestP99ms = round3(percentile(lat, 99))
	p.DataVersions = len(ans.versions)
	p.Inconsistent = ans.bad
	for _, h := range p.Hostile {
		h.P50ms = round3(percentile(h.lat, 50))
		h.P99ms = round3(percentile(h.lat, 99))
	}
	return p, nil
}

// send posts a body and returns the status and the answer.
func send(ctx context.Context, client *http.Client, url string, body []byte) (int, []byte, error) {
	return sendKeeping(ctx, client, url, body, -1)
}

// sendKeeping posts a body and returns the status and the first keep bytes
// of the answer (all of it when keep < 0), reading the rest without keeping
// it.
func sendKeeping(ctx context.Context, client *http.Client, url string, body []byte, keep int64) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if keep < 0 {
		raw, err := io.ReadAll(resp.Body)
		return resp.StatusCode, raw, err
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, keep))
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode, head, err
}

// headBytes is how much of a hostile answer sendHead keeps.
const headBytes = 64 << 10

// sendHead posts a hostile body and returns the status and the first
// headBytes of the answer: a hostile client's 40 MB answers, kept and decoded,
// would cost the benchmark's own process (where the honest clients'
// latencies are measured) more CPU and garbage than they cost the server.
func sendHead(ctx context.Context, client *http.Client, url string, body []byte) (int, []byte, error) {
	return sendKeeping(ctx, client, url, body, headBytes)
}

// outcomeOf names how a hostile request ended: its status and the code of
// its errors, or "answered". raw may be the head of a longer answer: the
// errors of a GraphQL response come before its data.
func outcomeOf(status int, raw []byte, err error) string {
	if err != nil {
		return "transport error"
	}
	var r struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(raw, &r) != nil {
		r.Errors = nil
		dec := json.NewDecoder(bytes.NewReader(raw))
		if t, _ := dec.Token(); t == json.Delim('{') {
			if key, _ := dec.Token(); key == "errors" {
				_ = dec.Decode(&r.Errors)
			}
		}
	}
	if len(r.Errors) == 0 {
		return fmt.Sprintf("%d answered", status)
	}
	codes := []string{}
	for _, e := range r.Errors {
		if !slices.Contains(codes, e.Extensions.Code) {
			codes = append(codes, e.Extensions.Code)
		}
	}
	return fmt.Sprintf("%d %s", status, strings.Join(codes, ","))
}
