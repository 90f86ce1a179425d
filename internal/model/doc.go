// Package model holds Keiretsu's domain types: records (entities, products and the
// facts between them), dates and validity periods, ownership shares, verdicts and
// the sentinel errors shared by every layer. It imports nothing of ours.
//
// A Record is the unit of ingest and storage. Nodes (entities, products) are keyed
// by their id; edges by (kind, both ends, from date), exactly as the public contract
// says. Every record has one canonical binary encoding (Encode), which is what stores
// keep and what the content hash behind dataVersion is computed from, so two stores
// holding the same data report the same dataVersion.
package model
