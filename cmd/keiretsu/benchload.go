package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/keiretsu/keiretsu/internal/bench"
	"github.com/keiretsu/keiretsu/internal/demo"
)

// loadFlags are bench --load's own flags.
type loadFlags struct {
	on               bool
	clients, hostile int
	seconds, rps     float64
	ingestEvery      time.Duration
	maxHeavy         int     // the serve's --max-heavy (0: its default)
	heavyShare       float64 // the serve's --heavy-share (0: its default)
	hostileOnly      string
}

// Two runs that ingest alternates between: the demo data with and without
// one more ownership, so that every run changes the dataVersion.
const (
	loadRunAdd = `{"kind":"entity","id":"bench-load-co","name":"Bench Load Co"}
{"kind":"ownership","owner":"huawei","owned":"bench-load-co","percent":60}
`
	loadRunDelete = `{"kind":"ownership","owner":"huawei","owned":"bench-load-co","percent":60,"op":"delete"}
`
)

// runLoadBench loads the demo data into an embedded store in a temporary
// directory, starts `keiretsu serve` on it (this binary, with the default
// limits), and drives it with bench.Load: honest clients alone, while another
// `keiretsu ingest` process commits runs to the served store over and over,
// beside hostile clients, and both. It prints one JSON object.
func runLoadBench(ctx context.Context, lf loadFlags, asJSON bool) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "keiretsu-bench-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store := filepath.Join(dir, "store")
	files := map[string]string{"demo.jsonl": string(demo.JSONL), "add.jsonl": loadRunAdd, "delete.jsonl": loadRunDelete}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return err
		}
	}
	ingest := func(ctx context.Context, file string) error {
		cmd := exec.CommandContext(ctx, self, "ingest", "--data", store, filepath.Join(dir, file))
		cmd.Env = append(os.Environ(), "KEIRETSU_NEO4J_URI=")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("keiretsu ingest %s: %w: %s", file, err, bytes.TrimSpace(out))
		}
		return nil
	}
	if err := ingest(ctx, "demo.jsonl"); err != nil {
		return err
	}
	args := []string{"serve", "--data", store, "--addr", "127.0.0.1:0", "--log-format", "json", "--log-level", "info"}
	if lf.maxHeavy != 0 {
		args = append(args, "--max-heavy", strconv.Itoa(lf.maxHeavy))
	}
	if lf.heavyShare != 0 {
		args = append(args, "--heavy-share", strconv.FormatFloat(lf.heavyShare, 'g', -1, 64))
	}
	srv := exec.Command(self, args...)
	srv.Env = append(os.Environ(), "KEIRETSU_NEO4J_URI=", "KEIRETSU_AUTH_TOKENS=")
	stderr, err := srv.StderrPipe()
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()
	addr, err := servingAddr(stderr)
	if err != nil {
		return err
	}
	go io.Copy(io.Discard, stderr) // the serve's later log lines
	products, entities, err := demoIDs()
	if err != nil {
		return err
	}
	n := 0
	cfg := bench.LoadConfig{
		URL: "http://" + addr + "/graphql", Clients: lf.clients, Hostile: lf.hostile, Seconds: lf.seconds,
		RPS: lf.rps, IngestEvery: lf.ingestEvery, HostileOnly: lf.hostileOnly,
		Products: products, Entities: entities, AsOf: "2025-06-01", Nested: "sasac", BatchProduct: "prod-er8000",
		Ingest: func(ctx context.Context) error {
			n++
			if n%2 == 1 {
				return ingest(ctx, "add.jsonl")
			}
			return ingest(ctx, "delete.jsonl")
		},
	}
	res, err := bench.Load(ctx, cfg)
	if err != nil {
		return err
	}
	res.ServerPeakRSSMB = peakRSS(srv.Process.Pid)
	enc := json.NewEncoder(os.Stdout)
	if !asJSON {
		enc.SetIndent("", "  ")
		fmt.Fprintf(os.Stderr, "keiretsu bench --load: %d honest clients offering %.0f requests/s (0: as fast as answered), %d hostile, an ingest every %s, %.0f s a phase, demo data, default limits (--max-heavy %d)\n",
			lf.clients, lf.rps, lf.hostile, lf.ingestEvery, lf.seconds, lf.maxHeavy)
	}
	if err := enc.Encode(res); err != nil {
		return err
	}
	for _, p := range res.Phases {
		if p.HonestErrors > 0 || p.Inconsistent > 0 {
			return fmt.Errorf("phase %s: %d honest errors (first: %s), %d inconsistent answers", p.Name, p.HonestErrors, p.FirstError, p.Inconsistent)
		}
	}
	return nil
}

// servingAddr reads the serve's JSON log lines until the one that says where
// it listens.
func servingAddr(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var last string
	for sc.Scan() {
		last = sc.Text()
		var line struct{ Addr, Message string }
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Addr != "" && strings.HasPrefix(line.Message, "serving GraphQL") {
			return line.Addr, nil
		}
	}
	return "", fmt.Errorf("serve ended before listening: %s", last)
}

// demoIDs are the demo data's products and entities.
func demoIDs() (products, entities []string, err error) {
	for _, line := range bytes.Split(demo.JSONL, []byte("\n")) {
		var r struct{ Kind, ID string }
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, nil, err
		}
		switch r.Kind {
		case "product":
			products = append(products, r.ID)
		case "entity":
			entities = append(entities, r.ID)
		}
	}
	if len(products) == 0 || len(entities) == 0 {
		return nil, nil, errors.New("demo data: no products or entities")
	}
	return products, entities, nil
}

// peakRSS is a process's peak resident memory in MB (VmHWM), 0 when unknown.
func peakRSS(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return float64(int64(kb/1024*10+0.5)) / 10
		}
	}
	return 0
}
