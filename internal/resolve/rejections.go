package resolve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/keiretsu/keiretsu/internal/model"
)

// Rejection is a person's decision that two entities are not the same: the pair
// is never proposed again.
//
// Rejections are kept in a JSON Lines file beside the store (see doc.go for why
// not in it), one object per line in the shape of a native record, so that a
// later format version with a "distinct" kind could ingest the file as it is:
//
//	{"kind":"distinct","a":"dpl:dahua-electronics","b":"fcc:dahua","reason":"...","by":"ana","date":"2025-06-01","proposal":"3f2a9c01b2d4"}
type Rejection struct {
	Pair
	Proposal string // the proposal id (PairID of the pair)
	Reason   string
	By       string
	On       model.Date // model.MinDate when not known
}

type rejectionLine struct {
	Kind     string `json:"kind"`
	A        string `json:"a"`
	B        string `json:"b"`
	Reason   string `json:"reason,omitempty"`
	By       string `json:"by,omitempty"`
	Date     string `json:"date,omitempty"`
	Proposal string `json:"proposal,omitempty"`
}

// rejectionKind is the kind field of a rejection line.
const rejectionKind = "distinct"

// AppendLine appends the rejection as one JSON line, with its newline.
func (r Rejection) AppendLine(b []byte) []byte {
	l := rejectionLine{Kind: rejectionKind, A: r.A, B: r.B, Reason: r.Reason, By: r.By, Proposal: r.Proposal}
	l.Date = r.On.String() // "" for an open date

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(l) // a struct of strings always encodes
	return append(b, buf.Bytes()...)
}

// ReadRejections reads a rejections file; name is used in errors ("file:line:
// reason"). Blank lines are skipped; a later line for the same pair wins.
func ReadRejections(name string, r io.Reader) ([]Rejection, error) {
	var out []Rejection
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var l rejectionLine
		dec := json.NewDecoder(bytes.NewReader(text))
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("%s:%d: malformed JSON: %v", name, line, err)
		}
		if l.Kind != rejectionKind {
			return nil, fmt.Errorf("%s:%d: field kind: %q is not %q", name, line, l.Kind, rejectionKind)
		}
		if l.A == "" || l.B == "" || l.A == l.B {
			return nil, fmt.Errorf("%s:%d: field a, b: two different entity ids are required", name, line)
		}
		rej := Rejection{Pair: MakePair(l.A, l.B), Proposal: l.Proposal, Reason: l.Reason, By: l.By, On: model.MinDate}
		if l.Date != "" {
			d, err := model.ParseDate(l.Date)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: field date: %q is not a valid YYYY-MM-DD date", name, line, l.Date)
			}
			rej.On = d
		}
		out = append(out, rej)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	return out, nil
}

// RejectedPairs returns the pairs of the rejections.
func RejectedPairs(rs []Rejection) []Pair {
	out := make([]Pair, len(rs))
	for i, r := range rs {
		out[i] = r.Pair
	}
	return out
}
