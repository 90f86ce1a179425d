// Package projection is the in-memory graph the rules run on: an immutable Snapshot
// of every node and fact relevant to screening, built from a store's records and
// replaced as a whole when the data changes.
//
// Model. Entities and products are interned: each id maps to a dense uint32 index
// (separately per node kind). Each edge kind (ownership, control, same_as between
// entities; component between products; sourcing from products to entities) is a
// compressed sparse row (CSR) structure: edges sorted by (source, target), an offset
// array per source node, and a second index of edge numbers sorted by (target,
// source) for walking edges backwards. Attributes are parallel arrays indexed by
// edge number: validity dates, ownership shares, component essential flags.
// Listings are a small separate table with per-regime and per-entity indexes.
//
// Dates are dictionary-coded: every distinct from/to date in the data gets its rank
// in a sorted dictionary, stored as uint16. An asOf day D is coded as the number of
// dictionary dates <= D, which preserves every comparison exactly (see DateCode),
// so the projection answers for any day, before, inside or after the data's range.
// A store may hold at most 65,534 distinct dates.
//
// Order. Every adjacency list and the listing table are in id order of the nodes
// at their other end (not in the order records arrived), so traversals meet
// neighbours in the same order whatever the store or the order of ingest, and
// answers, down to which of two equally short paths is shown, are identical.
//
// Invariants. A Snapshot never changes after Build; readers need no locks. Nodes
// that edges reference but no record defines exist as undefined nodes (Defined
// reports false): rules treat them like any other node. Apply produces a new
// snapshot from an old one plus a batch of changes; Version is the store's content
// hash, so it changes exactly when the data does.
//
// Images. WriteImage writes a snapshot's arrays to a persisted image (the file
// format is package persist's; the order of the arrays is WriteImage's) and
// ReadImage makes a snapshot of them in place, without decoding: only the
// interners' hash tables are rebuilt, with fresh seeds. ReadImage checks that
// the arrays fit together (lengths, offsets, node numbers, date codes), so
// that no accessor can index out of range; the image's checksum stands for
// the rest. A snapshot read from an image answers exactly as one built from
// the same records. Whenever what a snapshot holds or how the builder lays it
// out changes, persist.FormatVersion must change too, so that older images
// are rebuilt.
package projection
