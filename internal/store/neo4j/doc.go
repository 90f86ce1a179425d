// Package neo4j is the store of record on Neo4j 5 (Community, Enterprise or
// Aura), through Bolt with the official Go driver: one driver per Store,
// connectivity checked and the schema applied at Open. It implements
// store.Store and store.Follower, and passes the storetest suite with no skips.
//
// # Graph model
//
// Records are the documented graph analysts query (docs/neo4j.md):
//
//   - entity, product and regime records are nodes :Entity, :Product, :Regime
//     keyed by `id` (uniqueness constraints), with their fields as properties
//     (identifiers both as the list `identifiers` of "scheme:value" strings and
//     flattened, e.g. `lei`, `uscc`, `purl`);
//   - edge records are relationships OWNS, CONTROLS, CONTAINS, SOURCED_FROM,
//     LISTED_ON and SAME_AS in their stored direction, with `from` and `to`
//     (Neo4j dates, absent when open), `source` and their own fields. An edge's
//     key is (type, its two ends, `_k`), `_k` being the `from` day of the key
//     (model.MinDate when open).
//
// Every record node and relationship also keeps `_rec`, the record's canonical
// encoding (model.Record.Encode): Scan and Get decode it, so records round-trip
// exactly and the content hash is the embedded store's for the same data. A
// node that only relationships reference (dangling references are allowed) is a
// placeholder: {id} without `_rec`, which Scan does not return. Deleting a node
// record turns its node into a placeholder while other records (relationships)
// still use it; deleting a relationship removes placeholders it leaves alone.
//
// # Bookkeeping
//
// Labels starting with Keiretsu are the store's own and never records:
// KeiretsuMeta {id: 'meta'} holds the content hash (`hash`, 16 bytes), the
// position (`position`, the number of committed runs and wipes), the start of
// the change log (`logFrom`) and, while a commit is being applied, the commit
// marker (`applying` and what the run starts from). KeiretsuLock {id:
// 'writer'} is the writer lease; KeiretsuReader nodes are running scans;
// KeiretsuStage nodes are staged batches (marked `applied`, with their `delta`
// of the content hash, once applied); KeiretsuLog nodes are the change log.
//
// # Runs
//
// Runs are serialised across processes by the writer lease: an owner and an
// expiry in server time (timestamp()), renewed every LeaseTTL/3 while the run
// lasts. Begin waits for the lease (store.ErrLocked after LockWait); a lease
// whose owner was killed expires after LeaseTTL and is taken over. Within a
// process, runs of one Store are serialised by a mutex.
//
// A run keeps its writes in memory (canonical encodings, last write of a key
// wins) and the node ids it put or deleted, for Missing. Commit then:
//
//   - small run (at most SmallRun writes): one transaction applies every write,
//     appends the run to the change log and publishes the new hash and position.
//   - large run: once it outgrows SmallRun, the run splits its writes into two
//     phases (node records, then relationships) and, within each, into Workers
//     partitions by a hash of the record key, and stages each phase and
//     partition in batches of Batch writes: :KeiretsuStage {run, seq, phase,
//     part, ops} nodes holding the packed encodings (one small idempotent
//     transaction per batch; nobody reads them). Commit stages the rest, then
//     sets the commit marker on the meta node in one small transaction: that
//     is the commit point. It then applies the node phase, then the
//     relationship phase: the partitions of a phase concurrently, one
//     transaction per batch, the batches of a partition in order. Keys of
//     different partitions are disjoint and each key's writes stay in order,
//     so the last write of a key wins as in a serial apply. A cleanup then
//     removes the placeholders that the run's deleted relationships left
//     without relationships, and a last transaction adds up the batches'
//     changes of the content hash, turns the batches into the run's change
//     log, publishes the hash and position and clears the marker.
//
// Applying a batch reads what exists first: the nodes the batch names (element
// id and encoding) and the relationships between existing nodes; then it creates
// or updates nodes, creates relationships between the element ids or updates
// them, and deletes. Values travel as lists of property values in a fixed order
// per label or type. Only placeholders are created with MERGE (on the uniquely
// constrained id, in id order): batches of both partitions may need the same
// one. Nothing else uses MERGE or reads a property it writes, so the plans need
// no Eager step. The replaced and deleted encodings give the change of the
// content hash. The applying process caches the element ids of the nodes it has
// written or read, so relationship batches do not read them again (a create
// that misses a cached node, deleted by someone else, is applied again without
// the cache). A run that starts on a store without record nodes keeps Bloom
// filters of the keys it has applied, and does not read nodes and
// relationships that cannot exist yet; a process that rolls such a run forward
// after a crash reads them all.
//
// # Loads
//
// A large run into a store with no record node (no Entity, Product or Regime
// node at Begin; Config.NoLoad turns this off) is a load: it is written
// directly instead of staged, as there is nothing a reader could lose. When it
// outgrows SmallRun it sets a marker of kind load (waiting for running scans,
// like a commit point) and one fence node per partition, then writes node
// records in batches while the run is still being read, the partitions
// concurrently; relationships are kept in memory and written at Commit, once
// every node exists. The last transaction publishes the hash and position and
// clears the marker: that is the load's commit point. The marker keeps readers
// of other processes waiting as for a staged run's apply (they see the empty
// store's version meanwhile); the loading process's own Scan and Get return the
// empty committed state. A load that fails, is rolled back or whose process
// dies is undone instead of rolled forward: by the run itself, or by the next
// process that gets the lease, which deletes every record node and
// relationship (the store had none) in chunks and clears the marker. Each
// write transaction of a load locks its partition's fence and then reads the
// writer lease, and each undo step locks every fence first, so a writer that
// lost its lease cannot commit a batch once the undo has begun. A load is not
// kept in the change log: followers reload.
//
// Every transaction that changes the commit state (a small run, the commit
// point, placeholder cleanup, the last transaction, a wipe step) starts by
// writing the meta node (taking its write lock, then reading it) and checks
// that its process still holds the writer lease, so a writer that lost its
// lease (paused past its expiry) cannot commit. A batch's apply transaction
// does not lock the meta node, so batches run concurrently; it is exactly
// once instead: it starts by writing its staging node (taking its lock) and
// reading whether it was applied, and ends by marking it applied with its
// change of the hash (and the placeholder candidates it leaves). A process
// racing to finish the same commit waits on that lock and then skips the
// batch. The writer lease is read after that lock: a process that lost it
// stops at its next batch. One that loses it during a batch's transaction may
// still apply that batch while the new holder applies others, which is
// harmless: each batch is applied once, and the new holder moves to the
// next phase only when it has seen every batch of the phase applied (waiting on
// their locks).
//
// A run killed before its commit point leaves only staging nodes: they are
// dropped by the next Begin, Wipe or Open that gets the lease. A run killed
// after it is rolled forward from the marker by the next process that gets the
// lease: Open, Begin, Wipe, or a reader waiting for the marker once the dead
// writer's lease has expired. Rollback drops the run's staging nodes.
//
// # Readers
//
// Neo4j reads are read-committed, so a long scan could see part of a run that
// commits while it runs. Scans therefore register (a KeiretsuReader node with a
// renewed expiry, created under the meta lock only when no marker is set), and
// commits (a small run's transaction, a large run's commit point, a wipe) wait
// until no scan is registered. A scan thus reads exactly one committed state,
// and ScanVersion returns its hash and position. It reads in pages, one result
// row each: per label, Config.ScanPage nodes in the order of their id (the
// uniqueness constraint's index), with their outgoing record relationships
// (a row per record cost the Go driver more than the records' decoding); pages
// shrink where nodes have many relationships and grow back after. Version and Position return
// the last published state, also while a marker is set (the previous run's, so
// `keiretsu serve` keeps its answers); Get reads in one transaction, waits while
// a marker is set and retries when the position moved under it; Changes only
// reads runs up to the published position. A scan whose registration expired
// (e.g. a process paused for longer than LeaseTTL) and saw a commit returns
// ErrScanOverlap.
//
// # Change log
//
// Each committed run leaves its writes in KeiretsuLog {pos, seq, ops} nodes (the
// staged batches themselves for a large run, so node records come before
// relationships there). The log keeps the last KeepRuns
// runs; a run of more than LogMax writes is not logged. Changes(since) returns
// store.ErrResync when the log does not reach back to since (trimmed, an
// unlogged run, or a wipe), and the caller reloads with Scan.
//
// # Wipe
//
// Wipe takes the lease, sets a marker of kind wipe, and deletes Keiretsu's
// relationships and nodes in chunks of 10,000 per transaction; the last
// transaction resets the hash to zero and restarts the change log. The position
// keeps growing, so followers get ErrResync rather than a reused position.
//
// # Caveats
//
// Commits wait for running scans, so a projection load delays ingest commits for
// its duration (not the staging). Analysts' own relationships between Keiretsu
// nodes are kept by runs but deleted by Wipe. All Cypher is in cypher.go:
// labels and relationship types come from a fixed table, every value is a
// parameter, and no query has a variable-length pattern.
package neo4j
