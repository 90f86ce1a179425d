package neo4j

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// formatVersion is the layout version kept on the meta node.
const formatVersion = 1

// DefaultDatabase is the database used when Config.Database is empty.
const DefaultDatabase = "neo4j"

// Config says how to reach Neo4j. The tuning fields may be left zero.
type Config struct {
	// URI is the Bolt URI, e.g. bolt://localhost:7687 or neo4j://cluster:7687.
	URI string
	// User and Password give basic auth; with an empty User no auth is sent.
	User, Password string
	// Database is the database name (default "neo4j").
	Database string
	// Log receives the store's and the driver's messages (silent when zero).
	Log zerolog.Logger

	// SmallRun is the largest run (in writes) committed in one transaction; a
	// larger run is staged in batches (default 20,000).
	SmallRun int
	// Batch is the number of writes per staged batch and per apply transaction
	// (default 10,000).
	Batch int
	// Workers is how many partitions a staged run is split into (by a hash of
	// the record key) and how many of its apply transactions run at once
	// (default 2; 1 applies one batch at a time).
	Workers int
	// LeaseTTL is how long the writer lease and a scan's reader lease last
	// without renewal; a killed writer blocks others at most this long (default
	// 30 s).
	LeaseTTL time.Duration
	// LockWait is how long Begin and Wipe wait for another process's run before
	// failing with store.ErrLocked (default 10 minutes).
	LockWait time.Duration
	// KeepRuns is how many runs the change log keeps for followers (default 1,000).
	KeepRuns int
	// LogMax is the largest run (in writes) kept in the change log; followers
	// behind a larger run reload everything (default 1,000,000).
	LogMax int
	// NoLoad stages every large run, also one into a store with no record
	// node, which is otherwise written directly (see doc.go, "Loads").
	NoLoad bool
	// ScanPage is how many nodes a page of a scan reads, with their outgoing
	// relationships, in one result row (default 10,000).
	ScanPage int
}

func (c *Config) defaults() {
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.SmallRun <= 0 {
		c.SmallRun = 20_000
	}
	if c.Batch <= 0 {
		c.Batch = 10_000
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	c.Workers = min(c.Workers, 64)
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = 30 * time.Second
	}
	if c.LockWait <= 0 {
		c.LockWait = 10 * time.Minute
	}
	if c.KeepRuns <= 0 {
		c.KeepRuns = 1000
	}
	if c.LogMax <= 0 {
		c.LogMax = 1_000_000
	}
	if c.ScanPage <= 0 {
		c.ScanPage = 10_000
	}
}

// Store is the Neo4j store of record. It is safe for concurrent use; one run at
// a time per Store, and one at a time per database across processes.
type Store struct {
	cfg    Config
	log    zerolog.Logger
	driver neo4j.DriverWithContext
	mu     sync.Mutex // one run (or wipe) at a time in this process

	// hooks for tests (see export_test.go).
	afterCommitPoint func()
	afterStage       func(seq int)
	afterApply       func(seq int64)
	afterLoadBatch   func(n int)
	afterScanPage    func(asked, nodes, rels int)
	phases           phaseTimes

	// loading is the committed state while this process loads into the empty
	// store (nil otherwise): its own reads return that empty state instead of
	// waiting for the load's marker.
	loading atomic.Pointer[committed]
}

var (
	_ store.Store    = (*Store)(nil)
	_ store.Follower = (*Store)(nil)
)

// Open connects to Neo4j, checks connectivity, applies the schema (constraints
// and indexes, idempotent), creates the meta node, and finishes or cleans up
// what a killed run left behind when no other process is running one.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg.defaults()
	if cfg.URI == "" {
		return nil, errors.New("open neo4j: no URI")
	}
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *neo4j.Config) {
		c.Log = driverLog{cfg.Log}
		c.MaxTransactionRetryTime = time.Minute
	})
	if err != nil {
		return nil, fmt.Errorf("open neo4j %s: %w", cfg.URI, err)
	}
	s := &Store{cfg: cfg, log: cfg.Log.With().Str("store", "neo4j").Logger(), driver: drv}
	if err := s.init(ctx); err != nil {
		_ = drv.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("open neo4j %s: %w", cfg.URI, err)
	}
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	// Finish a killed run's commit or drop its staged batches, unless another
	// process is running one right now (it will do it itself).
	owner := newID()
	ok, err := s.tryLease(ctx, owner)
	if err != nil {
		return err
	}
	if ok {
		defer s.releaseLease(context.WithoutCancel(ctx), owner)
		if err := s.recover(ctx, owner); err != nil {
			return err
		}
	}
	return nil
}

// Describe names the store.
func (s *Store) Describe() string {
	return fmt.Sprintf("neo4j %s (database %s)", s.cfg.URI, s.cfg.Database)
}

// Close closes the driver.
func (s *Store) Close() error {
	return s.driver.Close(context.Background())
}

// Driver returns the store's driver, for tools that query the graph directly.
func (s *Store) Driver() neo4j.DriverWithContext { return s.driver }

// session opens a session on the configured database, causally chained to the
// driver's other queries.
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      mode,
		DatabaseName:    s.cfg.Database,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
		FetchSize:       5000,
	})
}

// write runs work in a retried write transaction.
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	return neo4j.ExecuteWrite(ctx, sess, work)
}

// query runs one statement with ExecuteQuery on the configured database.
func (s *Store) query(ctx context.Context, q string, params map[string]any, read bool) (*neo4j.EagerResult, error) {
	opts := []neo4j.ExecuteQueryConfigurationOption{neo4j.ExecuteQueryWithDatabase(s.cfg.Database)}
	if read {
		opts = append(opts, neo4j.ExecuteQueryWithReadersRouting())
	}
	return neo4j.ExecuteQuery(ctx, s.driver, q, params, neo4j.EagerResultTransformer, opts...)
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// committed is a published content hash and position.
type committed struct {
	hash     model.Hash
	position int64
}

// meta is the state of the meta node.
type meta struct {
	hash         model.Hash
	position     int64
	logFrom      int64
	applying     string // commit marker: the run being applied, or "" when none
	applyKind    string // "run" or "wipe"
	applyPos     int64
	applyHash    model.Hash
	applyNext    int64
	applyBatches int64
	applyLog     bool
	fenced       bool // this transaction's owner holds the writer lease
	busy         bool // scans are running
}

// lockMeta locks the meta node for the rest of tx and reads it.
func lockMeta(ctx context.Context, tx neo4j.ManagedTransaction, owner string) (meta, error) {
	res, err := tx.Run(ctx, cypherLockMeta, map[string]any{"owner": owner})
	if err != nil {
		return meta{}, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return meta{}, fmt.Errorf("read meta node: %w", err)
	}
	var m meta
	var e errs
	m.hash = model.HashFromBytes(get[[]byte](rec, "hash", &e))
	m.position = get[int64](rec, "position", &e)
	m.logFrom = get[int64](rec, "logFrom", &e)
	m.applying = get[string](rec, "applying", &e)
	m.applyKind = get[string](rec, "applyKind", &e)
	m.applyPos = get[int64](rec, "applyPos", &e)
	m.applyHash = model.HashFromBytes(get[[]byte](rec, "applyHash", &e))
	m.applyNext = get[int64](rec, "applyNext", &e)
	m.applyBatches = get[int64](rec, "applyBatches", &e)
	m.applyLog = get[bool](rec, "applyLog", &e)
	m.fenced = get[bool](rec, "fenced", &e)
	m.busy = get[bool](rec, "busy", &e)
	return m, e.err
}

// errs keeps the first error of a series of record reads.
type errs struct{ err error }

// get reads a record value with neo4j.GetRecordValue; null gives the zero value.
func get[T neo4j.RecordValue](rec *neo4j.Record, key string, e *errs) T {
	v, _, err := neo4j.GetRecordValue[T](rec, key)
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("field %s: %w", key, err)
	}
	return v
}
