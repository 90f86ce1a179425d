package persist

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"github.com/keiretsu/keiretsu/internal/model"
)

// FormatVersion is the version of the image layout this package writes and
// reads.
const FormatVersion = 1

const (
	magic     = "KRTSPROJ"
	byteOrder = 0x01020304
	headerLen = 64
	readChunk = 1 << 20
)

// Errors of Load, each meaning the image cannot be used and the projection is
// rebuilt from the store.
var (
	// ErrStale is returned when the image was built from another dataVersion.
	ErrStale = errors.New("projection image is of another dataVersion")
	// ErrFormat is returned when the file is not an image of this format version.
	ErrFormat = errors.New("projection image is of another format")
	// ErrTruncated is returned when the file is shorter or longer than its header says.
	ErrTruncated = errors.New("projection image is truncated")
	// ErrCorrupt is returned when a checksum does not match or the arrays do
	// not make a projection.
	ErrCorrupt = errors.New("projection image is corrupt")
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Writer writes the body of an image. Its methods record the first error,
// which Err returns; after an error they do nothing.
type Writer struct {
	w   *bufio.Writer
	crc hash.Hash32
	n   uint64
	err error
}

// Err returns the first error of a write.
func (w *Writer) Err() error { return w.err }

func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	w.crc.Write(b)
	_, w.err = w.w.Write(b)
	w.n += uint64(len(b))
}

var zeros [8]byte

func (w *Writer) bytes(b []byte) {
	var l [8]byte
	binary.LittleEndian.PutUint64(l[:], uint64(len(b)))
	w.write(l[:])
	w.write(b)
	if pad := len(b) % 8; pad != 0 {
		w.write(zeros[:8-pad])
	}
}

// Uint64 writes one scalar.
func (w *Writer) Uint64(v uint64) { Put(w, []uint64{v}) }

// Put writes an array of plain values (no pointers) as their memory.
func Put[T any](w *Writer, s []T) {
	var z T
	w.bytes(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z))))
}

// Save writes an image of dataVersion version to path atomically; body
// writes its arrays.
func Save(path string, version model.Hash, body func(*Writer) error) (err error) {
	removeAbandoned(path)
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// Readable like the store's own files (CreateTemp makes them private).
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if _, err := f.Write(make([]byte, headerLen)); err != nil {
		return err
	}
	w := &Writer{w: bufio.NewWriterSize(f, 1<<20), crc: crc32.New(castagnoli)}
	if err := body(w); err != nil {
		return err
	}
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		return err
	}
	if _, err := f.WriteAt(header(version, w.n, w.crc.Sum32()), 0); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable; failing that is no reason to fail the
	// write, whose file is whole either way.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// abandonedAfter is how old a temporary file of Save's must be to be taken
// for one a killed process left: far longer than any write takes.
const abandonedAfter = time.Hour

// removeAbandoned removes the temporary files that writers killed in a write
// left beside path (a live writer's are younger).
func removeAbandoned(path string) {
	tmps, _ := filepath.Glob(path + ".*.tmp")
	for _, t := range tmps {
		if fi, err := os.Stat(t); err == nil && time.Since(fi.ModTime()) > abandonedAfter {
			os.Remove(t)
		}
	}
}

func header(version model.Hash, bodyLen uint64, crc uint32) []byte {
	h := make([]byte, headerLen)
	copy(h, magic)
	le := binary.LittleEndian
	le.PutUint32(h[8:], FormatVersion)
	le.PutUint32(h[12:], byteOrder)
	copy(h[16:32], version.Bytes())
	le.PutUint64(h[32:], bodyLen)
	le.PutUint32(h[40:], crc)
	le.PutUint32(h[44:], crc32.Checksum(h[:44], castagnoli))
	return h
}

// Info is what an image's header says.
type Info struct {
	Version model.Hash
	BodyLen uint64
	crc     uint32
}

// ReadHeader reads and checks an image's header (not its body): the errors
// are Load's, but for the body's checksum.
func ReadHeader(f io.ReaderAt, size int64) (Info, error) {
	h := make([]byte, headerLen)
	if n, err := f.ReadAt(h, 0); n < headerLen {
		if err == nil || err == io.EOF {
			return Info{}, fmt.Errorf("%w: %d bytes, no whole header", ErrTruncated, n)
		}
		return Info{}, err
	}
	le := binary.LittleEndian
	if string(h[:8]) != magic {
		return Info{}, fmt.Errorf("%w: not a projection image", ErrFormat)
	}
	if le.Uint32(h[44:]) != crc32.Checksum(h[:44], castagnoli) {
		return Info{}, fmt.Errorf("%w: header checksum", ErrCorrupt)
	}
	if v := le.Uint32(h[8:]); v != FormatVersion {
		return Info{}, fmt.Errorf("%w: format version %d, this program reads %d", ErrFormat, v, FormatVersion)
	}
	if le.Uint32(h[12:]) != byteOrder {
		return Info{}, fmt.Errorf("%w: byte order", ErrFormat)
	}
	in := Info{Version: model.HashFromBytes(h[16:32]), BodyLen: le.Uint64(h[32:]), crc: le.Uint32(h[40:])}
	if want := int64(headerLen) + int64(in.BodyLen); in.BodyLen > 1<<40 || size != want {
		return in, fmt.Errorf("%w: %d bytes, the header says %d", ErrTruncated, size, want)
	}
	return in, nil
}

// Load reads the image at path if it was built from dataVersion version,
// checking its header, length and checksum, and returns a Reader over its
// body. A missing file is an fs.ErrNotExist error.
func Load(path string, version model.Hash) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	in, err := ReadHeader(f, fi.Size())
	if err != nil {
		return nil, err
	}
	if in.Version != version {
		return nil, fmt.Errorf("%w: built from %s, the store holds %s", ErrStale, in.Version, version)
	}
	// A []uint64 backing keeps every array 8-byte aligned in memory.
	words := make([]uint64, (in.BodyLen+7)/8)
	body := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), len(words)*8)[:in.BodyLen]
	// The checksum of each chunk is taken as it is read, while it is in the
	// processor's cache.
	var crc uint32
	for off := 0; off < len(body); off += readChunk {
		chunk := body[off:min(off+readChunk, len(body))]
		if _, err := f.ReadAt(chunk, int64(headerLen+off)); err != nil {
			if err == io.EOF {
				return nil, fmt.Errorf("%w: body ends early", ErrTruncated)
			}
			return nil, err
		}
		crc = crc32.Update(crc, castagnoli, chunk)
	}
	if crc != in.crc {
		return nil, fmt.Errorf("%w: body checksum", ErrCorrupt)
	}
	return &Reader{buf: body}, nil
}

// Reader reads the arrays of an image's body in the order they were written.
// Its methods record the first error, which Err returns; after an error they
// return zero values. Arrays are views of the body, which must not be
// modified.
type Reader struct {
	buf []byte
	pos int
	err error
}

// Err returns the first error of a read.
func (r *Reader) Err() error { return r.err }

// End returns Err, or ErrCorrupt when the body holds more than was read.
func (r *Reader) End() error {
	if r.err == nil && r.pos != len(r.buf) {
		return fmt.Errorf("%w: %d bytes left over", ErrCorrupt, len(r.buf)-r.pos)
	}
	return r.err
}

// Fail records err (wrapped in ErrCorrupt) unless an error is recorded.
func (r *Reader) Fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
	}
}

func (r *Reader) bytes() []byte {
	if r.err != nil {
		return nil
	}
	if len(r.buf)-r.pos < 8 {
		r.Fail("array length at %d", r.pos)
		return nil
	}
	n := binary.LittleEndian.Uint64(r.buf[r.pos:])
	r.pos += 8
	padded := (n + 7) &^ 7
	if n > uint64(len(r.buf)-r.pos) || padded > uint64(len(r.buf)-r.pos) {
		r.Fail("array of %d bytes at %d", n, r.pos)
		return nil
	}
	b := r.buf[r.pos : r.pos+int(n) : r.pos+int(n)]
	r.pos += int(padded)
	return b
}

// Get reads an array of plain values written by Put; an empty array is nil.
func Get[T any](r *Reader) []T {
	b := r.bytes()
	var z T
	size := int(unsafe.Sizeof(z))
	if len(b)%size != 0 {
		r.Fail("array of %d bytes is not one of %d-byte values", len(b), size)
		return nil
	}
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}

// GetN reads an array that must have n values.
func GetN[T any](r *Reader, n int) []T {
	s := Get[T](r)
	if r.err == nil && len(s) != n {
		r.Fail("array of %d values, want %d", len(s), n)
		return nil
	}
	return s
}

// Uint64 reads one scalar.
func (r *Reader) Uint64() uint64 {
	if s := GetN[uint64](r, 1); s != nil {
		return s[0]
	}
	return 0
}

// NewReader returns a Reader over a copy of body without Load's checks
// (header, length, checksum): for tests of what the readers of a body check
// themselves, which is what stands between a damaged body that passed the
// checksum and a crash.
func NewReader(body []byte) *Reader {
	words := make([]uint64, (len(body)+7)/8)
	buf := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), len(words)*8)[:len(body)]
	copy(buf, body)
	return &Reader{buf: buf}
}
