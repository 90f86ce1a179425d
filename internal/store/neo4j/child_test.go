package neo4j_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store/neo4j"
	"github.com/keiretsu/keiretsu/internal/store/neo4j/neo4jtest"
)

// The kill tests re-run the test binary as a child that writes a large run and
// stops at a given point (printing a line), to be SIGKILLed there by the parent.
const envChild = "KEIRETSU_NEO4J_TEST_CHILD"

// Child modes.
const (
	childStaging = "staging" // stop after three staged batches
	childCommit  = "commit"  // stop right after the commit point
	childApply   = "apply"   // stop after ten batches applied (by two workers)
	childLoad    = "load"    // into an empty store: stop after three batches loaded
)

// childConfig is the store configuration of the child: small batches and a
// short lease, so the parent can take over soon after the kill.
func childConfig() neo4j.Config {
	return neo4j.Config{SmallRun: 10, Batch: 25, LeaseTTL: 2 * time.Second}
}

// childRecords is what the child writes: n entities in a chain of ownerships.
func childRecords(n int) []*model.Record {
	var out []*model.Record
	for i := range n {
		out = append(out, &model.Record{Kind: model.KindEntity, ID: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("Child %d", i), Type: model.TypeCompany})
		if i > 0 {
			out = append(out, &model.Record{Kind: model.KindOwnership, Src: fmt.Sprintf("c%d", i-1), Dst: fmt.Sprintf("c%d", i),
				Valid: model.Always, Share: model.Exact(60)})
		}
	}
	return out
}

// child runs the child's part when the test binary was started as one.
func child() bool {
	mode := os.Getenv(envChild)
	if mode == "" {
		return false
	}
	err := runChild(mode)
	fmt.Fprintln(os.Stderr, "child:", err)
	os.Exit(1)
	return true
}

func runChild(mode string) error {
	ctx := context.Background()
	cfg := childConfig()
	cfg.URI = os.Getenv(neo4jtest.EnvURI)
	st, err := neo4j.Open(ctx, cfg)
	if err != nil {
		return err
	}
	stop := func(what string) {
		fmt.Println(what)
		select {} // wait for SIGKILL
	}
	neo4j.SetHooks(st, func(staged int) {
		if mode == childStaging && staged == 3 {
			stop("staged")
		}
	}, func() {
		if mode == childCommit {
			stop("committed")
		}
	})
	var applied atomic.Int64
	var once sync.Once
	neo4j.SetApplyHook(st, func(int64) {
		if mode == childApply && applied.Add(1) >= 10 {
			once.Do(func() { fmt.Println("applying") })
			select {} // every worker stops here
		}
	})
	var loaded sync.Once
	neo4j.SetLoadHook(st, func(n int) {
		if mode == childLoad && n >= 3 {
			loaded.Do(func() { fmt.Println("loading") })
			select {}
		}
	})
	run, err := st.Begin(ctx)
	if err != nil {
		return err
	}
	for _, r := range childRecords(200) {
		if err := run.Put(ctx, r); err != nil {
			return err
		}
	}
	_, err = run.Commit(ctx)
	return fmt.Errorf("child was not stopped: %v", err)
}

// killChild starts the child in mode, waits for its line, and SIGKILLs it.
func killChild(t *testing.T, mode, want string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"="+mode, neo4jtest.EnvURI+"="+neo4jtest.URI(t))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if s := strings.TrimSpace(sc.Text()); s == want {
				line <- s
				return
			}
		}
		close(line)
	}()
	select {
	case _, ok := <-line:
		if !ok {
			t.Fatalf("child exited without printing %q", want)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("child did not print %q", want)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}
