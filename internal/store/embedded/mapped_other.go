//go:build !linux

package embedded

import bolt "go.etcd.io/bbolt"

// dropMapped does nothing where the map's pages cannot be given back.
func dropMapped(*bolt.Tx) {}
