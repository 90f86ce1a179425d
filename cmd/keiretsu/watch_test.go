package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// keiretsuAt runs the binary with $KEIRETSU_NOW set to now.
func keiretsuAt(t *testing.T, now, stdin string, args ...string) result {
	t.Helper()
	return keiretsuEnv(t, []string{"KEIRETSU_NOW=" + now}, stdin, args...)
}

// cliEvent is an event as events --json prints it.
type cliEvent struct {
	Seq                                      int
	Time, Watch, Subject, Regime, AsOf, Kind string
	Before                                   string
	After                                    *string
	DataVersionBefore, DataVersion           string
	Run                                      *int
	FindingsAdded, FindingsRemoved           []map[string]string
	GapsOpened, GapsClosed                   []string
}

func cliEvents(t *testing.T, now string, args ...string) ([]cliEvent, string) {
	t.Helper()
	r := keiretsuAt(t, now, "", append([]string{"events", "--json"}, args...)...)
	var evs []cliEvent
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &evs) != nil {
		t.Fatalf("events --json: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	return evs, r.stdout
}

// TestWatchCommands: watch add|list|remove and events as a user types them:
// one watch per subject, an unknown subject refused, the events of a run
// that changes a watched verdict (and of a day change), --since, --json.
func TestWatchCommands(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	const day1, day2 = "2031-03-01T09:00:00Z", "2031-03-04T09:00:00Z"
	world := verdictData + `{"kind":"sourcing","product":"part","entity":"sub"}
{"kind":"entity","id":"temp","name":"Temporarily owned"}
{"kind":"ownership","owner":"listed","owned":"temp","percent":80,"to":"2031-03-03"}
`
	if r := keiretsuAt(t, day1, world, "ingest", "--data", data, "-"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := keiretsuAt(t, day1, "", "watch", "--data", data, "add", "--product", "box", "--entity", "sub", "--entity", "temp", "--regime", "US-OFAC-SDN")
	if r.code != 0 || r.stdout != "w1\nw2\nw3\n" {
		t.Fatalf("watch add: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = keiretsuAt(t, day1, "", "watch", "add", "--data", data, "--product", "box", "--product", "nope")
	if r.code != 1 || !strings.Contains(r.stderr, `"nope"`) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("watch add of an unknown product: exit %d %q", r.code, r.stderr)
	}
	r = keiretsuAt(t, day1, "", "watch", "add", "--data", data, "--product", "box", "--as-of", "2030-01-01")
	if r.code != 0 || r.stdout != "w4\n" {
		t.Errorf("watch add --as-of: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = keiretsuAt(t, day1, "", "watch", "list", "--data", data, "--json")
	want := `[{"id":"w1","subject":"box","kind":"product","regimes":["US-OFAC-SDN"],"asOf":"today"},` +
		`{"id":"w2","subject":"sub","kind":"entity","regimes":["US-OFAC-SDN"],"asOf":"today"},` +
		`{"id":"w3","subject":"temp","kind":"entity","regimes":["US-OFAC-SDN"],"asOf":"today"},` +
		`{"id":"w4","subject":"box","kind":"product","regimes":[],"asOf":"2030-01-01"}]` + "\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("watch list --json:\n%s\nwant\n%s", r.stdout, want)
	}
	if evs, _ := cliEvents(t, day1, "--data", data); len(evs) != 0 {
		t.Fatalf("events before any change: %+v", evs)
	}

	// A run cuts listed's share of sub to 40%: box (through part) and sub
	// improve; temp does not change.
	r = keiretsuAt(t, day1, `{"kind":"ownership","owner":"listed","owned":"sub","percent":40}`+"\n", "ingest", "--data", data, "-")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	v2 := versionIn.FindStringSubmatch(r.stdout)[1]
	evs, _ := cliEvents(t, day1, "--data", data)
	got := map[string]string{}
	for _, e := range evs {
		if e.Regime != "US-OFAC-SDN" {
			continue // w4 follows every default regime
		}
		got[e.Watch] = e.Kind + " " + e.Before + " " + *e.After + " " + e.AsOf
		if e.Run == nil || *e.Run != 2 || e.DataVersion != v2 || e.Time != day1 {
			t.Errorf("event %+v: want run 2, dataVersion %s, time %s", e, v2, day1)
		}
	}
	wantEvs := map[string]string{"w1": "IMPROVED EXPOSED CLEAR 2031-03-01", "w2": "IMPROVED EXPOSED CLEAR 2031-03-01", "w4": "IMPROVED EXPOSED CLEAR 2030-01-01"}
	if !mapsEqual(got, wantEvs) {
		t.Errorf("events after the run: %+v, want %v", got, wantEvs)
	}
	last := evs[len(evs)-1].Seq
	r = keiretsuAt(t, day1, "", "events", "--data", data)
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); r.code != 0 || len(lines) != last ||
		!strings.Contains(lines[0], "w1 box US-OFAC-SDN IMPROVED EXPOSED -> CLEAR (run 2") {
		t.Errorf("events: %d %q %q", r.code, r.stdout, r.stderr)
	}

	// Days pass: the temporary ownership ends; one event for temp's today
	// watch, with run null, recorded by the next command that looks.
	evs, _ = cliEvents(t, day2, "--data", data, "--since", strconv.Itoa(last))
	if len(evs) != 1 || evs[0].Watch != "w3" || evs[0].Run != nil || evs[0].AsOf != "2031-03-04" || evs[0].Kind != "IMPROVED" || evs[0].Seq != last+1 {
		t.Errorf("the day change: %+v", evs)
	}
	if evs, _ := cliEvents(t, day2, "--data", data); len(evs) != last+1 {
		t.Errorf("events again: %d, want the same %d", len(evs), last+1)
	}

	if r := keiretsuAt(t, day2, "", "watch", "remove", "--data", data, "w9"); r.code != 1 || !strings.Contains(r.stderr, "w9") {
		t.Errorf("remove of an unknown watch: %d %q", r.code, r.stderr)
	}
	if r := keiretsuAt(t, day2, "", "watch", "remove", "--data", data, "w1", "w3"); r.code != 0 {
		t.Errorf("remove: %q", r.stderr)
	}
	r = keiretsuAt(t, day2, "", "watch", "list", "--data", data)
	if r.stdout != "w2 entity sub as of today under US-OFAC-SDN\nw4 product box as of 2030-01-01 under default regimes\n" {
		t.Errorf("watch list after remove: %q", r.stdout)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// hookReceiver records the webhook POSTs it gets, answering 500 to the first
// failFirst of them.
type hookReceiver struct {
	mu        sync.Mutex
	failFirst int
	posts     []hookPost
}

type hookPost struct {
	event, signature string
	body             []byte
	status           int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	p := hookPost{event: r.Header.Get("X-Keiretsu-Event"), signature: r.Header.Get("X-Keiretsu-Signature"), body: body, status: 200}
	if len(h.posts) < h.failFirst {
		p.status = 500
	}
	h.posts = append(h.posts, p)
	w.WriteHeader(p.status)
}

func (h *hookReceiver) delivered() []hookPost {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []hookPost
	for _, p := range h.posts {
		if p.status == 200 {
			out = append(out, p)
		}
	}
	return out
}

// TestServeWebhook: a serve with --webhook records the events of a run sent
// to it (ingest while it serves) and POSTs them, signed with the secret
// file's bytes less its trailing newline, retrying after a 500; the API lists
// the same events; a restarted serve delivers only what is new.
func TestServeWebhook(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	if r := keiretsu(t, verdictData, "ingest", "--data", data, "-"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := keiretsu(t, "", "watch", "add", "--data", data, "--entity", "sub", "--entity", "maybe", "--regime", "US-OFAC-SDN"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	rcv := &hookReceiver{failFirst: 1}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	secret := writeFile(t, dir, "secret", "hunter2\n")
	addr, stop := serveUntil(t, "--data", data, "--webhook", hook.URL, "--webhook-secret-file", secret, "--follow", "100ms")
	defer func() { stop() }()

	// Through the serve's socket: the serve commits the run and records its
	// events (sub improves; maybe, whose share is a range, does not change).
	if r := keiretsu(t, `{"kind":"ownership","owner":"listed","owned":"sub","percent":40}`+"\n", "ingest", "--data", data, "-"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	waitFor(t, "the first event delivered", func() bool { return len(rcv.delivered()) >= 1 })
	_, raw := cliEvents(t, "", "--data", data)
	var objs []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &objs); err != nil || len(objs) != 1 {
		t.Fatalf("events: %s", raw)
	}
	got := rcv.delivered()
	mac := hmac.New(sha256.New, []byte("hunter2"))
	mac.Write(got[0].body)
	if got[0].event != "1" || got[0].signature != "sha256="+hex.EncodeToString(mac.Sum(nil)) || string(got[0].body) != string(objs[0]) {
		t.Errorf("delivery %q %q %s, want event 1 signed, body %s", got[0].event, got[0].signature, got[0].body, objs[0])
	}
	if n := len(rcv.posts); n < 2 || rcv.posts[0].status != 500 {
		t.Errorf("the first POST was answered 500 and should have been retried: %+v", rcv.posts)
	}
	resp, err := http.Post("http://"+addr+"/graphql", "application/json",
		strings.NewReader(`{"query":"{ watches { id subject } events { seq watch kind before after run } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `{"data":{"watches":[{"id":"w1","subject":"sub"},{"id":"w2","subject":"maybe"}],` +
		`"events":[{"seq":1,"watch":"w1","kind":"IMPROVED","before":"EXPOSED","after":"CLEAR","run":2}]}}`; string(body) != want {
		t.Errorf("served watches and events:\n%s\nwant\n%s", body, want)
	}

	// Restarted: nothing delivered twice; a new event delivered.
	stop()
	stop = func() {}
	if r := keiretsu(t, `{"kind":"ownership","owner":"listed","owned":"sub","percent":70}`+"\n", "ingest", "--data", data, "-"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	_, stop = serveUntil(t, "--data", data, "--webhook", hook.URL, "--webhook-secret-file", secret, "--follow", "100ms")
	waitFor(t, "the second event delivered", func() bool { return len(rcv.delivered()) >= 2 })
	// A redelivery of event 1 would have come before event 2 (in order).
	got = rcv.delivered()
	if len(got) != 2 || got[1].event != "2" {
		var seqs []string
		for _, p := range got {
			seqs = append(seqs, p.event)
		}
		t.Errorf("deliveries after the restart: %v, want 1 2", seqs)
	}
}

// TestKilledBetweenCommitAndEvents: an ingest SIGKILLed after its run
// committed and before its events were recorded (seen in the run log and the
// events, polled from here) leaves the events to the processes that come
// next: three events commands at once, then two servers following the
// Neo4j, record each once, in run order.
func TestKilledBetweenCommitAndEvents(t *testing.T) {
	store := neo4jArgs(t)
	// keiretsu wipe keeps the bookkeeping (watches and events of other
	// tests): wipe that too.
	st := neo4jtest.Open(t, neo4j.Config{})
	defer st.Close()
	ctx := context.Background()
	if err := st.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	const products = 3000
	var data strings.Builder
	data.WriteString(verdictData)
	args := []string{"watch", "add"}
	for i := range products {
		fmt.Fprintf(&data, `{"kind":"product","id":"p%d","name":"P %d"}`+"\n"+`{"kind":"sourcing","product":"p%d","entity":"sub"}`+"\n", i, i, i)
		args = append(args, "--product", fmt.Sprintf("p%d", i))
	}
	if r := keiretsu(t, data.String(), append([]string{"ingest"}, append(store, "-")...)...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := keiretsu(t, "", append(append(args, "--regime", "US-OFAC-SDN"), store...)...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	killedRun, recorded := 0, 0
	for try := range 8 {
		pct := []string{"40", "60"}[try%2]
		cmd := exec.Command(binary, append([]string{"ingest", "-"}, store...)...)
		cmd.Env = append(os.Environ(), "KEIRETSU_NEO4J_URI=", "KEIRETSU_DATA=")
		cmd.Stdin = strings.NewReader(`{"kind":"ownership","owner":"listed","owned":"sub","percent":` + pct + "}\n")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		run := try + 2
		for {
			runs, err := history.Runs(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) >= run && runs[run-1].Written > 0 {
				break // committed and counted: what follows is recording its events
			}
			time.Sleep(2 * time.Millisecond)
		}
		cmd.Process.Kill()
		cmd.Wait()
		evs, err := watch.Events(ctx, st, 0, -1)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == recorded {
			killedRun = run
			break
		}
		// Too late: the run's events were recorded before the kill, all of them.
		if len(evs) != recorded+products {
			t.Fatalf("%d events after a kill, %d before: a partial recording", len(evs), recorded)
		}
		t.Logf("try %d: the kill came after the events", try)
		recorded = len(evs)
	}
	if killedRun == 0 {
		t.Skip("the kill never landed between a commit and its events")
	}
	// Three events commands catch up at once, then two servers follow.
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for range 3 {
		cmd := exec.Command(binary, append([]string{"events", "--json"}, store...)...)
		cmd.Env = append(os.Environ(), "KEIRETSU_NEO4J_URI=", "KEIRETSU_DATA=")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, &errb)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("events: %v %s", err, outs[i])
		}
	}
	startServe(t, append(store, "--follow", "100ms")...)
	startServe(t, append(store, "--follow", "100ms")...)
	// The servers' loops go on meanwhile (every 100 ms): none may add a
	// duplicate.
	time.Sleep(time.Second)
	evs, err := watch.Events(ctx, st, recorded, -1)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != products {
		t.Fatalf("%d events of the killed run, want one per watch (%d)", len(evs), products)
	}
	seen := map[string]bool{}
	for i, raw := range evs {
		e, err := watch.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		if e.Seq != recorded+i+1 || e.Run == nil || *e.Run != killedRun || seen[e.Watch] {
			t.Fatalf("event %d: %s (want seq %d of run %d, each watch once)", i, raw, recorded+i+1, killedRun)
		}
		seen[e.Watch] = true
	}
}
