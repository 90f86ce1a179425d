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
// Runs. A run buffers its writes, encoded, in 4 MiB chunks, up to
// Options.RunBuffer bytes (64 MiB by default). A run that fits is sorted by
// key at Commit (the last write of each key kept) and applied in key order in
// one write transaction: bbolt splits pages only at commit, so inserts in random
// order into one large transaction cost quadratic time, in key order they append.
//
// Staged runs. One bbolt transaction holds every page it touches in memory
// until it commits, so a run of any size cannot be one transaction if its
// memory is to stay bounded. A larger run is staged, in the same file, in
// transactions of at most RunBuffer bytes each, behind a commit marker:
//
//  1. Spill: each time the buffer fills, it is sorted and written as the next
//     chunk (bucket "spill", one sub-bucket per chunk, keys in order, so each
//     chunk is appended page by page).
//  2. Merge, at Commit: a k-way merge of the chunks, in key order, keeps each
//     key's last write, drops the writes that change nothing, and appends the
//     rest to bucket "stage", computing the new content hash against the
//     records (which nothing writes meanwhile).
//  3. Mark, the commit point: one transaction drops the chunks and writes the
//     marker ("staged" in meta) with the new hash and position.
//  4. Apply: the stage is written to the records in key order, in bounded
//     transactions, each noting the last key applied ("applied"); the last
//     also drops the stage and the marker.
//
// Readers see the marked stage over the records (Get looks in the stage first;
// Scan merges the two in key order; a delete in the stage hides the record),
// so every read transaction sees the state before the run (no marker) or the
// state after it (marker, stage over records partly applied, or applied): a
// stage entry and the record it was applied to say the same. A process killed
// before the marker leaves chunks or a stage that no reader looks at and the
// next writer (a writable Open, the first write of an upgradable store) drops;
// killed after it, a marked stage that readers already see as the new state
// and the next writer finishes applying (applying an op twice is applying it
// once). The content hash and position change with the marker, so the history
// (internal/history) sees the run committed exactly when readers do.
//
// Resident pages. bbolt reads through a shared, read-only memory map of the
// file, and every page a read touches stays in the process's resident set
// until the map goes: a merge, an apply or a scan of a file larger than the
// memory would end with all of it resident (file-backed, in the page cache,
// but counted in the process's memory). The store gives the pages back
// (madvise MADV_DONTNEED, Linux) after each of a staged run's transactions and
// every dropEvery bytes of a scan; rereading one is a minor fault. For the
// same reason a staged run removes its chunks one transaction each, and the
// apply removes what it applied from the stage as it goes: removing a bucket
// reads all of its pages in one transaction.
//
// Why this and not another means: an external sort into files beside the
// database would bound memory as well, but then the commit of the sorted
// run into bbolt is either one transaction again (unbounded) or several,
// which needs the same marker and overlay for atomicity; staging inside the
// database gets crash safety for every step from bbolt's own transactions and
// keeps the store one file. Pebble's batches and Badger's transactions are
// held in memory until commit as well, and their bounded bulk paths
// (ingesting sorted tables, managed mode) bring a second storage engine. The
// cost is writing a staged run three times (chunk, stage, records) and, for
// an upgradable store (serve), holding the exclusive lock from the run's
// first spill to its end, where a run that fits its buffer takes it for the
// commit only.
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
