//go:build linux

package embedded

import (
	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// dropMapped gives back the pages of the database's memory map that this
// process has read: bbolt reads through a shared read-only map of the file, so
// every page a scan, a merge or a lookup touches stays in the process's
// resident set (as file-backed memory, counted in its peak) until the map is
// unmapped, and a run or a scan of a file larger than the memory would end
// with the whole file resident. The pages stay in the kernel's page cache;
// reading them again is a minor fault. tx holds bbolt's map lock, so the map
// is not replaced meanwhile, and its committed pages are all mapped.
func dropMapped(tx *bolt.Tx) {
	if size := tx.Size(); size > 0 {
		_, _, _ = unix.Syscall(unix.SYS_MADVISE, tx.DB().Info().Data, uintptr(size), unix.MADV_DONTNEED)
	}
}
