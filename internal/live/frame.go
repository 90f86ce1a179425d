package live

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Frame types.
const (
	frameRequest = 'Q' // client: Request (JSON)
	frameHello   = 'H' // server: Hello (JSON)
	frameOp      = 'O' // client: flags byte, line (uvarint), record encoding
	frameWarning = 'W' // client: *ingest.Warning (JSON)
	frameBadLine = 'E' // client: *ingest.LineError (JSON)
	frameFatal   = 'F' // client: a read error's text
	frameEOF     = 'N' // client: the current source ends
	frameEnd     = 'Z' // client: the stream ends
	frameResult  = 'R' // server: Result (JSON)
)

// maxFrame bounds a frame's payload (a record, a request with its extra
// records): a peer announcing more is broken.
const maxFrame = 256 << 20

var errFrame = errors.New("live: malformed frame")

func writeFrame(w *bufio.Writer, typ byte, payload []byte) error {
	if err := w.WriteByte(typ); err != nil {
		return err
	}
	var n [binary.MaxVarintLen64]byte
	if _, err := w.Write(n[:binary.PutUvarint(n[:], uint64(len(payload)))]); err != nil {
		return err
	}
	_, err := w.Write(payload)
	return err
}

func writeJSON(w *bufio.Writer, typ byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeFrame(w, typ, b)
}

// readFrame reads one frame into buf (grown as needed) and returns its type
// and payload.
func readFrame(r *bufio.Reader, buf []byte) (byte, []byte, error) {
	typ, err := r.ReadByte()
	if err != nil {
		return 0, nil, err
	}
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return 0, nil, unexpected(err)
	}
	if n > maxFrame {
		return 0, nil, fmt.Errorf("%w: %d bytes", errFrame, n)
	}
	if uint64(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		return 0, nil, unexpected(err)
	}
	return typ, buf, nil
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func readJSON(r *bufio.Reader, want byte, v any) error {
	typ, b, err := readFrame(r, nil)
	if err != nil {
		return err
	}
	if typ != want {
		return fmt.Errorf("%w: got %q, want %q", errFrame, typ, want)
	}
	return json.Unmarshal(b, v)
}
