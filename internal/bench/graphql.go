package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
)

const gqlQuery = `query($id: ID!, $asOf: Date) { screenProduct(id: $id, asOf: $asOf) { verdict results { regime { id } verdict findings { verdict entity { id } path { kind from to } } } gaps { productId } dataVersion } }`

// graphqlLoad serves the API on loopback and runs Clients concurrent clients, each
// sending one screenProduct request after the other, for GraphQLSeconds.
func graphqlLoad(ctx context.Context, c Config, svc *service.Service, res *Result) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: server.Handler(svc, zerolog.Nop())}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/graphql"
	ids := sampleIDs(svc.State(), true, 1000, c.Seed+2)
	bodies := make([][]byte, len(ids))
	for i, id := range ids {
		bodies[i], _ = json.Marshal(map[string]any{"query": gqlQuery, "variables": map[string]any{"id": id, "asOf": c.AsOf.String()}})
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.Clients * 2}}
	do := func(body []byte) error {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 || bytes.Contains(raw, []byte(`"errors"`)) {
			return fmt.Errorf("graphql: %d %.200s", resp.StatusCode, raw)
		}
		return nil
	}
	for _, b := range bodies { // warm every evaluation and connection
		if err := do(b); err != nil {
			return err
		}
	}
	// Saturation: every client sends its next request as soon as the last one is
	// answered; the rate reached is graphql_rps.
	lat, elapsed, err := drive(ctx, c, bodies, do, 0)
	if err != nil {
		return err
	}
	res.GraphQLRPS = round(float64(len(lat)) / elapsed)
	res.GraphQLSaturatedP99ms = round3(percentile(lat, 99))
	// At the target load: the clients together offer TargetRPS requests per
	// second on a fixed schedule (a client behind schedule sends at once);
	// latency counts from the send.
	lat, _, err = drive(ctx, c, bodies, do, TargetRPS)
	if err != nil {
		return err
	}
	res.GraphQLP50ms = round3(percentile(lat, 50))
	res.GraphQLP99ms = round3(percentile(lat, 99))
	c.Log.Info().Float64("p99_ms", res.GraphQLP99ms).Float64("rps", res.GraphQLRPS).Msg("graphql load")
	return nil
}

// TargetRPS is the offered load at which graphql_p50_ms and graphql_p99_ms are
// measured (the design target: p99 <= 2 ms at >= 5,000 requests/s on 2 cores).
const TargetRPS = 5000

// drive runs Clients concurrent clients for GraphQLSeconds, each sending requests
// one after the other: as fast as answered when rps is 0, else on a fixed
// schedule at rps/Clients per client. It returns the latencies in ms.
func drive(ctx context.Context, c Config, bodies [][]byte, do func([]byte) error, rps float64) ([]float64, float64, error) {
	var mu sync.Mutex
	var lat []float64
	var firstErr error
	duration := time.Duration(c.GraphQLSeconds * float64(time.Second))
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	for w := 0; w < c.Clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			mine := make([]float64, 0, 4096)
			var interval time.Duration
			if rps > 0 {
				interval = time.Duration(float64(time.Second) * float64(c.Clients) / rps)
			}
			next := start.Add(time.Duration(w) * interval / time.Duration(c.Clients))
			for i := w; ctx.Err() == nil; i += c.Clients {
				if interval > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					next = next.Add(interval)
				}
				t0 := time.Now()
				if t0.After(deadline) {
					break
				}
				if err := do(bodies[i%len(bodies)]); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, float64(time.Since(t0).Microseconds())/1e3)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	return lat, time.Since(start).Seconds(), firstErr
}
