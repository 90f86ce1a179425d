// Package persist is the file format of a persisted projection: an image of a
// projection snapshot and its search index, written beside the data so that a
// process starting over an unchanged store reads it instead of rebuilding the
// projection from every stored record.
//
// File layout (all integers little-endian; the byte-order mark refuses a file
// written on a big-endian machine):
//
//	offset size  field
//	0      8     magic "KRTSPROJ"
//	8      4     format version (FormatVersion)
//	12     4     byte-order mark 0x01020304
//	16     16    dataVersion of the records the image was built from (model.Hash)
//	32     8     body length in bytes
//	40     4     CRC-32C (Castagnoli) of the body
//	44     4     CRC-32C of bytes 0..44 (the header above)
//	48     16    zero
//	64     ...   body
//
// The body is a sequence of arrays, each an 8-byte length in bytes followed by
// the array's bytes, padded with zeros to a multiple of 8, so every array
// starts 8-byte aligned and is used in place after the file is read (no
// decoding: an array of uint32 in the file is the []uint32 in memory). What the
// arrays are and in which order is the writer's code: projection.Snapshot's
// WriteImage then search.Index's WriteImage (see those); scalars are arrays of
// one uint64.
//
// Invariants. An image is used only for the dataVersion in its header: Load
// refuses another (ErrStale) before reading the body. It is used only when
// its format version is this package's (ErrFormat), its length is the one
// the header gives (ErrTruncated) and both checksums match (ErrCorrupt).
// Every such refusal means the caller rebuilds from the store: a bad image
// costs a rebuild, never a wrong answer. FormatVersion must change whenever
// what a writer writes, or what a snapshot built from the same records holds,
// changes.
//
// Writes are atomic: Save writes a temporary file in the same directory,
// syncs it and renames it over the image, so readers see the old image or the
// new one, never a mixture. Several processes may write the same path; the
// last rename wins, and each image is whole.
package persist
