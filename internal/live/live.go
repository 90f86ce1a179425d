package live

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
)

// SocketDir is the directory, inside an embedded store's directory, that holds
// the socket; SocketName is the socket in it.
const (
	SocketDir  = "live"
	SocketName = "serve.sock"
)

// Operations a Request asks for.
const (
	OpIngest = "ingest"
	OpWipe   = "wipe"
)

// SocketPath is the socket of the store in directory dir.
func SocketPath(dir string) string { return filepath.Join(dir, SocketDir, SocketName) }

// ErrNoServer is returned by Dial when no process takes the store's runs.
var ErrNoServer = errors.New("no serve takes this store's runs")

// ErrServing is returned by Listen when another process already takes the
// store's runs.
var ErrServing = errors.New("another serve already takes this store's runs")

// Request is what a client asks for.
type Request struct {
	Op string `json:"op"`
	// Files are the run's FILE arguments as given (for the run log).
	Files []string `json:"files"`
	// Sources name the sources the client streams, in order.
	Sources []string `json:"sources"`
	// Snapshot, Strict, SkipInvalid and AutoLink are the run's options.
	Snapshot    string `json:"snapshot,omitempty"`
	Strict      bool   `json:"strict,omitempty"`
	SkipInvalid bool   `json:"skipInvalid,omitempty"`
	AutoLink    bool   `json:"autoLink,omitempty"`
	// Extra are records written first, in the store's encoding (load.Options.Extra).
	Extra [][]byte `json:"extra,omitempty"`
}

// Hello is what the server says first: what the client's parsers need.
type Hello struct {
	// Store describes the store, as its Describe does.
	Store string `json:"store"`
	// Regimes are the ids of the regimes stored with the data.
	Regimes []string `json:"regimes"`
}

// Result is the outcome of a request: the run's summary (also when it failed,
// for the rejected lines and warnings) and its error, if any.
type Result struct {
	Summary load.Summary `json:"summary"`
	Err     string       `json:"error,omitempty"`
}

// Handler does what clients ask. Its methods are called concurrently, one
// call per connection.
type Handler interface {
	Hello(ctx context.Context) Hello
	// Ingest runs one atomic run of the extra records and the sources.
	Ingest(ctx context.Context, req Request, extra []*model.Record, sources []ingest.Source) (load.Summary, error)
	Wipe(ctx context.Context) error
}

// Server takes the runs of clients on a store's socket.
type Server struct {
	ln   net.Listener
	path string
	h    Handler
	log  zerolog.Logger
	wg   sync.WaitGroup
}

// maxSocketPath is the longest unix socket path every platform accepts.
const maxSocketPath = 104

// Listen creates the socket of the store in dir (owner-only) and returns a
// server that takes runs on it once Serve is called. A stale socket (its
// server is gone) is replaced; a live one is ErrServing.
func Listen(dir string, h Handler, log zerolog.Logger) (*Server, error) {
	sdir := filepath.Join(dir, SocketDir)
	path := SocketPath(dir)
	if len(path) >= maxSocketPath {
		return nil, fmt.Errorf("socket %s: the path is longer than unix sockets allow (%d bytes)", path, maxSocketPath-1)
	}
	if err := os.MkdirAll(sdir, 0o700); err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	if err := os.Chmod(sdir, 0o700); err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	if _, err := os.Lstat(path); err == nil {
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("socket %s: %w", path, ErrServing)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("socket: %w", err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(true)
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("socket: %w", err)
	}
	return &Server{ln: ln, path: path, h: h, log: log}, nil
}

// Path is the socket's path.
func (s *Server) Path() string { return s.path }

// Serve takes connections until ctx ends, then closes the socket (removing
// it) and waits for the requests in flight.
func (s *Server) Serve(ctx context.Context) error {
	go func() {
		<-ctx.Done()
		s.ln.Close()
	}()
	defer s.wg.Wait()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(ctx, c)
		}()
	}
}

func (s *Server) handle(ctx context.Context, c net.Conn) {
	defer c.Close()
	if err := samePeer(c); err != nil {
		s.log.Warn().Err(err).Msg("live: connection refused")
		return
	}
	r, w := bufio.NewReaderSize(c, 256<<10), bufio.NewWriter(c)
	if err := writeJSON(w, frameHello, s.h.Hello(ctx)); err != nil || w.Flush() != nil {
		return
	}
	var req Request
	if err := readJSON(r, frameRequest, &req); err != nil {
		s.log.Debug().Err(err).Msg("live: no request")
		return
	}
	var res Result
	var err error
	switch req.Op {
	case OpIngest:
		res.Summary, err = s.ingest(ctx, req, r)
	case OpWipe:
		err = s.h.Wipe(ctx)
	default:
		err = fmt.Errorf("live: unknown operation %q", req.Op)
	}
	if err != nil {
		res.Err = err.Error()
	}
	s.log.Info().Str("op", req.Op).Strs("files", req.Files).Bool("ok", err == nil).Msg("live run")
	if writeJSON(w, frameResult, res) != nil || w.Flush() != nil {
		return
	}
	// The client may still be sending (the run failed early): read until it
	// hangs up, so that it reads the result before its writes fail.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.Copy(io.Discard, r)
}

func (s *Server) ingest(ctx context.Context, req Request, r *bufio.Reader) (load.Summary, error) {
	extra := make([]*model.Record, len(req.Extra))
	for i, b := range req.Extra {
		extra[i] = &model.Record{}
		if err := extra[i].Decode(b); err != nil {
			return load.Summary{}, fmt.Errorf("live: extra record %d: %w", i, err)
		}
	}
	sources := make([]ingest.Source, len(req.Sources))
	for i, name := range req.Sources {
		sources[i] = &source{name: name, r: r}
	}
	return s.h.Ingest(ctx, req, extra, sources)
}

// source is one of the client's sources, read from the connection. The
// sources of a request are read one after the other, as load.Run reads them.
type source struct {
	name string
	r    *bufio.Reader
	buf  []byte
	done bool
}

// ErrClientGone is returned by a streamed source when the client hangs up
// before the end of its stream: the run is abandoned.
var ErrClientGone = errors.New("the ingest client went away before the end of its run")

func (s *source) Name() string { return s.name }

func (s *source) Next(op *ingest.Op) error {
	if s.done {
		return io.EOF
	}
	typ, b, err := readFrame(s.r, s.buf)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrClientGone, err)
	}
	s.buf = b[:0]
	switch typ {
	case frameOp:
		if len(b) < 2 {
			return errFrame
		}
		line, n := binary.Uvarint(b[1:])
		if n <= 0 {
			return errFrame
		}
		op.Delete, op.Line = b[0]&1 != 0, int(line)
		return op.Record.Decode(b[1+n:])
	case frameWarning:
		w := &ingest.Warning{}
		if err := json.Unmarshal(b, w); err != nil {
			return err
		}
		return w
	case frameBadLine:
		le := &ingest.LineError{}
		if err := json.Unmarshal(b, le); err != nil {
			return err
		}
		return le
	case frameFatal:
		return errors.New(string(b))
	case frameEOF:
		s.done = true
		return io.EOF
	}
	return fmt.Errorf("%w: type %q", errFrame, typ)
}

// Client is one connection to the server of a store.
type Client struct {
	c     net.Conn
	r     *bufio.Reader
	w     *bufio.Writer
	hello Hello
}

// Dial connects to the server of the store in dir and reads its hello; with
// no server it returns ErrNoServer.
func Dial(dir string) (*Client, error) {
	path := SocketPath(dir)
	if _, err := os.Stat(path); err != nil {
		return nil, ErrNoServer
	}
	c, err := net.DialTimeout("unix", path, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoServer, err)
	}
	cl := &Client{c: c, r: bufio.NewReader(c), w: bufio.NewWriterSize(c, 256<<10)}
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if err := readJSON(cl.r, frameHello, &cl.hello); err != nil {
		c.Close()
		return nil, fmt.Errorf("%w (no hello: %v)", ErrNoServer, err)
	}
	_ = c.SetReadDeadline(time.Time{})
	return cl, nil
}

// Hello is what the server said.
func (cl *Client) Hello() Hello { return cl.hello }

// Close hangs up.
func (cl *Client) Close() error { return cl.c.Close() }

// Wipe asks the server to wipe the store.
func (cl *Client) Wipe(ctx context.Context) (Result, error) {
	return cl.Do(ctx, Request{Op: OpWipe}, nil, nil)
}

// Do sends the request and streams the sources (an ingest), calling progress
// with the count of operations sent every few thousand, and returns the
// server's result. When ctx ends first the connection is closed, which
// abandons a run whose stream has not ended.
func (cl *Client) Do(ctx context.Context, req Request, sources []ingest.Source, progress func(int)) (Result, error) {
	req.Sources = req.Sources[:0]
	for _, s := range sources {
		req.Sources = append(req.Sources, s.Name())
	}
	if err := writeJSON(cl.w, frameRequest, req); err != nil {
		return Result{}, err
	}
	if err := cl.w.Flush(); err != nil {
		return Result{}, err
	}
	var a answer
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		a.err = readJSON(cl.r, frameResult, &a.res)
	}()
	stop := context.AfterFunc(ctx, func() { cl.c.Close() })
	defer stop()
	sendErr := cl.stream(sources, progress, answered)
	<-answered
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	if a.err != nil {
		if sendErr != nil {
			return Result{}, fmt.Errorf("live: sending the run: %w", sendErr)
		}
		return Result{}, fmt.Errorf("live: no result from the server: %w", a.err)
	}
	return a.res, nil
}

type answer struct {
	res Result
	err error
}

// stream sends the sources' operations; it stops early when the server has
// answered (the run failed) or a write fails.
func (cl *Client) stream(sources []ingest.Source, progress func(int), answered <-chan struct{}) error {
	var op ingest.Op
	var buf []byte
	n := 0
	for _, src := range sources {
		for {
			select {
			case <-answered:
				return nil
			default:
			}
			err := src.Next(&op)
			var w *ingest.Warning
			var le *ingest.LineError
			switch {
			case err == nil:
				buf = append(buf[:0], 0)
				if op.Delete {
					buf[0] = 1
				}
				buf = binary.AppendUvarint(buf, uint64(op.Line))
				buf = op.Record.Encode(buf)
				err = writeFrame(cl.w, frameOp, buf)
				if n++; progress != nil && n%4096 == 0 {
					progress(n)
				}
			case errors.Is(err, io.EOF):
				err = writeFrame(cl.w, frameEOF, nil)
				if err == nil {
					err = errEndOfSource
				}
			case errors.As(err, &w):
				err = writeJSON(cl.w, frameWarning, w)
			case errors.As(err, &le):
				err = writeJSON(cl.w, frameBadLine, le)
			default:
				// A read error ends the run, as it ends a local one.
				if werr := writeFrame(cl.w, frameFatal, []byte(err.Error())); werr != nil {
					return werr
				}
				return cl.w.Flush()
			}
			if errors.Is(err, errEndOfSource) {
				break
			}
			if err != nil {
				return err
			}
		}
	}
	if progress != nil {
		progress(n)
	}
	return cl.w.Flush()
}

var errEndOfSource = errors.New("end of source")
