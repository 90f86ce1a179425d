// Package service is Keiretsu's read path. A View is one immutable state of the
// data (a projection snapshot with its rule engine and search index, the store
// of record to read records from, and a cache of the records read) with every
// read the API, the CLI and the monitors make: screenings, nodes, edges,
// regimes, search, the dataVersion. A Service owns the current View of a store:
// it opens it, rebuilds it when asked, follows other processes' commits, and
// swaps the current View atomically, so each request, holding one View, sees
// one consistent state however the data changes meanwhile.
//
// With Options.ProjectionFile, Open reads the first View's projection and
// search index from that file (package persist) when the file was built from
// the store's current dataVersion, and otherwise builds them from the store;
// a writer goroutine then writes the current View's image whenever the
// current View changes (after a Reload, a Refresh or a followed change),
// atomically and off the request path. An image is only ever used for the
// dataVersion it names, so a commit by any process makes it stale (rebuilt),
// never wrong. Close stops the writer.
package service
