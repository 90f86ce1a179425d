package service

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// TestKeepWarm: every view made current is warmed in the background, and the
// current one again when the UTC day changes.
func TestKeepWarm(t *testing.T) {
	t.Setenv("KEIRETSU_NOW", "2025-03-01T23:59:00Z")
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ingestText(t, st, `{"kind":"entity","id":"a","name":"A"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"a"}
{"kind":"product","id":"p","name":"P"}
{"kind":"sourcing","product":"p","entity":"a"}
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, err := Open(ctx, st, Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	go svc.KeepWarm(ctx, 5*time.Millisecond)
	// waitFor waits until the current view is warmed for the day.
	waitFor := func(what, day string) {
		t.Helper()
		for range 2000 {
			if v, d := svc.Warmed(); v == svc.View() && d.String() == day {
				if v.Engine().Evaluations() == 0 {
					t.Fatalf("%s: warmed with no evaluation", what)
				}
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("%s: the view was not warmed for %s", what, day)
	}
	waitFor("at start", "2025-03-01")
	ingestText(t, st, `{"kind":"entity","id":"b","name":"B"}`+"\n")
	if err := svc.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor("a new view", "2025-03-01")
	t.Setenv("KEIRETSU_NOW", "2025-03-02T00:01:00Z")
	waitFor("the next day", "2025-03-02")
}
