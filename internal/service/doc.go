// Package service is Keiretsu's read path. A View is one immutable state of the
// data (a projection snapshot with its rule engine and search index, the store
// of record to read records from, and a cache of the records read) with every
// read the API, the CLI and the monitors make: screenings, nodes, edges,
// regimes, search, the dataVersion. A Service owns the current View of a store:
// it opens it, rebuilds it when asked, follows other processes' commits, and
// swaps the current View atomically, so each request, holding one View, sees
// one consistent state however the data changes meanwhile.
package service
