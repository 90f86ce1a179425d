package neo4j

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/keiretsu/keiretsu/internal/model"
)

// The graph vocabulary. Labels and relationship types cannot be Cypher
// parameters, so the per-kind queries below are written once as templates with
// the placeholders :LABEL, :SRC, :DST and :TYPE and expanded at start-up from
// this closed table only; every value still travels as a $param.
const (
	labelEntity  = "Entity"
	labelProduct = "Product"
	labelRegime  = "Regime"
)

// kindGraph says how one record kind appears in the graph: a node label, or a
// relationship type with the labels of its two ends.
type kindGraph struct {
	label    string // nodes
	relType  string // edges
	src, dst string // edge end labels
}

var graphOf = map[model.Kind]kindGraph{
	model.KindEntity:    {label: labelEntity},
	model.KindProduct:   {label: labelProduct},
	model.KindRegime:    {label: labelRegime},
	model.KindOwnership: {relType: "OWNS", src: labelEntity, dst: labelEntity},
	model.KindControl:   {relType: "CONTROLS", src: labelEntity, dst: labelEntity},
	model.KindComponent: {relType: "CONTAINS", src: labelProduct, dst: labelProduct},
	model.KindSourcing:  {relType: "SOURCED_FROM", src: labelProduct, dst: labelEntity},
	model.KindListing:   {relType: "LISTED_ON", src: labelEntity, dst: labelRegime},
	model.KindSameAs:    {relType: "SAME_AS", src: labelEntity, dst: labelEntity},
}

// nodeLabels lists the labels of record nodes, in a fixed order.
var nodeLabels = []string{labelEntity, labelProduct, labelRegime}

// Node queries (template: :LABEL). A batch first reads the nodes it touches
// (their element ids and replaced encodings, for the content hash), then creates
// the new ones and updates the others by element id: no MERGE and no read of a
// property that the same statement writes, so the planner needs no Eager.
const (
	// tmplNodeRead returns the existing nodes among ids, placeholders included.
	// Reads return one row, a list of [id, element id, encoding] (the server
	// sends one list faster than a row per node).
	tmplNodeRead = `UNWIND $ids AS id
MATCH (n:LABEL {id: id})
RETURN collect([id, elementId(n), n._rec]) AS found`

	// tmplNodeFind returns the element ids of the existing nodes among ids (the
	// ends of relationships, whose encodings the batch does not need).
	tmplNodeFind = `UNWIND $ids AS id
MATCH (n:LABEL {id: id})
RETURN collect([id, elementId(n), null]) AS found`

	// tmplNodeCreate creates record nodes from rows of property values (see
	// nodeColumns and nodeValues), PROPS being the map of the row's values. The
	// flattened identifiers vary: rows are grouped by their schemes, and PROPS
	// names them (schemes are plain lower-case names, quoted). It returns one
	// row, a list of [id, element id].
	tmplNodeCreate = `UNWIND $rows AS row
CREATE (n:LABEL PROPS)
RETURN collect([row[0], elementId(n)]) AS found`

	// tmplNodeUpdate replaces the properties of existing nodes, found by element
	// id (row[0]).
	tmplNodeUpdate = `UNWIND $rows AS row
MATCH (n)
WHERE elementId(n) = row[0]
SET n = PROPS`

	// tmplNodeMerge creates placeholders for relationship ends that no node
	// record defines. Batches of one run may be applied concurrently and share
	// such ends: MERGE on the uniquely constrained id makes one of them create
	// the node and the other find it. The ids come sorted, so concurrent
	// batches take the index locks in the same order.
	tmplNodeMerge = `UNWIND $ids AS id
MERGE (n:LABEL {id: id})
RETURN collect([id, elementId(n)]) AS found`

	// tmplNodeDelete removes node records. A node that still has relationships
	// (other records) stays as a placeholder holding only its id.
	tmplNodeDelete = `UNWIND $rows AS row
MATCH (n:LABEL)
WHERE elementId(n) = row.eid
SET n = {id: row.id}
WITH n
FOREACH (x IN CASE WHEN EXISTS { (n)--() } THEN [] ELSE [n] END | DELETE x)`

	// tmplNodeCleanup removes placeholders left without relationships.
	tmplNodeCleanup = `UNWIND $ids AS id
MATCH (n:LABEL {id: id})
WHERE n._rec IS NULL AND NOT EXISTS { (n)--() }
DELETE n`

	// tmplNodeGet reads node records by id.
	tmplNodeGet = `UNWIND $rows AS row
MATCH (n:LABEL {id: row.id})
WHERE n._rec IS NOT NULL
RETURN row.i AS i, n._rec AS rec`

	// tmplNodeMissing returns the ids with no node record.
	tmplNodeMissing = `UNWIND $ids AS id
OPTIONAL MATCH (n:LABEL {id: id})
WITH id, n
WHERE n IS NULL OR n._rec IS NULL
RETURN id`
)

// Relationship queries (template: :SRC, :DST, :TYPE). A relationship's key
// within its two ends is _k, the `from` day of the record key (open = MinDate).
// Writes find the end nodes by the element ids the batch read or created.
const (
	// tmplRelRead reads relationships by [index, start element id, end element
	// id, _k].
	tmplRelRead = `UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row[1]
MATCH (b) WHERE elementId(b) = row[2]
MATCH (a)-[r:TYPE {_k: row[3]}]->(b)
RETURN collect([row[0], elementId(r), r._rec]) AS found`

	// tmplRelCreate returns how many it created: fewer than the rows means an
	// end node it was given no longer exists.
	// The rows are the element ids of the two ends, then the property values
	// (see relColumns), PROPS being their map.
	tmplRelCreate = `UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row[0]
MATCH (b) WHERE elementId(b) = row[1]
CREATE (a)-[r:TYPE PROPS]->(b)
RETURN count(*) AS n`

	// tmplRelUpdate replaces the properties of existing relationships, found by
	// element id (row[0]).
	tmplRelUpdate = `UNWIND $rows AS row
MATCH ()-[r]->()
WHERE elementId(r) = row[0]
SET r = PROPS`

	tmplRelGet = `UNWIND $rows AS row
MATCH (:SRC {id: row.src})-[r:TYPE {_k: row.k}]->(:DST {id: row.dst})
WHERE r._rec IS NOT NULL
RETURN row.i AS i, r._rec AS rec`
)

// cypherRelDelete deletes relationships by element id (any type).
const cypherRelDelete = `UNWIND $eids AS eid
MATCH ()-[r]->()
WHERE elementId(r) = eid
DELETE r`

// nodeWriteQueries caches the create and update queries of a label and a set of
// flattened identifier schemes.
var nodeWriteQueries sync.Map // "create|update \x00 label \x00 schemes" -> string

// nodeWriteQuery returns the create (update false) or update query of label
// for rows whose flattened identifiers are schemes (a comma-separated list of
// plain lower-case names, see appendIdentifiers).
func nodeWriteQuery(update bool, label, schemes string) string {
	key := fmt.Sprint(update, "\x00", label, "\x00", schemes)
	if q, ok := nodeWriteQueries.Load(key); ok {
		return q.(string)
	}
	cols := slices.Clone(nodeColumns[label])
	if schemes != "" {
		for _, sc := range strings.Split(schemes, ",") {
			cols = append(cols, "`"+sc+"`")
		}
	}
	var q string
	if update {
		q = strings.NewReplacer("PROPS", propMap(cols, 1)).Replace(tmplNodeUpdate)
	} else {
		q = strings.NewReplacer(":LABEL", ":"+label, "PROPS", propMap(cols, 0)).Replace(tmplNodeCreate)
	}
	nodeWriteQueries.Store(key, q)
	return q
}

// nodeCypher and relCypher are the expanded queries of one kind.
type nodeCypher struct {
	read, find, merge, del, cleanup, get, missing string
}

type relCypher struct {
	read, create, update, get string
}

var (
	nodeQ = map[string]nodeCypher{}
	relQ  = map[model.Kind]relCypher{}
	// scanPage reads a page of a label's nodes, by their ids (see tmplScanPage).
	scanPage = map[string]string{}
)

// tmplScanPage reads the canonical encodings of up to $n nodes of a label
// whose id comes after $after (in the order of the uniqueness constraint's
// index) and of their outgoing relationships, in one row: the last id of the
// page (null when it is empty), the nodes' encodings (placeholders have none)
// and a list of encodings per node. Every record relationship starts at a
// record node or placeholder of one of these labels, so paging over the labels
// reads every record once.
const tmplScanPage = `MATCH (a:LABEL) WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $n
OPTIONAL MATCH (a)-[r]->() WHERE r._rec IS NOT NULL
WITH a, collect(r._rec) AS rs
RETURN max(a.id) AS last, collect(a._rec) AS nodes, collect(rs) AS rels`

func init() {
	for _, l := range nodeLabels {
		r := strings.NewReplacer(":LABEL", ":"+l)
		nodeQ[l] = nodeCypher{
			read: r.Replace(tmplNodeRead), find: r.Replace(tmplNodeFind), merge: r.Replace(tmplNodeMerge), del: r.Replace(tmplNodeDelete),
			cleanup: r.Replace(tmplNodeCleanup), get: r.Replace(tmplNodeGet), missing: r.Replace(tmplNodeMissing),
		}
		scanPage[l] = r.Replace(tmplScanPage)
	}
	for _, k := range model.Kinds {
		g := graphOf[k]
		if g.relType == "" {
			continue
		}
		r := strings.NewReplacer(":SRC", ":"+g.src, ":DST", ":"+g.dst, ":TYPE", ":"+g.relType)
		cols := relColumns(k)
		relQ[k] = relCypher{
			read: r.Replace(tmplRelRead), get: r.Replace(tmplRelGet),
			create: strings.NewReplacer("PROPS", propMap(cols, 2)).Replace(r.Replace(tmplRelCreate)),
			update: strings.NewReplacer("PROPS", propMap(cols, 1)).Replace(tmplRelUpdate),
		}
	}
}

// Bookkeeping nodes. KeiretsuMeta {id: 'meta'} holds the committed content hash
// and position and, while a run is being applied, the commit marker.
// KeiretsuLock {id: 'writer'} is the writer lease. KeiretsuReader nodes are the
// leases of running scans. KeiretsuStage nodes hold staged batches of a large
// run; KeiretsuLog nodes are the change log (the same batches, kept after apply).
const (
	// cypherLockMeta starts every transaction that changes the graph or the
	// commit state: setting a property takes the meta node's write lock, so these
	// transactions serialise, and what follows reads the latest committed state.
	cypherLockMeta = `MATCH (m:KeiretsuMeta {id: 'meta'})
SET m.gate = coalesce(m.gate, 0) + 1
WITH m
OPTIONAL MATCH (l:KeiretsuLock {id: 'writer'})
RETURN m.hash AS hash, m.position AS position, m.logFrom AS logFrom,
  m.applying AS applying, m.applyKind AS applyKind, m.applyPos AS applyPos,
  m.applyHash AS applyHash, m.applyNext AS applyNext, m.applyBatches AS applyBatches,
  m.applyLog AS applyLog,
  coalesce(l.owner = $owner, false) AS fenced,
  EXISTS { MATCH (r:KeiretsuReader) WHERE r.expires > timestamp() } AS busy`

	// cypherAnyNode tells whether any record node or placeholder exists.
	cypherAnyNode = `RETURN EXISTS { MATCH (:Entity) } OR EXISTS { MATCH (:Product) } OR EXISTS { MATCH (:Regime) } AS any`

	cypherReadMeta = `MATCH (m:KeiretsuMeta {id: 'meta'})
RETURN m.hash AS hash, m.position AS position, m.logFrom AS logFrom, m.applying AS applying`

	cypherInitMeta = `MERGE (m:KeiretsuMeta {id: 'meta'})
ON CREATE SET m.format = $format, m.hash = $zero, m.position = 0, m.logFrom = 0
RETURN m.format AS format`

	cypherMarkCommit = `MATCH (m:KeiretsuMeta {id: 'meta'})
SET m.applying = $run, m.applyKind = $kind, m.applyPos = $pos, m.applyHash = $hash,
  m.applyNext = 0, m.applyBatches = $batches, m.applyLog = $log`

	cypherFinish = `MATCH (m:KeiretsuMeta {id: 'meta'})
SET m.hash = $hash, m.position = $pos, m.logFrom = $logFrom,
  m.applying = null, m.applyKind = null, m.applyPos = null, m.applyHash = null,
  m.applyNext = null, m.applyBatches = null, m.applyLog = null
WITH m
OPTIONAL MATCH (l:KeiretsuLog) WHERE l.pos <= $logFrom
DETACH DELETE l`

	cypherStagePut = `MERGE (s:KeiretsuStage {run: $run, seq: $seq})
SET s.ops = $ops, s.n = $n, s.phase = $phase, s.part = $part`

	// cypherStageList lists the staged batches of a committed run not applied
	// yet. Batches staged by an older keiretsu have no phase and part: they are
	// one stream, applied in order.
	cypherStageList = `MATCH (s:KeiretsuStage {run: $run})
WHERE s.applied IS NULL
RETURN s.seq AS seq, coalesce(s.phase, 0) AS phase, coalesce(s.part, 0) AS part
ORDER BY seq`

	// cypherStageOps reads a staged batch ahead of the transaction that applies
	// it (staged batches do not change after the commit point).
	cypherStageOps = `MATCH (s:KeiretsuStage {run: $run, seq: $seq})
RETURN s.ops AS ops, s.applied IS NOT NULL AS applied`

	// cypherStageClaim starts the transaction that applies a staged batch. The
	// SET takes the staging node's write lock, so a second process applying
	// the same batch waits here until the first commits, then reads it applied.
	// The writer lease is read after the lock.
	cypherStageClaim = `MATCH (s:KeiretsuStage {run: $run, seq: $seq})
SET s.claims = coalesce(s.claims, 0) + 1
WITH s
OPTIONAL MATCH (l:KeiretsuLock {id: 'writer'})
RETURN s.applied IS NOT NULL AS applied, coalesce(l.owner = $owner, false) AS fenced`

	// cypherStageApplied ends the transaction that applied a staged batch: it
	// records the batch's change of the content hash and the ends of the
	// relationships it deleted (placeholders to clean up), and drops the ops
	// unless the run goes to the change log.
	cypherStageApplied = `MATCH (s:KeiretsuStage {run: $run, seq: $seq})
SET s.applied = true, s.delta = $delta, s.freed = $freed`

	cypherStageAppliedDrop = `MATCH (s:KeiretsuStage {run: $run, seq: $seq})
SET s.applied = true, s.delta = $delta, s.freed = $freed
REMOVE s.ops`

	// cypherStageFreed returns the placeholder candidates of a run's applied
	// batches.
	cypherStageFreed = `MATCH (s:KeiretsuStage {run: $run})
WHERE s.freed IS NOT NULL
RETURN s.freed AS freed`

	// cypherStageDeltas returns every batch of the run, for the last
	// transaction to check that all were applied and sum their changes.
	cypherStageDeltas = `MATCH (s:KeiretsuStage {run: $run})
RETURN s.seq AS seq, s.applied IS NOT NULL AS applied, s.delta AS delta`

	// cypherStageToLog turns the applied batches of a run into its change log.
	cypherStageToLog = `MATCH (s:KeiretsuStage {run: $run})
REMOVE s:KeiretsuStage, s.run, s.applied, s.delta, s.freed, s.claims, s.phase, s.part
SET s:KeiretsuLog, s.pos = $pos`

	cypherStageDelete = `MATCH (s:KeiretsuStage {run: $run})
DELETE s`

	// cypherStageDrop deletes staged batches of other runs (garbage of killed or
	// abandoned runs), or of one run when $run is set.
	cypherStageDrop = `MATCH (s:KeiretsuStage)
WHERE $run IS NULL OR s.run = $run
WITH s LIMIT 100
DELETE s
RETURN count(*) AS n`

	cypherLogPut = `CREATE (:KeiretsuLog {pos: $pos, seq: $seq, ops: $ops, n: $n})`

	cypherLogRead = `MATCH (l:KeiretsuLog)
WHERE l.pos > $since AND l.pos <= $pos
RETURN l.pos AS pos, l.seq AS seq, l.ops AS ops
ORDER BY pos, seq`

	// cypherLeaseTake takes the writer lease when it is free or expired (or
	// already ours); it locks the lease node before reading it.
	cypherLeaseTake = `MERGE (l:KeiretsuLock {id: 'writer'})
SET l.gate = coalesce(l.gate, 0) + 1
WITH l
WHERE l.owner IS NULL OR l.owner = $owner OR l.expires < timestamp()
SET l.owner = $owner, l.expires = timestamp() + $ttl, l.since = timestamp()
RETURN l.owner AS owner`

	cypherLeaseRenew = `MATCH (l:KeiretsuLock {id: 'writer'})
WHERE l.owner = $owner
SET l.expires = timestamp() + $ttl
RETURN count(l) AS n`

	cypherLeaseRelease = `MATCH (l:KeiretsuLock {id: 'writer'})
WHERE l.owner = $owner
SET l.owner = null, l.expires = null`

	cypherLeaseExpired = `OPTIONAL MATCH (l:KeiretsuLock {id: 'writer'})
RETURN l IS NULL OR l.owner IS NULL OR l.expires < timestamp() AS expired`

	// cypherReaderRegister registers a scan unless a commit is being applied.
	cypherReaderRegister = `MATCH (m:KeiretsuMeta {id: 'meta'})
SET m.gate = coalesce(m.gate, 0) + 1
WITH m
WHERE m.applying IS NULL
CREATE (:KeiretsuReader {id: $id, expires: timestamp() + $ttl})
RETURN m.hash AS hash, m.position AS position`

	cypherReaderRenew = `MATCH (r:KeiretsuReader {id: $id})
SET r.expires = timestamp() + $ttl
RETURN count(r) AS n`

	cypherReaderDrop = `MATCH (r:KeiretsuReader {id: $id})
DELETE r`

	cypherReadersExpire = `MATCH (r:KeiretsuReader)
WHERE r.expires < timestamp()
DELETE r`
)

// Wipe deletes in chunks: relationships of Keiretsu's types first, then
// Keiretsu's nodes (DETACH, so relationships analysts added go with them).
const (
	cypherWipeRels = `MATCH ()-[r:OWNS|CONTROLS|CONTAINS|SOURCED_FROM|LISTED_ON|SAME_AS]->()
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS n`

	cypherWipeNodes = `MATCH (n)
WHERE n:Entity OR n:Product OR n:Regime OR n:KeiretsuStage OR n:KeiretsuLog OR n:KeiretsuKV
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS n`
)

// schema is applied at Open; every statement is idempotent.
var schema = []string{
	`CREATE CONSTRAINT keiretsu_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT keiretsu_product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT keiretsu_regime_id IF NOT EXISTS FOR (n:Regime) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT keiretsu_meta_id IF NOT EXISTS FOR (n:KeiretsuMeta) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT keiretsu_lock_id IF NOT EXISTS FOR (n:KeiretsuLock) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT keiretsu_reader_id IF NOT EXISTS FOR (n:KeiretsuReader) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT keiretsu_stage_key IF NOT EXISTS FOR (n:KeiretsuStage) REQUIRE (n.run, n.seq) IS UNIQUE`,
	`CREATE INDEX keiretsu_log_pos IF NOT EXISTS FOR (n:KeiretsuLog) ON (n.pos)`,
	`CREATE CONSTRAINT keiretsu_kv_id IF NOT EXISTS FOR (n:KeiretsuKV) REQUIRE n.id IS UNIQUE`,
	`CREATE INDEX keiretsu_kv_bucket IF NOT EXISTS FOR (n:KeiretsuKV) ON (n.b, n.k)`,
}
