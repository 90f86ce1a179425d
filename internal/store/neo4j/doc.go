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
// marker (`applying` and its progress). KeiretsuLock {id: 'writer'} is the
// writer lease; KeiretsuReader nodes are running scans; KeiretsuStage nodes are
// staged batches; KeiretsuLog nodes are the change log.
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
//   - large run: once it outgrows SmallRun, the run stages its writes in batches
//     of Batch writes, each one :KeiretsuStage {run, seq, ops} node holding the
//     packed encodings (one small idempotent transaction per batch; nobody reads
//     them). Commit stages the rest, then sets the commit marker on the meta node
//     in one small transaction: that is the commit point. It then applies the
//     batches in order, one transaction each, which also adds the batch's change
//     to the working hash on the marker, advances the marker's progress, and
//     turns the staging node into a change-log node. A last transaction
//     publishes the hash and position and clears the marker.
//
// Applying a batch reads what exists first: the nodes the batch names (element
// id and encoding) and the relationships between existing nodes; then it creates
// or updates nodes, creates relationships between the element ids or updates
// them, and deletes. No statement uses MERGE or reads a property it writes, so
// the plans need no Eager step. The replaced and deleted encodings give the
// change of the content hash. A run that starts on an empty store (hash zero)
// keeps a Bloom filter of the relationship keys it has applied, and does not
// read relationships that cannot exist yet; a process that rolls such a run
// forward after a crash reads them all.
//
// Every transaction that changes the graph or the commit state starts by
// writing the meta node (taking its write lock, then reading it) and checks that
// its process still holds the writer lease, so a writer that lost its lease
// (paused past its expiry) cannot write, and each batch is applied exactly once
// even when two processes race to finish a commit.
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
// and ScanVersion returns its hash and position. Version and Position return
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
// staged batches themselves for a large run). The log keeps the last KeepRuns
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
