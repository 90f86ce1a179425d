package neo4j

import "github.com/keiretsu/keiretsu/internal/model"

// SetHooks installs test hooks: afterStage runs after each staged batch (with
// the number staged so far), afterCommitPoint right after a staged run's commit
// marker is set, before anything is applied.
func SetHooks(s *Store, afterStage func(staged int), afterCommitPoint func()) {
	s.afterStage, s.afterCommitPoint = afterStage, afterCommitPoint
}

// SetApplyHook installs a test hook that runs after each staged batch is
// applied (committed), with its sequence number. Batches of different
// partitions are applied concurrently: the hook must be safe for that.
func SetApplyHook(s *Store, afterApply func(seq int64)) {
	s.afterApply = afterApply
}

// SetLoadHook installs a test hook that runs after each batch of a load is
// written (committed), with the number written so far. Partitions are written
// concurrently: the hook must be safe for that.
func SetLoadHook(s *Store, afterLoadBatch func(n int)) {
	s.afterLoadBatch = afterLoadBatch
}

// SetScanHook installs a test hook that runs after each page a scan reads,
// with the number of nodes it asked for, the nodes it got (placeholders
// included) and their relationships.
func SetScanHook(s *Store, afterScanPage func(asked, nodes, rels int)) {
	s.afterScanPage = afterScanPage
}

// GraphName is the label of a node kind's records, or the type of an edge
// kind's relationships.
func GraphName(k model.Kind) string {
	g := graphOf[k]
	if g.relType != "" {
		return g.relType
	}
	return g.label
}
