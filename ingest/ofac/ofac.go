package ofac

import (
	"bufio"
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
)

// Format names.
const (
	FormatSDN  = "ofac-sdn"
	FormatCons = "ofac-cons"
)

func init() {
	formats.Register(formats.Format{
		Name: FormatSDN,
		About: "OFAC SDN list: legacy sdn.csv (with alt.csv, add.csv, sdn_comments.csv beside it) or sdn.xml; " +
			"entities listed under US-OFAC-SDN",
		Open:   opener(listSDN),
		Detect: detector("sdn", "sdn*.xml"),
	})
	formats.Register(formats.Format{
		Name: FormatCons,
		About: "OFAC consolidated non-SDN lists: legacy cons_prim.csv (with cons_alt.csv, cons_add.csv, " +
			"cons_comments.csv beside it) or consolidated.xml; listings by program (CMIC under US-OFAC-CMIC)",
		Open:   opener(listCons),
		Detect: detector("cons_prim", "cons*.xml"),
	})
}

// opener opens a main file of the list as CSV, or as XML when its first
// character is "<".
func opener(l list) func(path string, r io.Reader, env formats.Env) (ingest.Source, error) {
	return func(path string, r io.Reader, env formats.Env) (ingest.Source, error) {
		br := bufio.NewReader(r)
		regimes := NewRegimes(env.RegimeKnown)
		head, _ := br.Peek(512)
		if isXML(head) {
			return newXMLSource(path, br, l, regimes), nil
		}
		return newCSVSource(path, br, l, regimes)
	}
}

func isXML(head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	return len(head) > 0 && head[0] == '<'
}

// legacyRow is how every row of a legacy main file starts: ent_num, then the
// quoted name.
var legacyRow = regexp.MustCompile(`^[0-9]+,"`)

var bom = []byte("\xef\xbb\xbf")

// detector claims a file by its base name (case-insensitive: it starts with
// prefix, so that date-stamped downloads such as SDN_2025-05.csv are claimed,
// and is not a sibling file) and its shape: a legacy row in a .csv file, or an
// <sdnList> document in a file matching xmlPattern (a filepath.Match pattern).
func detector(prefix, xmlPattern string) func(path string, head []byte) bool {
	return func(path string, head []byte) bool {
		base := strings.ToLower(filepath.Base(path))
		if ok, _ := filepath.Match(xmlPattern, base); ok {
			return isXML(head) && bytes.Contains(head, []byte("<sdnList"))
		}
		if strings.HasPrefix(base, prefix) && strings.HasSuffix(base, ".csv") && !strings.Contains(base, "comments") {
			return legacyRow.Match(bytes.TrimPrefix(head, bom))
		}
		return false
	}
}
