// Package pace bounds the processor time that heavy requests (a 10,000-id
// batch, a large document) take while light ones (one screening, one record)
// are being served, so that the light requests' latency stays near what it is
// on a quiet server however many heavy requests arrive.
//
// A limit on how many heavy requests run at once (the server's heavy lane)
// bounds them to a few cores, but a heavy request that runs flat out still
// holds its core for a second or more, and the operating system and Go's
// scheduler give a light request that lands behind it a time slice of
// milliseconds. So heavy work runs in short bursts: at each pace point
// (every few screenings, every few answers written, every chunk of the
// response sent) a heavy request that has run longer than its share of the
// time since it last paused sleeps until it is back within its share, but
// only while light requests are being served: alone, it runs at full speed.
package pace

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Gate is what the heavy requests of one server pace themselves by: their
// share of the time, and when a light request was last seen.
type Gate struct {
	share float64
	// lastLight is when a light request was last seen (UnixNano).
	lastLight atomic.Int64
	// resume is when the next heavy request may start (UnixNano): work a
	// heavy request did without a pace point (parsing its document,
	// decoding its variables) is paid for by the next one waiting.
	resume atomic.Int64
}

// Recent is how long after a light request the heavy ones still pace
// themselves: at a few hundred light requests a second there is always one
// this recent.
const Recent = 20 * time.Millisecond

// Burst is how long a heavy request runs before it may pause: shorter bursts
// give light requests smaller waits, at more timer wake-ups.
const Burst = 500 * time.Microsecond

// NewGate returns the gate of heavy requests that may take share (0 < share
// < 1) of a core's time each while light requests are served. With share >= 1
// or <= 0 heavy requests are not paced (Meter is nil, Wait returns at once);
// the gate still tells when light requests are being served (Hold).
func NewGate(share float64) *Gate {
	if share <= 0 || share >= 1 {
		share = 1
	}
	return &Gate{share: share}
}

// paces reports whether the gate paces heavy requests.
func (g *Gate) paces() bool { return g != nil && g.share < 1 }

// Light records that a light request was served (the server stamps each as
// it ends).
func (g *Gate) Light() {
	if g != nil {
		g.lastLight.Store(time.Now().UnixNano())
	}
}

// busy reports whether a light request was seen within Recent of now.
func (g *Gate) busy(now time.Time) bool {
	return now.UnixNano()-g.lastLight.Load() < int64(Recent)
}

// Meter paces one heavy request. The executor may run a request's fields on
// several goroutines: they share its meter, and one pausing holds the others
// at their next pace point. A nil Meter does nothing.
type Meter struct {
	g     *Gate
	calls atomic.Uint32
	mu    sync.Mutex
	// since is when the request last resumed: its current burst began.
	since  time.Time
	paused time.Duration
}

// Meter returns the meter of a heavy request starting now (nil when g does
// not pace).
func (g *Gate) Meter() *Meter {
	if !g.paces() {
		return nil
	}
	return &Meter{g: g, since: time.Now()}
}

// Wait is where a heavy request waits for its turn: while light requests are
// being served, until the heavy requests before it are within their share
// (see Meter.Close). It returns ctx's error when the request is over first.
func (g *Gate) Wait(ctx context.Context) error {
	if !g.paces() {
		return nil
	}
	for {
		now := time.Now()
		wait := time.Duration(g.resume.Load() - now.UnixNano())
		if wait <= 0 || !g.busy(now) {
			return ctx.Err()
		}
		t := time.NewTimer(min(wait, Recent))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// Hold waits d while light requests are being served (returning early when
// ctx ends): how a request refused by a limit is answered, so that a client
// sending such requests in a loop sends few of them.
func (g *Gate) Hold(ctx context.Context, d time.Duration) {
	if g == nil || d <= 0 || !g.busy(time.Now()) {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// Close ends a heavy request: the time it ran since its last pause, which
// may hold work without pace points, is owed by the next heavy request, which
// Wait holds back for it. Close on a nil Meter does nothing.
func (m *Meter) Close() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	ran := now.Sub(m.since)
	m.since = now
	if ran <= 0 || !m.g.busy(now) {
		return
	}
	until := now.Add(time.Duration(float64(ran) * (1 - m.g.share) / m.g.share)).UnixNano()
	for {
		old := m.g.resume.Load()
		if old >= until || m.g.resume.CompareAndSwap(old, until) {
			return
		}
	}
}

// Point is a pace point: a place in heavy work where it may pause. Most calls
// only count; every few it reads the clock, and past a burst while light
// requests are being served it sleeps long enough to keep the request within
// its share. It returns ctx's error when it finds the request over as it
// reads the clock, or during a pause (which ends with it).
func (m *Meter) Point(ctx context.Context) error {
	if m == nil {
		return nil
	}
	if m.calls.Add(1)%8 != 0 {
		return nil
	}
	return m.Check(ctx)
}

// Check is a pace point that reads the clock every time, for work whose
// steps are long (a megabyte copied, a chunk of an answer sent).
func (m *Meter) Check(ctx context.Context) error {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	ran := now.Sub(m.since)
	if ran < Burst {
		return ctx.Err()
	}
	if !m.g.busy(now) {
		m.since = now
		return ctx.Err()
	}
	pause := time.Duration(float64(ran) * (1 - m.g.share) / m.g.share)
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	m.since = time.Now()
	m.paused += m.since.Sub(now)
	return nil
}

// Paused is the time the request has spent paused so far.
func (m *Meter) Paused() time.Duration {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.paused
}

type meterKey struct{}

// With returns ctx carrying m: the heavy work under ctx paces itself by it.
func With(ctx context.Context, m *Meter) context.Context {
	if m == nil {
		return ctx
	}
	return context.WithValue(ctx, meterKey{}, m)
}

// From is the meter ctx carries (nil for a light request).
func From(ctx context.Context) *Meter {
	m, _ := ctx.Value(meterKey{}).(*Meter)
	return m
}
