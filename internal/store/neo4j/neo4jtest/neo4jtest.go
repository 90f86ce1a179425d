// Package neo4jtest gives tests a Neo4j to run against: the one named by
// $KEIRETSU_NEO4J_URI (with $KEIRETSU_NEO4J_USER, $KEIRETSU_NEO4J_PASSWORD and
// $KEIRETSU_NEO4J_DATABASE), or else a local Neo4j Community started once per
// test binary with the launcher in tools/neo4j (Java 17+, Maven for its first
// build), which stops when the binary exits.
//
// When no Neo4j can be had, tests skip with the reason, except under CI=true,
// where they fail: CI must never pass by skipping.
//
// Neo4j Community has a single user database, and `go test ./...` runs packages
// in parallel processes that may share it (through $KEIRETSU_NEO4J_URI): a test
// that uses the database calls Lock first.
package neo4jtest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keiretsu/keiretsu/internal/store/neo4j"
)

// Environment variables naming a Neo4j to use instead of the launcher.
const (
	EnvURI      = "KEIRETSU_NEO4J_URI"
	EnvUser     = "KEIRETSU_NEO4J_USER"
	EnvPassword = "KEIRETSU_NEO4J_PASSWORD"
	EnvDatabase = "KEIRETSU_NEO4J_DATABASE"
)

// startTimeout bounds the launcher's start (the first build fetches jars).
const startTimeout = 5 * time.Minute

var (
	once     sync.Once
	started  *launcher
	startErr error
)

// URI returns the Bolt URI of the Neo4j tests use, starting the launcher on the
// first call when $KEIRETSU_NEO4J_URI is not set. It skips the test (fails it
// under CI=true) when no Neo4j can be had.
func URI(t testing.TB) string {
	t.Helper()
	if uri := os.Getenv(EnvURI); uri != "" {
		return uri
	}
	once.Do(func() { started, startErr = start() })
	if startErr != nil {
		unavailable(t, startErr)
	}
	return started.uri
}

// Config returns a store configuration for the test Neo4j, with the user,
// password and database from the environment.
func Config(t testing.TB) neo4j.Config {
	t.Helper()
	return neo4j.Config{
		URI:      URI(t),
		User:     os.Getenv(EnvUser),
		Password: os.Getenv(EnvPassword),
		Database: os.Getenv(EnvDatabase),
	}
}

// Database returns the database tests use: $KEIRETSU_NEO4J_DATABASE or neo4j.
func Database() string {
	if db := os.Getenv(EnvDatabase); db != "" {
		return db
	}
	return neo4j.DefaultDatabase
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("neo4j is required under CI=true: %v", err)
	}
	t.Skipf("no neo4j (set %s, or install Java 17+ and Maven for tools/neo4j): %v", EnvURI, err)
}

// Main runs the tests and then stops the launcher, if one was started. Call it
// from TestMain: os.Exit(neo4jtest.Main(m)). Without it the launcher still
// stops when the test binary exits (its stdin closes), but leaves its
// temporary directory behind.
func Main(m *testing.M) int {
	code := m.Run()
	if started != nil {
		started.stop()
	}
	return code
}

// Lock serialises tests that use the shared database, across processes: an
// exclusive lock on a file in os.TempDir() named after the URI, released when
// the test ends.
func Lock(t testing.TB) {
	t.Helper()
	sum := sha256.Sum256([]byte(URI(t) + "\x00" + os.Getenv(EnvDatabase)))
	path := filepath.Join(os.TempDir(), "keiretsu-neo4j-"+hex.EncodeToString(sum[:8])+".lock")
	unlock, err := lockFile(path)
	if err != nil {
		t.Fatalf("lock %s: %v", path, err)
	}
	t.Cleanup(unlock)
}

// launcher is a Neo4j started by this process.
type launcher struct {
	uri   string
	dir   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	log   *os.File
}

func start() (*launcher, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	tool := filepath.Join(root, "tools", "neo4j")
	java, err := findJava()
	if err != nil {
		return nil, err
	}
	build := exec.Command(filepath.Join(tool, "start"), "--build-only")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build the launcher: %v: %s", err, strings.TrimSpace(string(out)))
	}
	dir, err := os.MkdirTemp("", "keiretsu-neo4jtest-")
	if err != nil {
		return nil, err
	}
	l := &launcher{dir: dir}
	if l.log, err = os.Create(filepath.Join(dir, "neo4j.log")); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	args := []string{
		"-Xmx1g", "-XX:+ExitOnOutOfMemoryError",
		"--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
		"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dio.netty.tryReflectionSetAccessible=true",
	}
	args = append(args, strings.Fields(os.Getenv("KEIRETSU_NEO4J_JAVA_OPTS"))...)
	args = append(args,
		"-cp", filepath.Join(tool, "target", "classes")+string(os.PathListSeparator)+filepath.Join(tool, "target", "lib", "*"),
		"com.github.keiretsu.neo4j.Launcher", "--port", "auto", "--stop-on-stdin-eof", filepath.Join(dir, "db"))
	l.cmd = exec.Command(java, args...)
	l.cmd.Stderr = l.log
	if l.stdin, err = l.cmd.StdinPipe(); err != nil {
		l.cleanup()
		return nil, err
	}
	stdout, err := l.cmd.StdoutPipe()
	if err != nil {
		l.cleanup()
		return nil, err
	}
	if err := l.cmd.Start(); err != nil {
		l.cleanup()
		return nil, fmt.Errorf("start java: %w", err)
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case uri, ok := <-line:
		if ok && strings.HasPrefix(uri, "bolt://") {
			l.uri = uri
			return l, nil
		}
		l.stop()
		return nil, fmt.Errorf("launcher exited before Bolt was ready; see %s", l.log.Name())
	case <-time.After(startTimeout):
		l.stop()
		return nil, fmt.Errorf("launcher not ready after %s", startTimeout)
	}
}

// stop closes the launcher's stdin (it shuts down), waits, and removes its
// directory.
func (l *launcher) stop() {
	_ = l.stdin.Close()
	done := make(chan struct{})
	go func() { _ = l.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = l.cmd.Process.Kill()
		<-done
	}
	l.cleanup()
}

func (l *launcher) cleanup() {
	if l.log != nil {
		l.log.Close()
	}
	os.RemoveAll(l.dir)
}

func findJava() (string, error) {
	if home := os.Getenv("JAVA_HOME"); home != "" {
		if p := filepath.Join(home, "bin", "java"); fileExists(p) {
			return p, nil
		}
	}
	p, err := exec.LookPath("java")
	if err != nil {
		return "", errors.New("java not found (install a JDK 17+ or set JAVA_HOME)")
	}
	return p, nil
}

// repoRoot finds the module root (the folder with go.mod) above the working
// directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if fileExists(filepath.Join(dir, "go.mod")) && fileExists(filepath.Join(dir, "tools", "neo4j", "start")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("tools/neo4j not found above the working directory")
		}
		dir = parent
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Open opens a store on the test Neo4j with cfg's tuning fields (the connection
// fields are filled in). The caller closes it.
func Open(t testing.TB, cfg neo4j.Config) *neo4j.Store {
	t.Helper()
	base := Config(t)
	cfg.URI, cfg.User, cfg.Password, cfg.Database = base.URI, base.User, base.Password, base.Database
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", cfg.URI, err)
	}
	return st
}
