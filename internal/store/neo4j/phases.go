package neo4j

import (
	"sync"
	"time"
)

// phaseTimes records how long this process took to apply the phases of the last
// staged run it applied (phase 0: node records, phase 1: relationships), for
// benchmarks.
type phaseTimes struct {
	mu    sync.Mutex
	times map[int64]time.Duration
}

func (s *Store) notePhase(phase int64, took time.Duration) {
	s.phases.mu.Lock()
	defer s.phases.mu.Unlock()
	if s.phases.times == nil {
		s.phases.times = map[int64]time.Duration{}
	}
	s.phases.times[phase] = took
}

// LastApplyPhases returns how long the node and relationship phases of the last
// staged run this process applied took (zero when it applied none).
func (s *Store) LastApplyPhases() (nodes, relationships time.Duration) {
	s.phases.mu.Lock()
	defer s.phases.mu.Unlock()
	return s.phases.times[0], s.phases.times[1]
}
