package embedded

import bolt "go.etcd.io/bbolt"

// SetHook sets the function called at the points of a staged run (spill,
// merge, mark, apply, with a count), for the crash tests.
func SetHook(s *Store, fn func(point string, n int)) { s.hook = fn }

// Staged reports whether the store holds anything staged (chunks, a stage
// or its marker).
func Staged(s *Store) (bool, error) {
	var staged bool
	err := s.view(func(tx *bolt.Tx) error {
		staged = tx.Bucket(bucketSpill) != nil || tx.Bucket(bucketStage) != nil || tx.Bucket(bucketMeta).Get(keyStaged) != nil
		return nil
	})
	return staged, err
}

// SetDropEvery sets how many bytes a scan reads between two calls to
// dropMapped, returning the previous value.
func SetDropEvery(n int) int {
	old := dropEvery
	dropEvery = n
	return old
}
