// Package formats is the registry of feed formats that `keiretsu ingest --format`
// accepts, and their auto-detection.
package formats

import (
	"fmt"
	"io"
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
	// Detect reports whether a file with this name and first bytes is in the format
	// without doubt; nil when the format is never auto-detected.
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

// Detect picks the format of a file from its name and first bytes: the one format
// that claims it, else native.
func Detect(path string, head []byte) Format {
	var found []Format
	for _, f := range registry {
		if f.Detect != nil && f.Detect(path, head) {
			found = append(found, f)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return registry[0]
}
