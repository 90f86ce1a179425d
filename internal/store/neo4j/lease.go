package neo4j

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// errLeaseLost is returned when a writer finds that its lease expired and
// another process took it over.
var errLeaseLost = errors.New("writer lease lost to another process")

// tryLease takes the writer lease for owner if it is free or expired.
func (s *Store) tryLease(ctx context.Context, owner string) (bool, error) {
	res, err := s.query(ctx, cypherLeaseTake, map[string]any{"owner": owner, "ttl": s.cfg.LeaseTTL.Milliseconds()}, false)
	if err != nil {
		return false, fmt.Errorf("take writer lease: %w", err)
	}
	return len(res.Records) == 1, nil
}

// acquireLease waits up to LockWait for the writer lease.
func (s *Store) acquireLease(ctx context.Context, owner string) error {
	deadline := time.Now().Add(s.cfg.LockWait)
	wait := 50 * time.Millisecond
	logged := false
	for {
		ok, err := s.tryLease(ctx, owner)
		if err != nil || ok {
			return err
		}
		if !logged {
			s.log.Info().Msg("waiting for another process's ingest run")
			logged = true
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wait for writer lease: %w (another process is writing; its lease expires %s after it stops)", store.ErrLocked, s.cfg.LeaseTTL)
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(wait*2, time.Second)
	}
}

// releaseLease gives the lease up (best effort: it expires anyway).
func (s *Store) releaseLease(ctx context.Context, owner string) {
	if _, err := s.query(ctx, cypherLeaseRelease, map[string]any{"owner": owner}, false); err != nil {
		s.log.Warn().Err(err).Msg("release writer lease")
	}
}

// getInt and getBool read the single value of a one-row, one-column result.
func getInt(res *neo4j.EagerResult) (int64, bool, error) {
	if len(res.Records) == 0 || len(res.Records[0].Values) == 0 {
		return 0, true, nil
	}
	return neo4j.GetRecordValue[int64](res.Records[0], res.Keys[0])
}

func getBool(res *neo4j.EagerResult) (bool, bool, error) {
	if len(res.Records) == 0 || len(res.Records[0].Values) == 0 {
		return false, true, nil
	}
	return neo4j.GetRecordValue[bool](res.Records[0], res.Keys[0])
}

// renewer renews a lease every third of its TTL until stopped, and records
// whether it was lost.
type renewer struct {
	stop chan struct{}
	done sync.WaitGroup
	lost atomic.Bool
}

func (s *Store) renew(q string, params map[string]any) *renewer {
	r := &renewer{stop: make(chan struct{})}
	r.done.Add(1)
	go func() {
		defer r.done.Done()
		t := time.NewTicker(s.cfg.LeaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.LeaseTTL/3)
			res, err := s.query(ctx, q, params, false)
			cancel()
			if err != nil {
				s.log.Warn().Err(err).Msg("renew lease")
				continue
			}
			if n, _, _ := getInt(res); n == 0 {
				r.lost.Store(true)
				return
			}
		}
	}()
	return r
}

func (r *renewer) close() {
	close(r.stop)
	r.done.Wait()
}

// reader is a registered scan: writers wait until it ends before applying.
type reader struct {
	id       string
	hash     model.Hash
	position int64
	ren      *renewer
}

// registerReader waits until no commit is being applied and registers a scan;
// it returns the committed state the scan will read.
func (s *Store) registerReader(ctx context.Context) (*reader, error) {
	rd := &reader{id: newID()}
	params := map[string]any{"id": rd.id, "ttl": s.cfg.LeaseTTL.Milliseconds()}
	err := s.waitApplied(ctx, func() (bool, error) {
		res, err := s.query(ctx, cypherReaderRegister, params, false)
		if err != nil || len(res.Records) == 0 {
			return false, err
		}
		var e errs
		rd.hash = model.HashFromBytes(get[[]byte](res.Records[0], "hash", &e))
		rd.position = get[int64](res.Records[0], "position", &e)
		return true, e.err
	})
	if err != nil {
		return nil, fmt.Errorf("register scan: %w", err)
	}
	rd.ren = s.renew(cypherReaderRenew, params)
	return rd, nil
}

func (s *Store) dropReader(rd *reader) {
	if rd.ren != nil {
		rd.ren.close()
	}
	if _, err := s.query(context.Background(), cypherReaderDrop, map[string]any{"id": rd.id}, false); err != nil {
		s.log.Warn().Err(err).Msg("drop scan registration")
	}
}

// waitApplied calls try until it succeeds. While it does not (a commit is being
// applied), it waits; when the applying process's lease has expired (it was
// killed), it takes the lease over and finishes the commit itself.
func (s *Store) waitApplied(ctx context.Context, try func() (bool, error)) error {
	wait := 20 * time.Millisecond
	for {
		ok, err := try()
		if err != nil || ok {
			return err
		}
		if err := s.takeOverExpired(ctx); err != nil {
			return err
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(wait*2, 500*time.Millisecond)
	}
}

// takeOverExpired finishes a killed process's commit when its lease expired.
func (s *Store) takeOverExpired(ctx context.Context) error {
	res, err := s.query(ctx, cypherLeaseExpired, nil, true)
	if err != nil {
		return fmt.Errorf("read writer lease: %w", err)
	}
	if len(res.Records) == 0 {
		return nil
	}
	if expired, _, _ := getBool(res); !expired {
		return nil
	}
	owner := newID()
	ok, err := s.tryLease(ctx, owner)
	if err != nil || !ok {
		return err
	}
	defer s.releaseLease(context.WithoutCancel(ctx), owner)
	return s.recover(ctx, owner)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
