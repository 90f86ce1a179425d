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
	var mu sync.Mutex
	var lat []float64
	var firstErr error
	deadline := time.Now().Add(time.Duration(c.GraphQLSeconds * float64(time.Second)))
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < c.Clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			mine := make([]float64, 0, 4096)
			for i := w; time.Now().Before(deadline) && ctx.Err() == nil; i += c.Clients {
				t0 := time.Now()
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
	elapsed := time.Since(start).Seconds()
	if firstErr != nil {
		return firstErr
	}
	res.GraphQLP50ms = round3(percentile(lat, 50))
	res.GraphQLP99ms = round3(percentile(lat, 99))
	res.GraphQLRPS = round(float64(len(lat)) / elapsed)
	c.Log.Info().Float64("p99_ms", res.GraphQLP99ms).Float64("rps", res.GraphQLRPS).Msg("graphql load")
	return nil
}
