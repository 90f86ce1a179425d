package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

var versionIn = regexp.MustCompile(`dataVersion ([0-9a-f]{32})`)

// screenSub asks the served API for sub's verdict under OFAC and the
// dataVersion of the answer.
func screenSub(client *http.Client, addr string) (verdict, version string, err error) {
	body := `{"query":"{ screenEntity(id:\"sub\", asOf:\"2024-01-01\", regimes:[\"US-OFAC-SDN\"]) { verdict dataVersion } }"}`
	resp, err := client.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", "", err
	}
	var out struct {
		Data struct {
			ScreenEntity struct{ Verdict, DataVersion string }
		}
		Errors []any
	}
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != 200 || len(out.Errors) > 0 {
		return "", "", fmt.Errorf("status %d: %s", resp.StatusCode, raw)
	}
	return out.Data.ScreenEntity.Verdict, out.Data.ScreenEntity.DataVersion, nil
}

// TestLiveIngestWhileServing: with serve holding the embedded store, ingest
// goes to it while 32 clients screen; every answer is the verdict of the
// dataVersion it names (the old one or the new one, never a mix), the new
// version is served once ingest returns, and ingest prints what it prints
// without a serve. Wipe and resolve --accept go through as well.
func TestLiveIngestWhileServing(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	r := keiretsu(t, verdictData, "ingest", "--data", data, "-")
	m := versionIn.FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("first ingest: %d %s %s", r.code, r.stdout, r.stderr)
	}
	v1 := m[1]
	addr := startServe(t, "--data", data)

	if fi, err := os.Stat(filepath.Join(data, "live")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket directory: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Join(data, "live", "serve.sock")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket: %v %v", fi.Mode(), err)
	}

	// The second run cuts listed's share of sub to 40% (sub becomes CLEAR)
	// and adds enough entities for the run to take a while.
	var next strings.Builder
	next.WriteString(`{"kind":"ownership","owner":"listed","owned":"sub","percent":40}` + "\n")
	for i := range 20000 {
		fmt.Fprintf(&next, `{"kind":"entity","id":"bulk-%d","name":"Bulk Company %d"}`+"\n", i, i)
	}
	file := writeFile(t, dir, "next.jsonl", next.String())

	want := map[string]string{v1: "EXPOSED"}
	var mu sync.Mutex
	seen := map[string]int{}
	var bad []string
	var answers, failures atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{}
			for {
				select {
				case <-stop:
					return
				default:
				}
				verdict, version, err := screenSub(client, addr)
				answers.Add(1)
				mu.Lock()
				if err != nil {
					failures.Add(1)
					bad = append(bad, err.Error())
				} else {
					seen[version+" "+verdict]++
				}
				mu.Unlock()
			}
		}()
	}
	r = keiretsu(t, "", "ingest", "--data", data, file)
	close(stop)
	wg.Wait()
	m = versionIn.FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil || !summaryLine.MatchString(r.stdout) || !strings.Contains(r.stdout, "(store embedded "+data+",") {
		t.Fatalf("live ingest: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	v2 := m[1]
	if sm := summaryLine.FindStringSubmatch(r.stdout); sm[1] != "20001" || sm[2] != "20001" {
		t.Errorf("live ingest summary: %s", r.stdout)
	}
	want[v2] = "CLEAR"
	if failures.Load() > 0 {
		t.Errorf("%d of %d screenings failed, e.g. %s", failures.Load(), answers.Load(), bad[0])
	}
	for k, n := range seen {
		version, verdict, _ := strings.Cut(k, " ")
		if want[version] != verdict {
			t.Errorf("%d answers %s under dataVersion %s, which says %q", n, verdict, version, want[version])
		}
	}
	t.Logf("%d answers during the run: %v", answers.Load(), seen)
	if verdict, version, err := screenSub(http.DefaultClient, addr); err != nil || version != v2 || verdict != "CLEAR" {
		t.Errorf("after the run: %s %s %v, want CLEAR under %s", verdict, version, err, v2)
	}
	if r := keiretsu(t, "", "history", "--data", data, "--json"); !strings.Contains(r.stdout, `"files":["`+file+`"]`) {
		t.Errorf("the live run is not in the log: %s %s", r.stdout, r.stderr)
	}

	// Errors and warnings read the same as without a serve, and a failed run
	// changes nothing.
	bad1 := writeFile(t, dir, "bad.jsonl", `{"kind":"entity","id":"x","name":"X"}`+"\n"+`{"kind":"ownership","owner":"x","owned":"sub","percent":140}`+"\n")
	bom := writeFile(t, dir, "bom.json", `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[`+
		`{"type":"library","bom-ref":"a","name":"a","purl":"pkg:npm/a@1"}],"dependencies":[{"ref":"a","dependsOn":["a"]}]}`)
	alone := filepath.Join(dir, "alone")
	keiretsu(t, verdictData, "ingest", "--data", alone, "-")
	for _, args := range [][]string{{bad1}, {"--skip-invalid", bad1}, {bom}, {"--strict", bom}, {"--snapshot", "s", bad1}} {
		served := keiretsu(t, "", append([]string{"ingest", "--data", data}, args...)...)
		local := keiretsu(t, "", append([]string{"ingest", "--data", alone}, args...)...)
		norm := func(s string) string {
			s = regexp.MustCompile(`[0-9.]+ s,`).ReplaceAllString(s, "T s,")
			s = versionIn.ReplaceAllString(s, "dataVersion V")
			return strings.ReplaceAll(s, data, alone)
		}
		if served.code != local.code || norm(served.stdout) != norm(local.stdout) || norm(served.stderr) != norm(local.stderr) {
			t.Errorf("ingest %v: served exit %d stdout %q stderr %q; alone exit %d stdout %q stderr %q",
				args, served.code, served.stdout, served.stderr, local.code, local.stdout, local.stderr)
		}
	}
	if r.code != 0 {
		return
	}

	// wipe goes to the serve too.
	if r := keiretsu(t, "", "wipe", "--data", data, "--yes"); r.code != 0 || !strings.Contains(r.stdout, "wiped embedded "+data) {
		t.Errorf("live wipe: %d %q %q", r.code, r.stdout, r.stderr)
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(raw, []byte(`"dataVersion":"00000000000000000000000000000000"`)) {
		t.Errorf("after a live wipe: %s", raw)
	}
}
