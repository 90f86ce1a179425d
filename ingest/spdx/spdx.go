package spdx

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/bomgraph"
)

// Name is the format's name for `keiretsu ingest --format`.
const Name = "spdx"

func init() {
	formats.Register(formats.Format{
		Name:  Name,
		About: "SPDX 2.2/2.3 JSON and SPDX 3.0 JSON-LD: packages as products, component edges from CONTAINS/DEPENDS_ON and links, sourcing from supplier/originator",
		Open: func(path string, r io.Reader, _ formats.Env) (ingest.Source, error) {
			return NewReader(path, r), nil
		},
		Detect: Detect,
	})
}

// lineKeys are the JSON keys whose values are items that errors point at.
var lineKeys = []string{"packages", "relationships", "@graph"}

// NewReader reads one SPDX document (2.x JSON or 3.0 JSON-LD) from r; name is
// the file name used in errors and, by its base name, in provenance.
func NewReader(name string, r io.Reader) ingest.Source {
	return bomgraph.NewReader(name, r, fill, lineKeys...)
}

// Detect reports whether a file's first bytes hold an SPDX 2 "spdxVersion", or
// an "@context" naming SPDX 3.
func Detect(_ string, head []byte) bool {
	if bytes.Contains(head, []byte(`"spdxVersion"`)) && bytes.Contains(head, []byte(`"SPDX-2.`)) {
		return true
	}
	return bytes.Contains(head, []byte(`"@context"`)) && bytes.Contains(head, []byte("spdx.org/rdf/3."))
}

// fill converts an SPDX document into d, by its version.
func fill(d *bomgraph.Doc, data []byte) error {
	var probe struct {
		SPDXVersion bomgraph.Text `json:"spdxVersion"`
		Context     any           `json:"@context"`
		Graph       any           `json:"@graph"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		if err := d.JSONError(err); err != nil {
			return err
		}
	}
	switch v := string(probe.SPDXVersion); {
	case strings.HasPrefix(v, "SPDX-2."):
		return fill2(d, data)
	case v != "":
		return d.Fatal("spdxVersion", "spdxVersion", "%s is not supported (SPDX-2.2, SPDX-2.3 and SPDX 3.0 JSON-LD are)", v)
	case probe.Context != nil || probe.Graph != nil:
		return fill3(d, data)
	}
	return d.Fatal("", "", "not an SPDX document (neither spdxVersion nor @context)")
}

// link says how an SPDX relationship type maps to a component edge.
type link struct {
	reverse  bool // the relationship's target is the parent
	optional bool // essential: false
}

// links2 are the SPDX 2 relationship types that put one package into another's
// bill of materials: containment, dependencies needed to build or run it, and
// linking. Development, test and provided dependencies, tools, generation,
// description, and the rest, are not component edges.
var links2 = map[string]link{
	"CONTAINS":               {},
	"CONTAINED_BY":           {reverse: true},
	"DEPENDS_ON":             {},
	"DEPENDENCY_OF":          {reverse: true},
	"BUILD_DEPENDENCY_OF":    {reverse: true},
	"RUNTIME_DEPENDENCY_OF":  {reverse: true},
	"OPTIONAL_DEPENDENCY_OF": {reverse: true, optional: true},
	"OPTIONAL_COMPONENT_OF":  {reverse: true, optional: true},
	"STATIC_LINK":            {},
	"DYNAMIC_LINK":           {},
	"HAS_PREREQUISITE":       {},
	"PREREQUISITE_FOR":       {reverse: true},
	"PACKAGE_OF":             {reverse: true},
}

// links3 are the SPDX 3 relationship types that do the same; all are stated from
// parent to child. A LifecycleScopedRelationship scoped to development or test
// is not a component edge.
var links3 = map[string]link{
	"contains":              {},
	"dependsOn":             {},
	"hasStaticLink":         {},
	"hasDynamicLink":        {},
	"hasPrerequisite":       {},
	"hasOptionalComponent":  {optional: true},
	"hasOptionalDependency": {optional: true},
}

// parseAgent reads an SPDX 2 supplier or originator: "Organization: name
// (e-mail)", "Person: name (e-mail)", or NOASSERTION / NONE (nobody: ok is
// false). A name without a prefix is taken as an organisation. A tool cannot
// supply or make a package: err says so.
func parseAgent(s string) (p bomgraph.Party, ok bool, err string) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "NOASSERTION") || strings.EqualFold(s, "NONE") {
		return p, false, ""
	}
	if kind, rest, found := strings.Cut(s, ":"); found && !strings.Contains(kind, " ") {
		switch strings.ToLower(kind) {
		case "organization":
			s = rest
		case "person":
			s, p.Person = rest, true
		case "tool":
			return p, false, "a tool is not an organisation or a person; ignored"
		}
	}
	// The contact: "(e-mail)", "<e-mail>" or "()" after the name. "HiSilicon
	// (Shanghai)" keeps its parentheses.
	s, p.Email = bomgraph.SplitContact(s)
	p.Name = s
	return p, s != "", ""
}

// productID is "purl:<purl>", else "cpe:<cpe>", else the fallback.
func productID(purl, cpe, fallback string) string {
	switch {
	case purl != "":
		return "purl:" + purl
	case cpe != "":
		return "cpe:" + cpe
	}
	return fallback
}

// displayName is "name version".
func displayName(name, version bomgraph.Text) string {
	s := strings.TrimSpace(string(name))
	if v := strings.TrimSpace(string(version)); v != "" && s != "" {
		s += " " + v
	}
	return s
}
