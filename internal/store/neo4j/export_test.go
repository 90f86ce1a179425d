package neo4j

// SetHooks installs test hooks: afterStage runs after each staged batch (with
// the number staged so far), afterCommitPoint right after a staged run's commit
// marker is set, before anything is applied.
func SetHooks(s *Store, afterStage func(staged int), afterCommitPoint func()) {
	s.afterStage, s.afterCommitPoint = afterStage, afterCommitPoint
}
