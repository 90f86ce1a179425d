// Package embedded is the zero-set-up store of record: one directory holding a bbolt
// database (keiretsu.db).
//
// Why bbolt: a single file, pure Go, with copy-on-write B+tree pages and a meta
// page switched by one fsync at commit, so a process killed at any moment leaves
// the last committed state intact, and one write transaction is exactly one atomic
// ingest run. Its single-writer model matches ingest runs; readers never block.
// (Pebble would ingest faster but an atomic run larger than memory needs extra
// machinery there; bbolt's write transaction gives it for free.)
//
// Layout. Bucket "records" maps model.Key.KeyBytes to the record's canonical
// encoding (model.Record.Encode). Bucket "meta" holds "hash", the 16-byte content
// hash: the lane-wise sum of model.HashOf over every stored encoding, updated in the
// same transaction as the writes (subtracting a replaced or deleted record's hash),
// and "format", the layout version.
//
// Locking. A writable open takes an exclusive file lock (ingest, wipe); a
// read-only open a shared one (serve, screen, stats), so many readers can run at
// once and a writer waits for them. Open fails with store.ErrLocked after a second.
package embedded
