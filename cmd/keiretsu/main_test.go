package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
)

var binary string

// TestMain builds the keiretsu binary once; the tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "keiretsu-cli-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "keiretsu")
	// Commands over Neo4j keep their projection files in the user cache
	// directory: the tests' in theirs.
	os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := neo4jtest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func keiretsu(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return keiretsuEnv(t, nil, stdin, args...)
}

// keiretsuEnv runs the binary with env added to a clean store environment.
func keiretsuEnv(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(os.Environ(), "KEIRETSU_NEO4J_URI=", "KEIRETSU_DATA="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const verdictData = `{"kind":"entity","id":"listed","name":"Listed Co"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"listed","from":"2020-01-01"}
{"kind":"entity","id":"sub","name":"Sub Co"}
{"kind":"ownership","owner":"listed","owned":"sub","percent":60}
{"kind":"entity","id":"maybe","name":"Maybe Co"}
{"kind":"ownership","owner":"listed","owned":"maybe","percentMin":25,"percentMax":75}
{"kind":"entity","id":"ctl","name":"Controlled Co"}
{"kind":"control","controller":"listed","controlled":"ctl","basis":"board"}
{"kind":"entity","id":"clean","name":"Clean Co"}
{"kind":"product","id":"box","name":"Box"}
{"kind":"product","id":"part","name":"Part"}
{"kind":"component","parent":"box","child":"part"}
{"kind":"sourcing","product":"box","entity":"clean"}
`

var summaryLine = regexp.MustCompile(`^ingest: read (\d+) records, wrote (\d+), rejected (\d+), dangling references (\d+), [0-9.]+ s, warnings (\d+), replaced (\d+), deleted (\d+) `)

func TestIngestAndScreenExitCodes(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	f := writeFile(t, dir, "v.jsonl", verdictData)
	for i := 0; i < 2; i++ {
		r := keiretsu(t, "", "ingest", data, f)
		if r.code != 0 || !summaryLine.MatchString(r.stdout) {
			t.Fatalf("ingest #%d: %d %q %q", i+1, r.code, r.stdout, r.stderr)
		}
		if m := summaryLine.FindStringSubmatch(r.stdout); m[1] != "13" || m[3] != "0" || m[4] != "0" {
			t.Errorf("summary %q", r.stdout)
		}
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"--entity", "clean"}, 0},
		{[]string{"--product", "box"}, 2}, // part has no producer: UNKNOWN
		{[]string{"--entity", "ctl"}, 3},
		{[]string{"--entity", "maybe"}, 4},
		{[]string{"--entity", "sub"}, 5},
		{[]string{"--entity", "sub", "--as-of", "2019-12-31"}, 0}, // the later --as-of wins
		{[]string{"--entity", "sub", "--regime", "US-OFAC-CMIC"}, 0},
		{[]string{"--entity", "nobody"}, 1},
		{[]string{"--entity", "sub", "--as-of", "2024-13-01"}, 1},
		{[]string{"--entity", "sub", "--regime", "NOPE"}, 1},
		{[]string{"--entity", "sub", "--product", "box"}, 1},
		{[]string{}, 1},
	} {
		args := append([]string{"screen", "--data", data, "--as-of", "2024-01-01"}, c.args...)
		if !slices.Contains(c.args, "--regime") {
			args = append(args, "--regime", "US-OFAC-SDN")
		}
		r := keiretsu(t, "", args...)
		if r.code != c.code {
			t.Errorf("screen %v: exit %d, want %d (%s)", c.args, r.code, c.code, r.stderr)
		}
		if c.code == 1 && (strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || r.stderr == "") {
			t.Errorf("screen %v: want one line on stderr, got %q", c.args, r.stderr)
		}
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	base := writeFile(t, dir, "base.jsonl", `{"kind":"entity","id":"base","name":"Base"}`+"\n")
	if r := keiretsu(t, "", "ingest", "--data", data, base); r.code != 0 {
		t.Fatal(r.stderr)
	}
	before := keiretsu(t, "", "stats", "--data", data, "--json").stdout
	const ok = `{"kind":"entity","id":"ok","name":"Ok"}` + "\n"
	for name, c := range map[string]struct {
		line, want string
	}{
		"percent": {`{"kind":"ownership","owner":"ok","owned":"base","percent":150}`, "bad.jsonl:2: field percent: 150 is outside 0..100"},
		"json":    {`{"kind":"entity", "id": `, "bad.jsonl:2: malformed JSON"},
		"dates":   {`{"kind":"listing","regime":"US-OFAC-SDN","entity":"ok","from":"2020-01-01","to":"2019-01-01"}`, "bad.jsonl:2: field to:"},
		"missing": {`{"kind":"entity","name":"No id"}`, "bad.jsonl:2: field id: required"},
		"regime":  {`{"kind":"listing","regime":"NOPE","entity":"ok"}`, "bad.jsonl:2: field regime: unknown regime"},
		"kind":    {`{"kind":"shareholding","owner":"a","owned":"b"}`, "bad.jsonl:2: field kind: unknown kind"},
	} {
		f := writeFile(t, dir, "bad.jsonl", ok+c.line+"\n")
		r := keiretsu(t, "", "ingest", "--data", data, f)
		if r.code == 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", name, r.code, r.stderr, c.want)
		}
		if strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%s: more than one line on stderr: %q", name, r.stderr)
		}
		if after := keiretsu(t, "", "stats", "--data", data, "--json").stdout; after != before {
			t.Errorf("%s: a failed run changed the store", name)
		}
	}
	// --skip-invalid writes the valid records and names every rejected line.
	f := writeFile(t, dir, "mixed.jsonl", "{\"kind\":\"entity\",\"id\":\"ok\",\"name\":\"Ok\"}\n{\"kind\":\"entity\"}\n{\"kind\":\"nope\"}\n")
	r := keiretsu(t, "", "ingest", "--data", data, "--skip-invalid", f)
	if r.code != 0 || !strings.Contains(r.stderr, "mixed.jsonl:2:") || !strings.Contains(r.stderr, "mixed.jsonl:3:") || !strings.Contains(r.stdout, "rejected 2") {
		t.Errorf("skip-invalid: %d %q %q", r.code, r.stdout, r.stderr)
	}
	// --strict fails on references to ids never defined.
	f = writeFile(t, dir, "dangling.jsonl", `{"kind":"ownership","owner":"base","owned":"ghost","percent":10}`+"\n")
	if r := keiretsu(t, "", "ingest", "--data", data, f); r.code != 0 || !strings.Contains(r.stdout, "dangling references 1") {
		t.Errorf("dangling: %d %q", r.code, r.stdout)
	}
	if r := keiretsu(t, "", "ingest", "--data", data, "--strict", f); r.code == 0 || !strings.Contains(r.stderr, "dangling") {
		t.Errorf("strict: %d %q", r.code, r.stderr)
	}
}

func TestStdinAndStoreArgument(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "positional")
	r := keiretsu(t, verdictData, "ingest", data, "-")
	if r.code != 0 {
		t.Fatalf("stdin: %s", r.stderr)
	}
	if r := keiretsu(t, "", "screen", data, "--entity", "sub", "--as-of", "2024-01-01", "--regime", "US-OFAC-SDN"); r.code != 5 {
		t.Errorf("screen with a positional store: %d %s", r.code, r.stderr)
	}
	// $KEIRETSU_DATA selects the store too.
	cmd := exec.Command(binary, "screen", "--entity", "sub", "--as-of", "2024-01-01", "--regime", "US-OFAC-SDN")
	cmd.Env = append(os.Environ(), "KEIRETSU_DATA="+data, "KEIRETSU_NEO4J_URI=")
	if err := cmd.Run(); err == nil || cmd.ProcessState.ExitCode() != 5 {
		t.Errorf("KEIRETSU_DATA: %v", err)
	}
}

func TestWipe(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	keiretsu(t, verdictData, "ingest", "--data", data, "-")
	if r := keiretsu(t, "", "wipe", "--data", data); r.code == 0 || !strings.Contains(r.stderr, "--yes") {
		t.Errorf("wipe without --yes: %d %q", r.code, r.stderr)
	}
	if r := keiretsu(t, "", "screen", "--data", data, "--entity", "sub"); r.code == 1 {
		t.Errorf("refused wipe deleted data")
	}
	if r := keiretsu(t, "", "wipe", "--data", data, "--yes"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := keiretsu(t, "", "screen", "--data", data, "--entity", "sub"); r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("after wipe: %d %q", r.code, r.stderr)
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"ingest", "serve", "screen", "wipe", "demo", "stats"} {
		r := keiretsu(t, "", cmd, "--help")
		if r.code != 0 || !strings.Contains(r.stderr, "Usage: keiretsu "+cmd) || !strings.Contains(r.stderr, "-data") {
			t.Errorf("%s --help: %d %q", cmd, r.code, r.stderr)
		}
	}
	if r := keiretsu(t, "", "help"); r.code != 0 || !strings.Contains(r.stderr, "Commands:") {
		t.Errorf("help: %d %q", r.code, r.stderr)
	}
	if r := keiretsu(t, "", "frobnicate"); r.code != 1 || !strings.Contains(r.stderr, "unknown command") {
		t.Errorf("unknown command: %d %q", r.code, r.stderr)
	}
	if r := keiretsu(t, "", "ingest", "--bogus"); r.code != 1 || !strings.Contains(r.stderr, "bogus") {
		t.Errorf("unknown flag: %d %q", r.code, r.stderr)
	}
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServe runs `keiretsu serve` until the test ends.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	addr, stop := serveUntil(t, args...)
	t.Cleanup(stop)
	return addr
}

// serveUntil runs `keiretsu serve` until stop is called.
func serveUntil(t *testing.T, args ...string) (addr string, stop func()) {
	t.Helper()
	addr = freePort(t)
	cmd := exec.Command(binary, append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Env = append(os.Environ(), "KEIRETSU_NEO4J_URI=", "KEIRETSU_DATA=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
	for i := 0; i < 100; i++ {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return addr, stop
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	t.Fatalf("serve did not come up: %s", stderr.String())
	return "", nil
}

// post sends a GraphQL query to a server started with startServe.
func post(t *testing.T, addr, query string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	resp, err := http.Post("http://"+addr+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return string(raw)
}

// TestScreenJSONIsTheAPIAnswer: `screen --json` prints byte for byte the
// Screening the API returns for the contract's full selection, on a generated
// world (products and entities, several days, one regime and all), and exits
// with the code of its verdict.
func TestScreenJSONIsTheAPIAnswer(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	var world bytes.Buffer
	if _, err := gen.Write(&world, gen.Config{Entities: 1500, Products: 300, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	if r := keiretsu(t, world.String(), "ingest", "--data", data, "-"); r.code != 0 {
		t.Fatalf("ingest: %d %s", r.code, r.stderr)
	}
	addr := startServe(t, "--data", data)
	const query = `query($id: ID!, $asOf: Date, $regimes: [ID!]) { screenKIND(id: $id, asOf: $asOf, regimes: $regimes) { ` + screenFields + ` } }`
	codes := map[int]int{}
	findings := 0
	for i := range 24 {
		kind, id := "Product", fmt.Sprintf("p%d", 1+i*12)
		if i%3 == 2 {
			kind, id = "Entity", fmt.Sprintf("e%d", 1+i*60)
		}
		day := []string{"2016-01-01", "2024-01-01", "2025-06-30"}[i%3]
		args := []string{"screen", "--data", data, "--" + strings.ToLower(kind), id, "--as-of", day}
		vars := map[string]any{"id": id, "asOf": day}
		if i%4 == 3 {
			args = append(args, "--regime", "US-NDAA-889")
			vars["regimes"] = []string{"US-NDAA-889"}
		}
		cli := keiretsu(t, "", append(args, "--json")...)
		body, _ := json.Marshal(map[string]any{"query": strings.Replace(query, "KIND", kind, 1), "variables": vars})
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var api struct {
			Data map[string]json.RawMessage `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&api)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := string(api.Data["screen"+kind]) + "\n"
		if cli.stdout != want {
			t.Fatalf("screen %v --json differs from the API:\n%s\nvs\n%s", args, cli.stdout, want)
		}
		var v struct{ Verdict string }
		if err := json.Unmarshal([]byte(want), &v); err != nil {
			t.Fatal(err)
		}
		verdict, ok := model.ParseVerdict(v.Verdict)
		if !ok || cli.code != verdict.ExitCode() {
			t.Errorf("screen %v: exit %d for %s", args, cli.code, v.Verdict)
		}
		codes[cli.code]++
		if strings.Contains(want, `"findings":[{`) {
			findings++
		}
	}
	if len(codes) < 3 || findings == 0 {
		t.Errorf("too little compared: exit codes %v, %d answers with findings", codes, findings)
	}
}

// TestServeHoldsTheStore: a running serve shares the embedded store with readers
// and makes a writer fail with a clear message.
func TestServeHoldsTheStore(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	keiretsu(t, verdictData, "ingest", "--data", data, "-")
	startServe(t, "--data", data)
	if r := keiretsu(t, "", "screen", "--data", data, "--entity", "sub", "--as-of", "2024-01-01"); r.code != 5 {
		t.Errorf("screen while serving: %d %s", r.code, r.stderr)
	}
	// Runs go to the serve (live_test.go); without its socket a writer finds
	// the store in use, as before.
	if err := os.Remove(filepath.Join(data, "live", "serve.sock")); err != nil {
		t.Fatal(err)
	}
	r := keiretsu(t, verdictData, "ingest", "--data", data, "-")
	if r.code == 0 || !strings.Contains(r.stderr, "in use by another process") {
		t.Errorf("ingest while serving, without the socket: %d %q", r.code, r.stderr)
	}
}

// TestKilledIngestLeavesPreviousState kills an ingest in the middle of its run
// (blocked reading stdin after writing records) and checks nothing of it is visible.
// With a serve holding the store, the killed run is the serve's (its client
// hangs up mid-stream): nothing of it is written, and the next run goes through.
func TestKilledIngestLeavesPreviousState(t *testing.T) {
	for _, served := range []bool{false, true} {
		t.Run(fmt.Sprintf("served=%v", served), func(t *testing.T) { killedIngest(t, served) })
	}
}

func killedIngest(t *testing.T, served bool) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	keiretsu(t, verdictData, "ingest", "--data", data, "-")
	if served {
		startServe(t, "--data", data)
	}
	before := keiretsu(t, "", "stats", "--data", data, "--json").stdout
	cmd := exec.Command(binary, "ingest", "--data", data, "-")
	cmd.Env = append(os.Environ(), "KEIRETSU_NEO4J_URI=")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(stdin)
	for i := 0; i < 50_000; i++ {
		fmt.Fprintf(w, `{"kind":"entity","id":"new-%d","name":"New %d"}`+"\n", i, i)
		if i%1000 == 0 {
			fmt.Fprintf(w, `{"kind":"entity","id":"sub","op":"delete"}`+"\n")
		}
	}
	w.Flush()
	time.Sleep(300 * time.Millisecond) // let it write what it has read
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	stdin.Close()
	if after := keiretsu(t, "", "stats", "--data", data, "--json").stdout; after != before {
		t.Errorf("a killed run left a trace:\n%s\nvs\n%s", after, before)
	}
	if r := keiretsu(t, "", "screen", "--data", data, "--entity", "sub", "--as-of", "2024-01-01", "--regime", "US-OFAC-SDN"); r.code != 5 {
		t.Errorf("previous answers changed: %d %s", r.code, r.stderr)
	}
	if r := keiretsu(t, `{"kind":"entity","id":"after","name":"After"}`, "ingest", "--data", data, "-"); r.code != 0 {
		t.Errorf("the run after a killed one: %d %s", r.code, r.stderr)
	}
}

func TestDemoLoads(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "demo")
	r := keiretsu(t, "", "demo", "--data", data, "--load-only")
	if r.code != 0 || !strings.Contains(r.stdout, "read 505 records, wrote 505, rejected 0, dangling references 0") {
		t.Fatalf("demo: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = keiretsu(t, "", "screen", "--data", data, "--product", "prod-er8000", "--as-of", "2024-06-01", "--regime", "US-NDAA-889")
	if r.code != 5 {
		t.Errorf("demo router: %d %s", r.code, r.stdout)
	}
	var stats map[string]any
	out := keiretsu(t, "", "stats", "--data", data, "--json").stdout
	if err := json.Unmarshal([]byte(out), &stats); err != nil || stats["entities"].(float64) != 124 {
		t.Errorf("stats: %v %s", err, out)
	}
	_ = io.Discard
}

// TestIngestWarnings checks warnings at the command line: listed on stderr and
// counted in the summary line without failing the run; fatal with --strict; and
// that --skip-invalid on a file of which nothing could be read fails the run,
// writing nothing of the other files either.
func TestIngestWarnings(t *testing.T) {
	dir := t.TempDir()
	bom := filepath.Join(dir, "bom.json")
	os.WriteFile(bom, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[`+
		`{"type":"library","bom-ref":"a","name":"a","purl":"pkg:npm/a@1"}],`+
		`"dependencies":[{"ref":"a","dependsOn":["a"]}]}`), 0o644)
	good := filepath.Join(dir, "good.jsonl")
	os.WriteFile(good, []byte(`{"kind":"entity","id":"z-good","name":"Good"}`+"\n"), 0o644)
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("not json\n{\"kind\":\n"), 0o644)

	data := filepath.Join(dir, "s1")
	r := keiretsu(t, "", "ingest", "--data", data, bom)
	if m := summaryLine.FindStringSubmatch(r.stdout); r.code != 0 || m == nil || m[5] != "1" || !strings.Contains(r.stderr, "warning "+bom+":1: field dependencies[0].dependsOn[0]") {
		t.Errorf("a warning: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := keiretsu(t, "", "ingest", "--data", filepath.Join(dir, "s2"), "--strict", bom); r.code == 0 || !strings.Contains(r.stderr, "--strict") {
		t.Errorf("--strict with a warning: exit %d, stderr %q", r.code, r.stderr)
	}
	data = filepath.Join(dir, "s3")
	if r := keiretsu(t, "", "ingest", "--data", data, "--skip-invalid", good, bad); r.code == 0 || !strings.Contains(r.stderr, "nothing could be read") {
		t.Errorf("--skip-invalid on a file with nothing readable: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := keiretsu(t, "", "screen", "--data", data, "--entity", "z-good", "--json"); r.code != 1 {
		t.Errorf("a failed run wrote z-good: screen exit %d", r.code)
	}
}

// TestSecondStartReadsTheProjectionFile: the first screen of a store builds
// the projection and writes it beside the data; the next reads it (its log
// says so) and answers the same; after an ingest the file is stale, and the
// next screen builds again and answers for the new data.
func TestSecondStartReadsTheProjectionFile(t *testing.T) {
	data := filepath.Join(t.TempDir(), "store")
	file := secondStart(t, []string{"--data", data})
	if file != filepath.Join(data, "projection.img") {
		t.Errorf("projection file %s, want it beside the data", file)
	}
}

// secondStart runs TestSecondStartReadsTheProjectionFile's steps on a store
// and returns the projection file's path.
func secondStart(t *testing.T, store []string) string {
	dir := t.TempDir()
	ingest := func(name, content string) {
		t.Helper()
		if r := keiretsu(t, "", append(append([]string{"ingest"}, store...), writeFile(t, dir, name, content))...); r.code != 0 {
			t.Fatalf("ingest: %d %s", r.code, r.stderr)
		}
	}
	ingest("v.jsonl", verdictData)
	screen := func() result {
		t.Helper()
		return keiretsu(t, "", append([]string{"screen", "--entity", "sub", "--as-of", "2024-01-01", "--json",
			"--log-level", "info", "--log-format", "json"}, store...)...)
	}
	// logged returns the source and file of a log message, "" when absent.
	logged := func(r result, message string) (source, file string) {
		t.Helper()
		for _, line := range strings.Split(r.stderr, "\n") {
			var ev struct{ Message, Source, File string }
			if json.Unmarshal([]byte(line), &ev) == nil && ev.Message == message {
				return ev.Source, ev.File
			}
		}
		return "", ""
	}
	first := screen()
	_, file := logged(first, "projection file written")
	if src, _ := logged(first, "projection loaded"); first.code != 5 || src != "store" || file == "" {
		t.Fatalf("first screen: exit %d, %s", first.code, first.stderr)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatal(err)
	}
	second := screen()
	if src, f := logged(second, "projection loaded"); second.code != 5 || src != "file" || f != file || second.stdout != first.stdout {
		t.Fatalf("second screen: exit %d, %s\n%s\nwant\n%s", second.code, second.stderr, second.stdout, first.stdout)
	}
	if _, f := logged(second, "projection file written"); f != "" {
		t.Errorf("the second screen wrote the file again: %s", second.stderr)
	}
	// sub's owner is no longer listed: the stale file must not answer.
	ingest("w.jsonl", `{"kind":"listing","regime":"US-OFAC-SDN","entity":"listed","from":"2020-01-01","op":"delete"}`+"\n")
	third := screen()
	if src, _ := logged(third, "projection loaded"); third.code != 0 || src != "store" || !strings.Contains(third.stderr, "projection file not used") {
		t.Fatalf("after an ingest: exit %d, %s", third.code, third.stderr)
	}
	if fourth := screen(); fourth.code != 0 || fourth.stdout != third.stdout {
		t.Fatalf("after an ingest, again: exit %d, %s", fourth.code, fourth.stderr)
	} else if src, _ := logged(fourth, "projection loaded"); src != "file" {
		t.Fatalf("after an ingest, again: %s", fourth.stderr)
	}
	return file
}
