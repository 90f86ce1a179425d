package embedded_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

// The kill tests re-run the test binary as a child that commits a staged run
// into a store directory and stops at a given point (printing a line), to be
// SIGKILLed there by the parent.
const (
	envChild    = "KEIRETSU_EMBEDDED_TEST_CHILD" // point/n, e.g. "merge/2"
	envChildDir = "KEIRETSU_EMBEDDED_TEST_DIR"
)

// childBuffer is the run buffer of the staged runs: a few dozen records, so
// the run takes dozens of transactions at every stage.
const childBuffer = 4 << 10

func TestMain(m *testing.M) {
	if mode := os.Getenv(envChild); mode != "" {
		err := runChild(mode, os.Getenv(envChildDir))
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func name(i int, what string) string {
	return fmt.Sprintf("%s %d %s", what, i, strings.Repeat("x", i%50))
}

// oldRecords is the state before the run.
func oldRecords() []*model.Record {
	var out []*model.Record
	for i := range 2000 {
		out = append(out, &model.Record{Kind: model.KindEntity, ID: "e" + strconv.Itoa(i), Name: name(i, "Old"), Type: model.TypeCompany})
	}
	return out
}

// stagedRun writes the run: it renames two thirds of the entities, writes a
// third unchanged, adds 1000, deletes every seventh old one (some after
// renaming them) and adds a chain of ownerships, in an order that is not the
// keys'.
func stagedRun(ctx context.Context, run store.Run) error {
	for j := range 3000 {
		i := (j * 7919) % 3000
		what := "New"
		if i%3 == 0 {
			what = "Old"
		}
		if err := run.Put(ctx, &model.Record{Kind: model.KindEntity, ID: "e" + strconv.Itoa(i), Name: name(i, what), Type: model.TypeCompany}); err != nil {
			return err
		}
		if i > 0 {
			if err := run.Put(ctx, &model.Record{Kind: model.KindOwnership, Src: "e" + strconv.Itoa(i-1), Dst: "e" + strconv.Itoa(i),
				Valid: model.Always, Share: model.Exact(float64(1 + i%90))}); err != nil {
				return err
			}
		}
	}
	for i := 0; i < 2000; i += 7 {
		if err := run.Delete(ctx, model.Key{Kind: model.KindEntity, Src: "e" + strconv.Itoa(i), From: model.MinDate}); err != nil {
			return err
		}
	}
	return nil
}

func normalized(recs []*model.Record) []*model.Record {
	for _, r := range recs {
		r.Normalize()
	}
	return recs
}

func runChild(mode, dir string) error {
	point, count, _ := strings.Cut(mode, "/")
	n, _ := strconv.Atoi(count)
	ctx := context.Background()
	st, err := embedded.Open(dir, embedded.Options{RunBuffer: childBuffer})
	if err != nil {
		return err
	}
	embedded.SetHook(st, func(p string, i int) {
		if p == point && i == n {
			fmt.Println("stopped")
			select {} // wait for SIGKILL
		}
	})
	run, err := st.Begin(ctx)
	if err != nil {
		return err
	}
	if err := stagedRun(ctx, &normalizing{run}); err != nil {
		return err
	}
	_, err = run.Commit(ctx)
	return fmt.Errorf("child was not stopped: %v", err)
}

// normalizing normalizes the records put, as the loader does.
type normalizing struct{ store.Run }

func (n *normalizing) Put(ctx context.Context, r *model.Record) error {
	r.Normalize()
	return n.Run.Put(ctx, r)
}

// state is what a reader sees of a store: its records and its mark.
type state struct {
	Records []string
	Version model.Hash
	Pos     uint64
}

func stateOf(t *testing.T, st store.Store) state {
	t.Helper()
	m, err := st.Scan(context.Background(), func(*model.Record) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	s := state{Records: storetest.All(t, st), Version: m.Version, Pos: m.Position}
	// The version is the content hash of what is read.
	var h model.Hash
	if _, err := st.Scan(context.Background(), func(r *model.Record) error {
		h = h.Add(model.HashOf(r.Encode(nil)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if h != s.Version {
		t.Errorf("version %s is not the content hash %s of the records read", s.Version, h)
	}
	return s
}

// based returns a store directory holding the old records, and its state.
func based(t *testing.T) (string, state) {
	t.Helper()
	dir := t.TempDir()
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.Commit(t, st, normalized(oldRecords()))
	return dir, stateOf(t, st)
}

// TestStagedRunIsAtomicToReaders commits a staged run and reads the store at
// every point of it (between its transactions): each read is the state before
// the run until the marker, the state after it from then on. An upgradable
// store (serve's) does the same, holding the exclusive lock from its first
// spill to the end of the run.
func TestStagedRunIsAtomicToReaders(t *testing.T) {
	t.Run("writable", func(t *testing.T) { atomicToReaders(t, embedded.Options{RunBuffer: childBuffer}) })
	t.Run("upgradable", func(t *testing.T) {
		atomicToReaders(t, embedded.Options{RunBuffer: childBuffer, ReadOnly: true, Upgradable: true, LockTimeout: 50 * time.Millisecond})
	})
}

func atomicToReaders(t *testing.T, opt embedded.Options) {
	dir, old := based(t)
	ctx := context.Background()
	st, err := embedded.Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var seen []string // the points read at
	var reads []state
	locked := 0 // another process's reader refused while the run held the store
	embedded.SetHook(st, func(p string, i int) {
		seen = append(seen, p)
		reads = append(reads, stateOf(t, st))
		if opt.Upgradable && p == "merge" && i == 1 {
			if other, err := embedded.Open(dir, embedded.Options{ReadOnly: true, LockTimeout: 50 * time.Millisecond}); errors.Is(err, store.ErrLocked) {
				locked++
			} else if err == nil {
				other.Close()
			}
		}
	})
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stagedRun(ctx, &normalizing{run}); err != nil {
		t.Fatal(err)
	}
	v, err := run.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	embedded.SetHook(st, nil)
	want := stateOf(t, st)
	if want.Version != v || want.Pos != old.Pos+1 {
		t.Errorf("after the run: version %s position %d; commit returned %s, position before %d", want.Version, want.Pos, v, old.Pos)
	}
	if staged, err := embedded.Staged(st); err != nil || staged {
		t.Errorf("a committed run left its stage: %v %v", staged, err)
	}
	marked := false
	counts := map[string]int{}
	for i, p := range seen {
		counts[p]++
		marked = marked || p == "mark"
		exp := old
		if marked {
			exp = want
		}
		if diff := cmp.Diff(exp, reads[i]); diff != "" {
			t.Fatalf("read at %s #%d (marked %v) differs (-want +got):\n%s", p, counts[p], marked, diff)
		}
	}
	for _, p := range []string{"spill", "merge", "mark", "apply"} {
		if counts[p] == 0 || p != "mark" && counts[p] < 3 {
			t.Errorf("the run passed %d times by %s: %v", counts[p], p, counts)
		}
	}
	if opt.Upgradable {
		if locked != 1 {
			t.Error("a reader opened the store while the upgradable store's staged run held it")
		}
		// The run over, other readers open it again.
		other, err := embedded.Open(dir, embedded.Options{ReadOnly: true, LockTimeout: time.Second})
		if err != nil {
			t.Fatalf("a reader after the run: %v", err)
		}
		defer other.Close()
		if diff := cmp.Diff(want, stateOf(t, other)); diff != "" {
			t.Errorf("another reader after the run (-want +got):\n%s", diff)
		}
	}
	stats := st.LastRun()
	if stats.MaxBuffered > childBuffer || stats.Spills < 10 {
		t.Errorf("run stats %+v: want at most %d bytes buffered and many spills", stats, childBuffer)
	}
}

// TestKilledStagedRun kills a process at points of a staged run and opens the
// store after it: before the marker, it holds exactly the state before the
// run; from the marker on, exactly the state after it (which a reader sees
// before any writer finishes the run, and the next writer finishes).
func TestKilledStagedRun(t *testing.T) {
	// The state a run that is not killed leaves.
	ref, old := based(t)
	ctx := context.Background()
	st, err := embedded.Open(ref, embedded.Options{RunBuffer: childBuffer})
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stagedRun(ctx, &normalizing{run}); err != nil {
		t.Fatal(err)
	}
	if _, err := run.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	want := stateOf(t, st)
	st.Close()

	for _, tc := range []struct {
		at        string
		committed bool
	}{
		{"spill/3", false},
		{"spill/30", false},
		{"merge/1", false},
		{"merge/5", false},
		{"drop/1", false},
		{"drop/20", false},
		{"mark/0", true},
		{"apply/1", true},
		{"apply/4", true},
	} {
		t.Run(strings.ReplaceAll(tc.at, "/", "-"), func(t *testing.T) {
			dir, _ := based(t)
			killChild(t, tc.at, dir)
			exp := old
			if tc.committed {
				exp = want
			}
			// A reader first (as screen or serve would open it), then a
			// writer, which finishes or drops the run, then the next run.
			for _, opt := range []embedded.Options{{ReadOnly: true}, {}} {
				st, err := embedded.Open(dir, opt)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(exp, stateOf(t, st)); diff != "" {
					t.Errorf("opened (read-only %v) after a kill at %s (-want +got):\n%s", opt.ReadOnly, tc.at, diff)
				}
				if !opt.ReadOnly {
					if staged, err := embedded.Staged(st); err != nil || staged {
						t.Errorf("the writer left a stage: %v %v", staged, err)
					}
					storetest.Commit(t, st, normalized([]*model.Record{{Kind: model.KindEntity, ID: "after", Name: "After"}}))
					if got := stateOf(t, st); got.Pos != exp.Pos+1 || len(got.Records) != len(exp.Records)+1 {
						t.Errorf("the run after: position %d, %d records; want %d, %d", got.Pos, len(got.Records), exp.Pos+1, len(exp.Records)+1)
					}
				}
				st.Close()
			}
		})
	}
}

// killChild starts the child to stop at point in dir, waits for its line, and
// SIGKILLs it.
func killChild(t *testing.T, point, dir string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"="+point, envChildDir+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	line := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "stopped" {
				line <- true
				return
			}
		}
		close(line)
	}()
	select {
	case _, ok := <-line:
		if !ok {
			t.Fatalf("child exited without stopping at %s", point)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("child did not stop at %s", point)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}

// TestRunMemoryIsBounded writes a run many times larger than its buffer: the
// buffer stays within its bound, and so does the heap, sampled while the run
// writes and commits.
func TestRunMemoryIsBounded(t *testing.T) {
	const buffer = 1 << 20
	const runBytes = 96 << 20
	const heapBound = 48 << 20 // the run's bytes are twice this
	st, err := embedded.Open(t.TempDir(), embedded.Options{RunBuffer: buffer})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mu.Lock()
		peak = max(peak, ms.HeapInuse)
		mu.Unlock()
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				sample()
			}
		}
	}()
	embedded.SetHook(st, func(string, int) { sample() })
	run, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := fill(t, run, "m", runBytes)
	if _, err := run.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	stats := st.LastRun()
	t.Logf("%d records, %d MiB: %+v, peak heap in use %d MiB", n, runBytes>>20, stats, peak>>20)
	if stats.MaxBuffered > buffer {
		t.Errorf("the run buffered %d bytes, bound %d", stats.MaxBuffered, buffer)
	}
	if stats.Spills < runBytes/buffer/2 {
		t.Errorf("the run spilled %d chunks of a %d-byte buffer for %d bytes", stats.Spills, buffer, runBytes)
	}
	if peak > heapBound {
		t.Errorf("heap in use peaked at %d MiB for a run of %d MiB, bound %d MiB", peak>>20, runBytes>>20, heapBound>>20)
	}
	if recs := storetest.All(t, st); len(recs) != min(n, 1_000_003) {
		t.Errorf("%d records stored, want %d", len(recs), n)
	}
}

// fill puts entities of about 400 bytes each, ids prefix and a number in an
// order that is not the keys', until the run holds size bytes of records;
// it returns how many it put.
func fill(t *testing.T, run store.Run, prefix string, size int) int {
	t.Helper()
	filler := strings.Repeat("y", 400)
	n := 0
	for written := 0; written < size; n++ {
		r := &model.Record{Kind: model.KindEntity, ID: fmt.Sprintf("%s%09d", prefix, (n*7919)%1_000_003), Name: filler + strconv.Itoa(n), Type: model.TypeCompany}
		r.Normalize()
		written += len(r.Encode(nil))
		if err := run.Put(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return n
}
