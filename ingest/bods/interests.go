package bods

import (
	"fmt"
	"math"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

// interestClass is what an interest type means to the rules.
type interestClass uint8

const (
	classShares  interestClass = iota + 1 // shareholding
	classVotes                            // voting rights
	classUnknown                          // no type, unknown or unpublished interest
	classControl                          // any other interest
)

// controlBasis maps interest types (lower-cased, without dashes and underscores,
// so that 0.2 "appointment-of-board" and 0.4 "appointmentOfBoard" agree) to the
// basis of their control edge. Types not listed are control with basis other.
var controlBasis = map[string]string{
	"appointmentofboard": "board", "boardmember": "board", "boardchair": "board",
	"otherinfluenceorcontrol": "dominant_influence", "otherinfluenceorcontroloftrust": "dominant_influence",
	"controlviacompanyrulesorarticles": "dominant_influence", "controlbylegalframework": "dominant_influence",
	"rightsgrantedbycontract": "agreement", "conditionalrightsgrantedbycontract": "agreement",
}

func classify(typ string) (interestClass, string) {
	k := strings.ToLower(strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.TrimSpace(typ)))
	switch k {
	case "shareholding":
		return classShares, ""
	case "votingrights":
		return classVotes, ""
	case "", "unknowninterest", "unpublishedinterest":
		return classUnknown, ""
	}
	if b, ok := controlBasis[k]; ok {
		return classControl, b
	}
	return classControl, "other"
}

// parsed is one interest read and classified.
type parsed struct {
	class    interestClass
	basis    string
	share    model.Share
	hasShare bool
	valid    model.Period
	indirect bool
}

// edges returns the edges of one relationship statement, with the periods its
// interests give; false when the statement is invalid (the error is reported).
func (p *processor) edges(st *stmt) ([]model.Record, bool) {
	stats := &p.src.stats
	if st.partyUnspecified {
		stats.UnspecifiedParty++
		return nil, true
	}
	src, dst := p.nodeID(st, st.party), p.nodeID(st, st.subject)
	field := "interests"
	if st.v04 {
		field = "recordDetails.interests"
	}
	var ins []parsed
	for i := range st.interests {
		in, err := parseInterest(&st.interests[i], fmt.Sprintf("%s[%d]", field, i))
		if err != nil {
			p.fail(st.item, err)
			return nil, false
		}
		in.indirect = st.indirect(&st.interests[i])
		ins = append(ins, in)
	}
	if len(ins) == 0 {
		// A party with an interest of unknown nature.
		ins = append(ins, parsed{class: classUnknown, share: model.UnknownShare, valid: model.Always, indirect: len(st.components) > 0})
	}
	chain := -1 // unknown yet
	chainPresent := func() bool {
		if chain < 0 {
			chain = 0
			if p.chainPresent(st, src, dst) {
				chain = 1
			}
		}
		return chain == 1
	}

	var out []model.Record
	edge := func(kind model.Kind, in parsed, share model.Share, basis string) {
		r := model.Record{Kind: kind, Src: src, Dst: dst, Valid: in.valid, Share: share, Basis: basis,
			Source: p.src.base + "#" + st.id}
		out = append(out, r)
	}
	for _, indirect := range []bool{false, true} {
		var shares, votes, unknown []parsed
		for _, in := range ins {
			if in.indirect != indirect {
				continue
			}
			switch in.class {
			case classShares:
				shares = append(shares, in)
			case classVotes:
				votes = append(votes, in)
			case classUnknown:
				unknown = append(unknown, in)
			case classControl:
				edge(model.KindControl, in, model.Share{}, in.basis)
			}
		}
		// Voting rights are ownership only without a shareholding; beside one they
		// are control when a majority, else left out (never summed with shares).
		owns := shares
		if len(owns) == 0 {
			owns, votes = votes, nil
		}
		for _, v := range votes {
			if v.hasShare && v.share.Min > model.ShareFromPercent(50) {
				edge(model.KindControl, v, model.Share{}, "voting")
			} else {
				stats.Dropped++
			}
		}
		// An interest of unknown nature is an unknown share, unless a share is known.
		if len(owns) == 0 {
			owns = unknown
		} else {
			stats.Dropped += len(unknown)
		}
		for _, in := range owns {
			if !indirect {
				edge(model.KindOwnership, in, in.share, "")
				continue
			}
			if chainPresent() {
				stats.IndirectSkipped++
				continue
			}
			stats.IndirectOnly++
			share := model.UnknownShare
			if in.hasShare {
				share = model.Share{Min: 0, Max: in.share.Max, Mode: model.ShareRange}
			}
			edge(model.KindOwnership, in, share, "")
		}
	}
	return mergeControl(out), true
}

// empty reports whether a period holds on no day.
func empty(v model.Period) bool {
	return v.To == model.MinDate || v.From != model.MinDate && v.To != model.MaxDate && v.From >= v.To
}

// history proposes r, ending at cutoff at the latest, unless that leaves nothing.
func (p *processor) history(r model.Record, pos int, scope string, cutoff model.Date) {
	r.Valid.To = min(r.Valid.To, cutoff)
	if empty(r.Valid) {
		p.src.stats.Superseded++
		return
	}
	p.propose(candidate{rec: r, pos: pos, scope: scope})
}

// basisRank orders control bases, strongest first.
var basisRank = map[string]int{"voting": 0, "board": 1, "dominant_influence": 2, "agreement": 3, "consolidation": 4, "de_facto": 5, "other": 6}

// mergeControl merges the control edges of one statement that share a key (an edge
// key has no basis: a party has one control edge per start date): the merged edge
// has the strongest basis and holds as long as any of them.
func mergeControl(out []model.Record) []model.Record {
	at := map[model.Key]int{}
	merged := out[:0]
	for _, r := range out {
		if r.Kind != model.KindControl {
			merged = append(merged, r)
			continue
		}
		k := r.Key()
		i, ok := at[k]
		if !ok {
			at[k] = len(merged)
			merged = append(merged, r)
			continue
		}
		m := &merged[i]
		if basisRank[r.Basis] < basisRank[m.Basis] {
			m.Basis = r.Basis
		}
		m.Valid.To = max(m.Valid.To, r.Valid.To)
	}
	return merged
}

// maxChainHops bounds the search for a chain of direct statements.
const maxChainHops = 16

// chainPresent reports whether the direct statements an indirect statement
// summarises are in the file: a relationship named in its component list, or a
// path of at least two direct links from the party to the subject.
func (p *processor) chainPresent(st *stmt, src, dst string) bool {
	for _, c := range st.components {
		if c != st.groupID() && p.relIDs[c] {
			return true
		}
	}
	seen := map[string]bool{src: true}
	frontier := []string{src}
	for hops := 1; hops <= maxChainHops && len(frontier) > 0; hops++ {
		var next []string
		for _, n := range frontier {
			for _, m := range p.direct[n] {
				if m == dst {
					if hops >= 2 {
						return true
					}
					continue
				}
				if !seen[m] {
					seen[m] = true
					next = append(next, m)
				}
			}
		}
		frontier = next
	}
	return false
}

// parseInterest reads an interest's dates and share; field names it in errors.
func parseInterest(in *rawInterest, field string) (parsed, error) {
	out := parsed{valid: model.Always, share: model.UnknownShare}
	out.class, out.basis = classify(in.Type)
	var err error
	if out.valid.From, err = parseDay(in.StartDate, false); err != nil {
		return out, fieldErr(field+".startDate", "%w", err)
	}
	if out.valid.To, err = parseDay(in.EndDate, true); err != nil {
		return out, fieldErr(field+".endDate", "%w", err)
	}
	if out.valid.From != model.MinDate && out.valid.To != model.MaxDate && out.valid.From >= out.valid.To {
		return out, fieldErr(field+".endDate", "%s is not after startDate %s", out.valid.To, out.valid.From)
	}
	if in.Share != nil {
		out.share, out.hasShare, err = parseShare(in.Share)
		if err != nil {
			return out, fieldErr(field+".share", "%w", err)
		}
	}
	return out, nil
}

// parseShare maps a BODS share: exact, else a range whose exclusive bounds move one
// unit (a millionth of a percent) inwards. A share with none of them is unknown.
func parseShare(s *rawShare) (model.Share, bool, error) {
	for _, v := range []struct {
		name string
		p    *float64
	}{{"exact", s.Exact}, {"minimum", s.Minimum}, {"maximum", s.Maximum}, {"exclusiveMinimum", s.ExclusiveMinimum}, {"exclusiveMaximum", s.ExclusiveMaximum}} {
		if v.p != nil && (math.IsNaN(*v.p) || *v.p < 0 || *v.p > 100) {
			return model.Share{}, false, fmt.Errorf("%s %v is outside 0..100", v.name, *v.p)
		}
	}
	if s.Exact != nil {
		return model.Exact(*s.Exact), true, nil
	}
	if s.Minimum == nil && s.Maximum == nil && s.ExclusiveMinimum == nil && s.ExclusiveMaximum == nil {
		return model.UnknownShare, false, nil
	}
	lo, hi := int64(0), int64(model.Whole)
	if s.Minimum != nil {
		lo = int64(model.ShareFromPercent(*s.Minimum))
	}
	if s.ExclusiveMinimum != nil {
		lo = max(lo, int64(model.ShareFromPercent(*s.ExclusiveMinimum))+1)
	}
	if s.Maximum != nil {
		hi = int64(model.ShareFromPercent(*s.Maximum))
	}
	if s.ExclusiveMaximum != nil {
		hi = min(hi, int64(model.ShareFromPercent(*s.ExclusiveMaximum))-1)
	}
	if lo > hi {
		return model.Share{}, false, fmt.Errorf("the range is empty (minimum above maximum)")
	}
	return model.Share{Min: uint32(lo), Max: uint32(hi), Mode: model.ShareRange}, true, nil
}

// parseDay reads a BODS date: YYYY-MM-DD, a date-time (its date), or a partial date
// YYYY-MM or YYYY. A partial start is the first day of its period; a partial end
// the day after its period, so the fact holds through the whole of it. Empty gives
// the open bound.
func parseDay(v string, end bool) (model.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		if end {
			return model.MaxDate, nil
		}
		return model.MinDate, nil
	}
	switch {
	case len(v) >= 10 && (len(v) == 10 || v[10] == 'T' || v[10] == ' '):
		d, err := model.ParseDate(v[:10])
		if err != nil {
			return 0, fmt.Errorf("%q is not a valid date", v)
		}
		return d, nil
	case len(v) == 7 && v[4] == '-':
		d, err := model.ParseDate(v + "-01")
		if err != nil {
			return 0, fmt.Errorf("%q is not a valid date", v)
		}
		if end {
			d = model.DateOf(d.Time().AddDate(0, 1, 0))
		}
		return d, nil
	case len(v) == 4:
		d, err := model.ParseDate(v + "-01-01")
		if err != nil {
			return 0, fmt.Errorf("%q is not a valid date", v)
		}
		if end {
			d = model.DateOf(d.Time().AddDate(1, 0, 0))
		}
		return d, nil
	}
	return 0, fmt.Errorf("%q is not a valid date", v)
}
