package pace

import (
	"context"
	"errors"
	"testing"
	"time"
)

// spin runs for d, calling Point all along and, when light is set, stamping a
// light request now and then as a busy server would.
func spin(ctx context.Context, g *Gate, m *Meter, d time.Duration, light bool) error {
	end := time.Now().Add(d)
	for i := 0; time.Now().Before(end); i++ {
		if light && i%64 == 0 {
			g.Light()
		}
		if err := m.Point(ctx); err != nil {
			return err
		}
	}
	return nil
}

func TestPointPausesOnlyBesideLightRequests(t *testing.T) {
	ctx := context.Background()
	g := NewGate(0.5)
	alone := g.Meter()
	if err := spin(ctx, g, alone, 5*time.Millisecond, false); err != nil {
		t.Fatal(err)
	}
	if p := alone.Paused(); p != 0 {
		t.Errorf("a heavy request alone paused %v", p)
	}
	beside := g.Meter()
	if err := spin(ctx, g, beside, 5*time.Millisecond, true); err != nil {
		t.Fatal(err)
	}
	// At a share of one half, every burst of Burst or more is followed by a
	// pause as long as it.
	if p := beside.Paused(); p < Burst {
		t.Errorf("a heavy request beside light ones paused %v, want at least %v", p, Burst)
	}
}

func TestPointEndsWithTheRequest(t *testing.T) {
	g := NewGate(0.001) // a pause of a thousand bursts
	ctx, cancel := context.WithCancel(context.Background())
	m := g.Meter()
	time.AfterFunc(20*time.Millisecond, cancel)
	err := spin(ctx, g, m, time.Minute, true)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Point during the pause of a cancelled request: %v, want context.Canceled", err)
	}
}

func TestWaitPaysForWorkWithoutPoints(t *testing.T) {
	g := NewGate(0.5)
	g.Light()
	m := g.Meter()
	for end := time.Now().Add(4 * time.Millisecond); time.Now().Before(end); {
		// work with no pace point, as parsing a large document is
	}
	m.Close()
	start := time.Now()
	if err := g.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 3*time.Millisecond {
		t.Errorf("the next heavy request waited %v after 4 ms without pace points, want about 4 ms", waited)
	}

	idle := NewGate(0.5)
	m = idle.Meter()
	time.Sleep(2 * time.Millisecond)
	m.Close()
	start = time.Now()
	if err := idle.Wait(context.Background()); err != nil || time.Since(start) > time.Second {
		t.Errorf("with no light request the next heavy request waited %v (%v)", time.Since(start), err)
	}
}

func TestHold(t *testing.T) {
	g := NewGate(0.5)
	start := time.Now()
	g.Hold(context.Background(), time.Second)
	if time.Since(start) >= time.Second {
		t.Errorf("a refusal on an idle server was held %v", time.Since(start))
	}
	g.Light()
	start = time.Now()
	g.Hold(context.Background(), 30*time.Millisecond)
	if held := time.Since(start); held < 30*time.Millisecond {
		t.Errorf("a refusal beside light requests was held %v, want 30 ms", held)
	}
}

func TestOff(t *testing.T) {
	for _, share := range []float64{0, -1, 1, 2} {
		g := NewGate(share)
		if g.Meter() != nil {
			t.Errorf("NewGate(%v) paces", share)
		}
		// It still tells when light requests are being served.
		g.Light()
		start := time.Now()
		g.Hold(context.Background(), 10*time.Millisecond)
		if time.Since(start) < 10*time.Millisecond {
			t.Errorf("NewGate(%v) does not hold a refusal beside light requests", share)
		}
	}
	var g *Gate
	g.Light()
	g.Hold(context.Background(), time.Hour)
	m := g.Meter()
	if m != nil || m.Point(context.Background()) != nil || m.Check(context.Background()) != nil || m.Paused() != 0 {
		t.Error("a nil gate's meter does something")
	}
	m.Close()
	if From(With(context.Background(), nil)) != nil {
		t.Error("a context carries a nil meter")
	}
}
