// Package watch follows screenings as the data and the day change (contract
// section 6.3): watches (a subject, its regimes, a day rule), the events
// recorded when a watch's screening changes, and their delivery to webhooks.
//
// Everything lives in the store's bookkeeping (store.MetaTx), so it works the
// same on both stores and is never part of the data or its dataVersion:
//
//	watch        watch number (12 digits) -> Watch (JSON)
//	watch.last   watch number -> the watch's last screening, by regime
//	event        seq (12 digits) -> the event as `keiretsu events --json` prints it
//	watch.state  "state" -> the last run and day whose events are recorded,
//	             the dataVersion screened then, the last seq and watch number
//	webhook      "at " + URL -> last delivered seq; "lease " + URL -> who delivers
//
// Recording (AfterCommit) is a sequence of steps, one per committed run and
// one per change of the UTC day, in order: the next step is run state.run+1
// (a day change first, when that run was committed on another day than the
// last one screened), else a day change when today is not state.day. A step
// screens the watches on the state it is about (the state after run k, built
// from the history when it is not the current one), compares each (watch,
// regime) with the watch's last screening and, in one bookkeeping
// transaction, writes the events and the screenings that changed and moves
// state on, but only if state is still what the step started from. So each
// step is recorded exactly once whichever process gets there first (the
// committing process right after its commit, or any process that opens the
// store after one was killed, or the other of two servers following one
// Neo4j); a process that loses the race reads state again and goes on from
// there. A step never spans two runs: a run's events are never merged into a
// later one's.
//
// Only the watches a step can affect are screened again: a run's changed
// records (its before-images in the history, and the records it wrote) name
// the nodes they touch; a watch is screened when its subject's dependencies
// (the bill of materials, the entities sourced, and everything linked to those
// by ownership, control or identity, in either direction) meet one of them.
// A run into an empty store, a day change and a run whose changes the history
// does not say screen every watch concerned.
package watch
