package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/term"
)

// meter shows an ingest's progress: a bar with rate and ETA on a terminal, a log
// line every few seconds otherwise. Bytes come from counting readers on the input
// files; records from the run's progress callback.
type meter struct {
	total   int64 // bytes of all input files (0 when unknown, e.g. stdin)
	bytes   atomic.Int64
	records atomic.Int64
	start   time.Time
	log     zerolog.Logger
	tty     bool
	stop    chan struct{}
	done    sync.WaitGroup
}

func newMeter(log zerolog.Logger, total int64) *meter {
	return &meter{total: total, start: time.Now(), log: log, tty: term.IsTerminal(int(os.Stderr.Fd())), stop: make(chan struct{})}
}

// reader counts the bytes read through r.
func (m *meter) reader(r io.Reader) io.Reader { return &countingReader{r: r, n: &m.bytes} }

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// run starts reporting until finish is called.
func (m *meter) run() {
	every := 5 * time.Second
	if m.tty {
		every = 250 * time.Millisecond
	}
	m.done.Add(1)
	go func() {
		defer m.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		shown := false
		for {
			select {
			case <-m.stop:
				if shown && m.tty {
					fmt.Fprint(os.Stderr, "\r"+strings.Repeat(" ", 79)+"\r")
				}
				return
			case <-t.C:
			}
			if time.Since(m.start) < time.Second {
				continue // short runs show nothing
			}
			shown = true
			m.report()
		}
	}()
}

func (m *meter) report() {
	elapsed := time.Since(m.start).Seconds()
	recs, read := m.records.Load(), m.bytes.Load()
	rate := float64(recs) / elapsed
	frac, eta := -1.0, ""
	if m.total > 0 && read > 0 {
		frac = min(float64(read)/float64(m.total), 1)
		eta = (time.Duration(elapsed*(1-frac)/frac) * time.Second / time.Second).Round(time.Second).String()
	}
	if !m.tty {
		ev := m.log.Info().Int64("records", recs).Float64("records_per_s", float64(int(rate)))
		if frac >= 0 {
			ev = ev.Float64("percent", float64(int(frac*1000))/10).Str("eta", eta)
		}
		ev.Msg("ingesting")
		return
	}
	line := fmt.Sprintf("%s records  %s/s", human(float64(recs)), human(rate))
	if frac >= 0 {
		const width = 30
		done := int(frac * width)
		line = fmt.Sprintf("[%s%s] %5.1f%%  %s  ETA %s", strings.Repeat("=", done), strings.Repeat(" ", width-done), frac*100, line, eta)
	}
	fmt.Fprintf(os.Stderr, "\r%-79s", line)
}

func (m *meter) finish() {
	close(m.stop)
	m.done.Wait()
}

func human(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}
