package watch

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/store"
)

// Webhook delivers every event, in seq order and at least once, to one URL
// (contract section 6.3): a POST of the event's JSON object with headers
// X-Keiretsu-Event (the seq) and, with a secret, X-Keiretsu-Signature
// (sha256= and the lower-case hex HMAC-SHA256 of the body). Any 2xx answer
// delivers; otherwise the event is sent again after Retry, doubling up to
// MaxRetry, until GiveUp has passed since its first attempt, when it is
// logged as undeliverable and the next one follows. The last delivered seq is
// kept in the store's bookkeeping per URL, so a restart resumes after it, and
// a lease there (renewed while delivering) lets one server deliver to a URL
// at a time. Durations are the wall clock's, not $KEIRETSU_NOW's.
type Webhook struct {
	URL string
	// Secret signs the bodies; nil: no signature.
	Secret []byte
	Client *http.Client
	Log    zerolog.Logger
	// Retry, MaxRetry, GiveUp: 1 s, 10 min and 24 h by default.
	Retry, MaxRetry, GiveUp time.Duration
	// Poll is how often the store is looked at for new events (default 1 s);
	// Wake, when set, makes it look at once.
	Poll time.Duration
	Wake <-chan struct{}
	// LeaseTTL is how long the lease lasts unless renewed (default 30 s).
	LeaseTTL time.Duration

	owner string
}

// SecretFromFile returns a webhook secret as a file holds it: its bytes less
// one trailing newline.
func SecretFromFile(b []byte) []byte { return bytes.TrimSuffix(b, []byte("\n")) }

// Sign returns the X-Keiretsu-Signature header value of a body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

type lease struct {
	Owner string `json:"owner"`
	Until int64  `json:"until"` // unix milliseconds
}

func (w *Webhook) defaults() {
	if w.Client == nil {
		w.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if w.Retry <= 0 {
		w.Retry = time.Second
	}
	if w.MaxRetry <= 0 {
		w.MaxRetry = 10 * time.Minute
	}
	if w.GiveUp <= 0 {
		w.GiveUp = 24 * time.Hour
	}
	if w.Poll <= 0 {
		w.Poll = time.Second
	}
	if w.LeaseTTL <= 0 {
		w.LeaseTTL = 30 * time.Second
	}
	if w.owner == "" {
		b := make([]byte, 8)
		rand.Read(b)
		w.owner = hex.EncodeToString(b)
	}
}

// Run delivers events until ctx ends.
func (w *Webhook) Run(ctx context.Context, st store.Store) {
	w.defaults()
	for ctx.Err() == nil {
		held, err := w.renew(ctx, st, false)
		if err == nil && held {
			err = w.deliverAll(ctx, st)
		}
		if err != nil && ctx.Err() == nil {
			w.Log.Warn().Err(err).Str("url", w.URL).Msg("webhook delivery")
		}
		w.sleep(ctx, w.Poll)
	}
	if ctx.Err() != nil {
		w.release(context.WithoutCancel(ctx), st)
	}
}

func (w *Webhook) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-w.Wake:
	}
}

// renew takes or renews the lease; with position, it also sets the last
// delivered seq, only while the lease is held.
func (w *Webhook) renew(ctx context.Context, st store.Store, position bool, seq ...int) (held bool, err error) {
	err = st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		held = false
		v, err := tx.Get(bucketWebhook, "lease "+w.URL)
		if err != nil {
			return err
		}
		var l lease
		if v != nil {
			if err := json.Unmarshal(v, &l); err != nil {
				return err
			}
		}
		now := time.Now().UnixMilli()
		if l.Owner != "" && l.Owner != w.owner && l.Until > now {
			return nil // another server delivers to this URL
		}
		b, err := json.Marshal(lease{Owner: w.owner, Until: now + w.LeaseTTL.Milliseconds()})
		if err != nil {
			return err
		}
		if err := tx.Put(bucketWebhook, "lease "+w.URL, b); err != nil {
			return err
		}
		held = true
		if position {
			return tx.Put(bucketWebhook, "at "+w.URL, []byte(strconv.Itoa(seq[0])))
		}
		return nil
	})
	return held, err
}

func (w *Webhook) release(ctx context.Context, st store.Store) {
	_ = st.UpdateMeta(ctx, func(tx store.MetaTx) error {
		v, err := tx.Get(bucketWebhook, "lease "+w.URL)
		if err != nil || v == nil {
			return err
		}
		var l lease
		if json.Unmarshal(v, &l) == nil && l.Owner == w.owner {
			return tx.Delete(bucketWebhook, "lease "+w.URL)
		}
		return nil
	})
}

// Delivered returns the last seq delivered to url (0: none).
func Delivered(ctx context.Context, st store.Store, url string) (int, error) {
	n := 0
	err := st.ViewMeta(ctx, func(tx store.MetaTx) error {
		v, err := tx.Get(bucketWebhook, "at "+url)
		if err != nil || v == nil {
			return err
		}
		n, err = strconv.Atoi(string(v))
		return err
	})
	return n, err
}

// deliverAll delivers the events after the last delivered one while the
// lease is held.
func (w *Webhook) deliverAll(ctx context.Context, st store.Store) error {
	for ctx.Err() == nil {
		at, err := Delivered(ctx, st, w.URL)
		if err != nil {
			return err
		}
		evs, err := Events(ctx, st, at, 100)
		if err != nil || len(evs) == 0 {
			return err
		}
		for i, body := range evs {
			seq := at + i + 1
			if e, err := Decode(body); err == nil {
				seq = e.Seq
			}
			if !w.deliver(ctx, st, seq, body) {
				return nil // the lease was lost or ctx ended
			}
			// Delivered: kept even when ctx ended meanwhile, so that a
			// restart does not send it again.
			held, err := w.renew(context.WithoutCancel(ctx), st, true, seq)
			if err != nil || !held {
				return err
			}
		}
	}
	return nil
}

// deliver sends one event until delivered or given up; false when the lease
// was lost or ctx ended meanwhile.
func (w *Webhook) deliver(ctx context.Context, st store.Store, seq int, body []byte) bool {
	first := time.Now()
	wait := w.Retry
	for attempt := 1; ; attempt++ {
		status, err := w.post(ctx, seq, body)
		if err == nil && status/100 == 2 {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if time.Since(first)+wait > w.GiveUp {
			w.Log.Error().Int("seq", seq).Str("url", w.URL).Int("attempts", attempt).AnErr("last_error", err).Int("last_status", status).
				Msg("event undeliverable: given up after the retry period")
			return true
		}
		w.Log.Warn().Int("seq", seq).Str("url", w.URL).Int("status", status).AnErr("error", err).Dur("retry_in", wait).Msg("webhook delivery failed")
		// Wait, renewing the lease meanwhile so that no other server takes it.
		for left := wait; left > 0; left -= w.LeaseTTL / 3 {
			w.sleepPlain(ctx, min(left, w.LeaseTTL/3))
			if held, err := w.renew(ctx, st, false); err != nil || !held {
				return false
			}
		}
		wait = min(2*wait, w.MaxRetry)
	}
}

func (w *Webhook) sleepPlain(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (w *Webhook) post(ctx context.Context, seq int, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Keiretsu-Event", strconv.Itoa(seq))
	if w.Secret != nil {
		req.Header.Set("X-Keiretsu-Signature", Sign(w.Secret, body))
	}
	resp, err := w.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return resp.StatusCode, nil
}
