// Package formats is the registry of feed formats that `keiretsu ingest --format`
// accepts, and their auto-detection.
package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
)

// Env is what a format needs from the run.
type Env struct {
	// RegimeKnown reports whether a regime id is loaded.
	RegimeKnown func(id string) bool
}

// Format is one feed format.
type Format struct {
	Name  string
	About string
	// Open reads the file at path (r is its content; path is "-" for stdin). Formats
	// that need sibling files (OFAC's alt.csv beside sdn.csv) find them from path.
	Open func(path string, r io.Reader, env Env) (ingest.Source, error)
	// Detect reports whether a file with this name and content is in the format
	// without doubt; nil for native, which Detect picks by IsNative. It is given
	// the file's first 4096 bytes, and a JSON document whole when no format
	// claims those, so it looks for its keys anywhere in what it is given.
	Detect func(path string, head []byte) bool
}

var registry = []Format{
	{
		Name:  "native",
		About: "Keiretsu native JSON Lines (CONTRACT.md section 2)",
		Open: func(path string, r io.Reader, env Env) (ingest.Source, error) {
			return native.NewReader(path, r, env.RegimeKnown), nil
		},
	},
}

// Register adds a format (at init time).
func Register(f Format) { registry = append(registry, f) }

// Get returns the named format.
func Get(name string) (Format, error) {
	for _, f := range registry {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown format %q (one of %s)", name, strings.Join(Names(), ", "))
}

// Names lists the formats.
func Names() []string {
	var out []string
	for _, f := range registry {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

// Detect picks the format of a file from its name and first bytes: the one
// format other than native that claims it, else native when the file looks
// like native JSON Lines (see IsNative). It returns a Format without a Name when
// no format, or more than one, claims the file.
func Detect(path string, head []byte) Format {
	found := claims(path, head)
	switch {
	case len(found) == 1:
		return found[0]
	case len(found) == 0 && IsNative(path, head):
		return registry[0]
	}
	return Format{}
}

// claims lists the formats other than native whose Detect claims a file.
func claims(path string, head []byte) []Format {
	var found []Format
	for _, f := range registry {
		if f.Detect != nil && f.Detect(path, head) {
			found = append(found, f)
		}
	}
	return found
}

// IsNative reports whether a file looks like native JSON Lines: its name ends in
// .jsonl or .ndjson, or its first line that is not blank is a JSON object with a
// "kind" member.
func IsNative(path string, head []byte) bool {
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".jsonl" || ext == ".ndjson" {
		return true
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	line, _, _ := bytes.Cut(t, []byte("\n"))
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	for rest := line; ; {
		i := bytes.Index(rest, []byte(`"kind"`))
		if i < 0 {
			return false
		}
		rest = bytes.TrimLeft(rest[i+len(`"kind"`):], " \t")
		if len(rest) > 0 && rest[0] == ':' {
			return true
		}
	}
}

var bom = []byte("\xef\xbb\xbf")

// headSize is how much of a file detection reads first; maxDetect is how much
// of a JSON document it reads when the keys that tell its format are not in the
// head (a CycloneDX BOM may state bomFormat after its components).
const (
	headSize  = 4096
	maxDetect = 256 << 20
)

// ErrUnknownFormat is returned (wrapped, naming the file) when no format
// recognises a file and none is given with --format.
var ErrUnknownFormat = errors.New("no format recognised")

// Open opens the file at path (r is its content; path is "-" for standard input)
// in the named format, or, when format is "", in the format detected from its
// name and content: the keys of a JSON document may be anywhere in it. An empty
// file opens as native and reads nothing (the run warns about it). A file that
// no format recognises is an ErrUnknownFormat that lists the --format values.
func Open(path string, r io.Reader, format string, env Env) (ingest.Source, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if format != "" {
		f, err := Get(format)
		if err != nil {
			return nil, err
		}
		return f.Open(path, br, env)
	}
	head, _ := br.Peek(headSize)
	t := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(t) == 0 && len(head) < headSize {
		return registry[0].Open(path, br, env)
	}
	if f := Detect(path, head); f.Open != nil {
		return f.Open(path, br, env)
	}
	found := claims(path, head)
	if len(found) == 0 && len(head) == headSize && (t[0] == '{' || t[0] == '[') {
		// A JSON document whose telling keys are further in: read it whole (the
		// formats of JSON documents read them whole anyway) and look again.
		data, err := io.ReadAll(io.LimitReader(br, maxDetect))
		if err != nil {
			return nil, fmt.Errorf("%s: read: %w", path, err)
		}
		if found = claims(path, data); len(found) == 1 {
			return found[0].Open(path, io.MultiReader(bytes.NewReader(data), br), env)
		}
	}
	return nil, unknown(path, t, found)
}

// unknown says why a file was not recognised and what to do.
func unknown(path string, head []byte, found []Format) error {
	if len(found) > 1 {
		var names []string
		for _, f := range found {
			names = append(names, f.Name)
		}
		return fmt.Errorf("%s: %w: it could be %s; say which with --format", path, ErrUnknownFormat, strings.Join(names, " or "))
	}
	hint := ""
	base := strings.ToLower(filepath.Base(path))
	for _, s := range siblingHints {
		if strings.HasPrefix(base, s.part) && strings.HasSuffix(base, ".csv") {
			hint = "; " + s.hint
			break
		}
	}
	what := "file"
	switch {
	case len(head) > 0 && (head[0] == '{' || head[0] == '['):
		what = "JSON file"
	case len(head) > 0 && head[0] == '<':
		what = "XML file"
	}
	return fmt.Errorf("%s: %w: the %s is none of the formats Keiretsu reads; give one with --format (%s)%s",
		path, ErrUnknownFormat, what, strings.Join(Names(), ", "), hint)
}

// siblingHints name the files that are read beside a main file, not alone.
var siblingHints = []struct{ part, hint string }{
	{"cons_alt", "cons_alt.csv is read beside cons_prim.csv: ingest cons_prim.csv"},
	{"cons_add", "cons_add.csv is read beside cons_prim.csv: ingest cons_prim.csv"},
	{"cons_comments", "cons_comments.csv is read beside cons_prim.csv: ingest cons_prim.csv"},
	{"sdn_comments", "sdn_comments.csv is read beside sdn.csv: ingest sdn.csv"},
	{"alt", "alt.csv is read beside sdn.csv: ingest sdn.csv"},
	{"add", "add.csv is read beside sdn.csv: ingest sdn.csv"},
}
