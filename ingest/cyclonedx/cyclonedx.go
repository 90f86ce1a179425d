package cyclonedx

import (
	"bytes"
	"io"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/bomgraph"
)

// Name is the format's name for `keiretsu ingest --format`.
const Name = "cyclonedx"

func init() {
	formats.Register(formats.Format{
		Name:  Name,
		About: "CycloneDX JSON BOM 1.2-1.6 (software, hardware, SaaS): products, component edges, sourcing from supplier/manufacturer",
		Open: func(path string, r io.Reader, _ formats.Env) (ingest.Source, error) {
			return NewReader(path, r), nil
		},
		Detect: Detect,
	})
}

// NewReader reads one CycloneDX JSON document from r; name is the file name
// used in errors and, by its base name, in provenance.
func NewReader(name string, r io.Reader) ingest.Source {
	return bomgraph.NewReader(name, r, fill, lineKeys...)
}

// Detect reports whether a file's first bytes hold "bomFormat": "CycloneDX".
func Detect(_ string, head []byte) bool {
	return hasStringMember(head, "bomFormat", "CycloneDX")
}

// hasStringMember reports whether head contains "key" : "value" (with any space
// around the colon).
func hasStringMember(head []byte, key, value string) bool {
	k := []byte(`"` + key + `"`)
	for {
		i := bytes.Index(head, k)
		if i < 0 {
			return false
		}
		head = head[i+len(k):]
		rest := bytes.TrimLeft(head, " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			rest = bytes.TrimLeft(rest[1:], " \t\r\n")
			if bytes.HasPrefix(rest, []byte(`"`+value+`"`)) {
				return true
			}
		}
	}
}
