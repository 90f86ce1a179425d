package rules

import (
	"context"
	"testing"

	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/model"
)

// TestWarm: after Warm, screening every entity on the day computes no
// evaluation, and screening every product computes fewer than on an engine
// that was not warmed (the rest are products whose category comes from
// several ancestors at once, which Warm does not enumerate).
func TestWarm(t *testing.T) {
	cfg := gen.Config{Entities: 4000, Products: 800, Seed: 11}
	d := model.MustDate("2024-01-01")
	screenAll := func(e *Engine, products bool) uint32 {
		before := e.evals.Load()
		s := e.Snapshot()
		regimes := e.Regimes().All()
		if products {
			for p := range uint32(s.NumProducts()) {
				if s.ProductDefined(p) {
					if _, err := e.ScreenProduct(s.ProductID(p), d, regimes); err != nil {
						t.Fatal(err)
					}
				}
			}
		} else {
			for x := range uint32(s.NumEntities()) {
				if s.EntityDefined(x) {
					if _, err := e.ScreenEntity(s.EntityID(x), d, regimes); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		return e.evals.Load() - before
	}
	cold := worldEngine(t, cfg)
	coldProducts := screenAll(cold, true)
	coldEntities := screenAll(cold, false)
	warm := worldEngine(t, cfg)
	if n := warm.Warm(context.Background(), d); n == 0 {
		t.Fatal("Warm computed nothing")
	}
	if n := screenAll(warm, false); n != 0 {
		t.Errorf("entity screenings after Warm computed %d evaluations (%d unwarmed)", n, coldEntities)
	}
	if n := screenAll(warm, true); n >= coldProducts {
		t.Errorf("product screenings after Warm computed %d evaluations, unwarmed %d", n, coldProducts)
	}
	// A cancelled context stops it before any work.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n := worldEngine(t, cfg).Warm(ctx, d); n != 0 {
		t.Errorf("Warm with a cancelled context computed %d", n)
	}
}
