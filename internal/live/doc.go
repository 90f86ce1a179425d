// Package live carries writes to the process that holds an embedded store
// (serve), so that ingest, resolve --accept and wipe work while it serves:
// the run goes to that process over a unix socket in the store's directory, is
// committed there by the same code a local run uses, and the server swaps its
// view to the new data.
//
// Protocol. One connection is one request. Every message is a frame: one type
// byte, the payload's length (uvarint) and the payload. The client sends a
// request (JSON), the server answers hello (JSON: what the client's parsers
// need to know of the store), then the client streams the operations it parses
// from its files, one source after another (an operation in the store's record
// encoding; a warning, a bad line or a fatal read error as JSON or text; the
// end of each source), and the end of the stream; the server answers with the
// result (JSON: the run's summary or its error, as the local run would print
// them) as soon as the run is decided, which may be before the stream ends
// (a bad line fails the run at once). A connection that ends before the end of
// the stream abandons the run: nothing of it is written.
//
// Why parsed operations rather than the raw files: the parsers, their format
// detection and their progress bar stay in the client, which reads its own
// files (paths relative to its directory, stdin); the server holds the run once,
// encoded, exactly as a local run holds it, and the client holds nothing but
// the frame being sent, so a big run is never held twice.
//
// Access. The socket lies in a directory of its own inside the store
// directory, with owner-only permissions (0700, the socket 0600), and on Linux
// the server also checks that the peer runs as the same user.
package live
