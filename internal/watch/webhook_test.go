package watch_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/watch"
)

func TestWebhooks(t *testing.T) {
	runSuite(t, []suiteCase{
		{"SignedInOrderRetried", testWebhookSignedInOrder},
		{"Unsigned", testWebhookUnsigned},
		{"ResumedAfterRestart", testWebhookResumed},
		{"GivesUp", testWebhookGivesUp},
		{"OneDelivererPerURL", testWebhookOneDeliverer},
	})
}

// attempt is one POST a receiver got.
type attempt struct {
	seq       int
	header    string // X-Keiretsu-Event
	signature string
	signed    bool
	body      []byte
	at        time.Time
	status    int
}

// receiver is a local webhook endpoint answering 500 to the first fail[seq]
// attempts at an event (forever with -1), 204 after.
type receiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	fail map[int]int
	got  []attempt
	// delivered is signalled at each 2xx answer.
	delivered chan int
}

func newReceiver(t *testing.T, fail map[int]int) *receiver {
	r := &receiver{fail: fail, delivered: make(chan int, 100)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		a := attempt{header: req.Header.Get("X-Keiretsu-Event"), body: body, at: time.Now(), status: http.StatusNoContent}
		a.seq, _ = strconv.Atoi(a.header)
		a.signature, a.signed = req.Header.Get("X-Keiretsu-Signature"), req.Header["X-Keiretsu-Signature"] != nil
		r.mu.Lock()
		if n := r.fail[a.seq]; n != 0 {
			a.status = http.StatusInternalServerError
			if n > 0 {
				r.fail[a.seq] = n - 1
			}
		}
		r.got = append(r.got, a)
		r.mu.Unlock()
		w.WriteHeader(a.status)
		if a.status/100 == 2 {
			select {
			case r.delivered <- a.seq:
			default:
			}
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// wait waits until st records the delivery of seqs up to last, failing the
// test after a minute (a guard against a hang, not a speed check).
func (r *receiver) wait(t *testing.T, st store.Store, last int) {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		if n, err := watch.Delivered(context.Background(), st, r.srv.URL); err != nil {
			t.Fatal(err)
		} else if n >= last {
			return
		}
		select {
		case <-r.delivered:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			t.Fatalf("event %d not delivered; got %v", last, r.attempts())
		}
	}
}

func (r *receiver) attempts() []attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]attempt(nil), r.got...)
}

// makeEvents records n events: a watch on p1 whose verdict changes at each run.
func makeEvents(t *testing.T, st store.Store, n int) {
	t.Helper()
	if ws, _ := watch.List(context.Background(), st); len(ws) == 0 {
		mustCommit(t, st, base)
		add(t, st, product("p1", ofac))
	}
	for range n {
		evs := events(t, st, 0)
		pct := "40"
		if len(evs)%2 == 1 {
			pct = "60"
		}
		mustCommit(t, st, `{"kind":"ownership","owner":"L","owned":"s1","percent":`+pct+"}\n")
	}
	if got := len(events(t, st, 0)); got < n {
		t.Fatalf("%d events, want at least %d", got, n)
	}
}

// run runs a webhook until the returned stop is called, which waits for it.
func run(st store.Store, w *watch.Webhook) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, st)
	}()
	return func() {
		cancel()
		<-done
	}
}

func quick(url string, secret []byte) *watch.Webhook {
	return &watch.Webhook{URL: url, Secret: secret, Log: zerolog.Nop(), Retry: 20 * time.Millisecond,
		MaxRetry: 80 * time.Millisecond, Poll: 10 * time.Millisecond}
}

func hmacHex(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// testWebhookSignedInOrder: every event is POSTed as events --json's object,
// signed, in seq order; a 500 is retried after the retry delay, doubling, and
// no later event goes before it.
func testWebhookSignedInOrder(t *testing.T, h *harness) {
	makeEvents(t, h.st, 3)
	rcv := newReceiver(t, map[int]int{2: 3})
	secret := []byte("s3cret\n")
	w := quick(rcv.srv.URL, watch.SecretFromFile(secret))
	stop := run(h.st, w)
	rcv.wait(t, h.st, 3)
	stop()
	got := rcv.attempts()
	var seqs []int
	for _, a := range got {
		seqs = append(seqs, a.seq)
	}
	if want := []int{1, 2, 2, 2, 2, 3}; !equalInts(seqs, want) {
		t.Fatalf("attempts by seq %v, want %v", seqs, want)
	}
	raw, err := watch.Events(context.Background(), h.st, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		if string(a.body) != string(raw[a.seq-1]) {
			t.Errorf("event %d body %s, want %s", a.seq, a.body, raw[a.seq-1])
		}
		if a.header != strconv.Itoa(a.seq) {
			t.Errorf("X-Keiretsu-Event %q", a.header)
		}
		// The secret is the file's bytes less one trailing newline.
		if want := "sha256=" + hmacHex([]byte("s3cret"), a.body); a.signature != want {
			t.Errorf("event %d signature %q, want %q", a.seq, a.signature, want)
		}
	}
	// Retries wait at least the retry delay, doubling: 20, 40, 80 ms.
	for i, min := range []time.Duration{20, 40, 80} {
		if gap := got[i+2].at.Sub(got[i+1].at); gap < min*time.Millisecond {
			t.Errorf("retry %d after %s, want at least %d ms", i+1, gap, min)
		}
	}
	if n, err := watch.Delivered(context.Background(), h.st, rcv.srv.URL); err != nil || n != 3 {
		t.Errorf("delivered %d %v, want 3", n, err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// testWebhookUnsigned: without a secret there is no signature header.
func testWebhookUnsigned(t *testing.T, h *harness) {
	makeEvents(t, h.st, 1)
	rcv := newReceiver(t, nil)
	stop := run(h.st, quick(rcv.srv.URL, nil))
	rcv.wait(t, h.st, 1)
	stop()
	for _, a := range rcv.attempts() {
		if a.signed {
			t.Errorf("unsigned webhook sent X-Keiretsu-Signature %q", a.signature)
		}
	}
}

// testWebhookResumed: a webhook started again over the same store (a
// restarted server) delivers what was left, not what was delivered.
func testWebhookResumed(t *testing.T, h *harness) {
	makeEvents(t, h.st, 2)
	rcv := newReceiver(t, nil)
	stop := run(h.st, quick(rcv.srv.URL, nil))
	rcv.wait(t, h.st, 2)
	stop()
	makeEvents(t, h.st, 2)
	other := h.others(1)[0]
	stop = run(other, quick(rcv.srv.URL, nil))
	rcv.wait(t, other, 4)
	stop()
	var seqs []int
	for _, a := range rcv.attempts() {
		seqs = append(seqs, a.seq)
	}
	if !equalInts(seqs, []int{1, 2, 3, 4}) {
		t.Errorf("deliveries %v, want 1 2 3 4 once each", seqs)
	}
}

// testWebhookGivesUp: an event still refused after the retry period is given
// up and the next one delivered.
func testWebhookGivesUp(t *testing.T, h *harness) {
	makeEvents(t, h.st, 2)
	rcv := newReceiver(t, map[int]int{1: -1})
	w := quick(rcv.srv.URL, nil)
	w.GiveUp = 100 * time.Millisecond
	stop := run(h.st, w)
	rcv.wait(t, h.st, 2)
	stop()
	got := rcv.attempts()
	if len(got) < 3 || got[0].seq != 1 || got[len(got)-1].seq != 2 || got[len(got)-2].seq != 1 {
		t.Errorf("attempts %v: want event 1 retried, then 2", got)
	}
	if n, _ := watch.Delivered(context.Background(), h.st, rcv.srv.URL); n != 2 {
		t.Errorf("delivered %d, want 2", n)
	}
}

// testWebhookOneDeliverer: two servers delivering to one URL from one store
// deliver each event once, in order (one holds the URL's lease).
func testWebhookOneDeliverer(t *testing.T, h *harness) {
	makeEvents(t, h.st, 3)
	rcv := newReceiver(t, nil)
	sts := h.others(2)
	stop1 := run(sts[0], quick(rcv.srv.URL, nil))
	stop2 := run(sts[1], quick(rcv.srv.URL, nil))
	rcv.wait(t, sts[0], 3)
	stop1()
	stop2()
	var seqs []int
	for _, a := range rcv.attempts() {
		seqs = append(seqs, a.seq)
	}
	if !equalInts(seqs, []int{1, 2, 3}) {
		t.Errorf("deliveries %v, want 1 2 3 once each", seqs)
	}
}
