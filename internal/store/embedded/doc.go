// Package embedded is the zero-set-up store of record: one directory holding a bbolt
// database (keiretsu.db).
//
// Why bbolt: a single file, pure Go, with copy-on-write B+tree pages and a meta
// page switched by one fsync at commit, so a process killed at any moment leaves
// the last committed state intact, and one write transaction is exactly one atomic
// ingest run. Its single-writer model matches ingest runs; readers never block.
// (Pebble's LSM would take unsorted writes faster, but its atomic unit, a batch,
// is also held in memory until it commits, and it brings compaction tuning and
// many more files; bbolt's one file and one transaction are simpler to trust.)
//
// Runs. A run buffers its writes, encoded, in 4 MiB chunks (so memory holds the
// run's records once), and at Commit sorts them by key, keeps the last write of
// each key and applies them in key order in one write transaction: bbolt splits
// pages only at commit, so inserts in random order into one large transaction
// cost quadratic time, in key order they append.
//
// Layout. Bucket "records" maps model.Key.KeyBytes to the record's canonical
// encoding (model.Record.Encode). Bucket "meta" holds "hash", the 16-byte content
// hash: the lane-wise sum of model.HashOf over every stored encoding, updated in the
// same transaction as the writes (subtracting a replaced or deleted record's hash),
// and "format", the layout version. Beside keiretsu.db, projection.img
// (ProjectionFileName) is the persisted projection that serve and screen read
// instead of rebuilding it (package persist); it names the dataVersion it was
// built from, so a commit makes it stale, never wrong.
//
// Locking. A writable open takes an exclusive file lock (ingest, wipe); a
// read-only open a shared one (serve, screen, stats), so many readers can run at
// once and a writer waits for them. Open fails with store.ErrLocked after a second.
package embedded
