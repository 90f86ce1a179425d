package graph

import (
	"fmt"

	"github.com/keiretsu/keiretsu/graph/gql"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/watch"
)

var hopKinds = map[domain.Kind]gql.HopKind{
	domain.KindComponent: gql.HopKindComponent, domain.KindSourcing: gql.HopKindSourcing,
	domain.KindOwnership: gql.HopKindOwnership, domain.KindControl: gql.HopKindControl,
	domain.KindListing: gql.HopKindListing, domain.KindSameAs: gql.HopKindSameAs,
	rules.HopCriterion: gql.HopKindCriterion,
}

var bases = map[rules.Basis]gql.Basis{
	rules.BasisListed: gql.BasisListed, rules.BasisOwnership: gql.BasisOwnership,
	rules.BasisControl: gql.BasisControl, rules.BasisAffiliate: gql.BasisAffiliate,
	rules.BasisOrigin: gql.BasisOrigin,
}

func verdict(v domain.Verdict) gql.Verdict { return gql.Verdict(v.String()) }

// screening converts a rule engine answer to the GraphQL gql.
func screening(s *rules.Screening) *gql.Screening {
	out := &gql.Screening{SubjectID: s.Subject, AsOf: s.AsOf, Verdict: verdict(s.Verdict),
		DataVersion: s.Version.String(), Results: make([]*gql.RegimeResult, 0, len(s.Results)),
		Gaps: make([]*gql.Gap, 0, len(s.Gaps))}
	for _, g := range s.Gaps {
		out.Gaps = append(out.Gaps, &gql.Gap{ProductID: g.Product, Reason: g.Reason})
	}
	for _, r := range s.Results {
		res := &gql.RegimeResult{Regime: r.Regime, Verdict: verdict(r.Verdict), Findings: make([]*gql.Finding, 0, len(r.Findings))}
		for _, f := range r.Findings {
			mf := &gql.Finding{Verdict: verdict(f.Verdict), EntityID: f.Entity, ListedEntityID: f.Listed,
				Basis: bases[f.Basis], Seed: gql.SeedKind(f.Seed.String()), AggregatePercent: f.AggregatePercent, Path: make([]*gql.Hop, 0, f.Path.Len())}
			for _, h := range f.Path.All() {
				mf.Path = append(mf.Path, hop(h))
			}
			res.Findings = append(res.Findings, mf)
		}
		out.Results = append(out.Results, res)
	}
	return out
}

func hop(h rules.Hop) *gql.Hop {
	out := &gql.Hop{Kind: hopKinds[h.Kind], From: h.From, To: h.To, Key: h.Key(),
		ValidFrom: domain.OptionalDate(h.Valid.From), ValidTo: domain.OptionalDate(h.Valid.To), Site: h.SiteOrNil()}
	if h.IsCriterion() {
		out.Criterion, out.Source = true, domain.Optional(h.Criterion())
	}
	if h.Kind == domain.KindOwnership {
		if h.Share.Mode == domain.ShareExact {
			out.Percent = percent(h.Share.Min)
		} else {
			out.PercentMin, out.PercentMax = percent(h.Share.Min), percent(h.Share.Max)
		}
	}
	return out
}

func percent(u uint32) *float64 {
	p := domain.Percent(uint64(u))
	return &p
}

func convertWatch(w watch.Watch) *gql.Watch {
	regimes := w.Regimes
	if regimes == nil {
		regimes = []string{}
	}
	return &gql.Watch{ID: w.ID, Subject: w.Subject, Kind: w.Kind, Regimes: regimes, AsOf: w.AsOf}
}

// convertEvent converts an event as the store keeps it; a field the schema
// cannot carry is an error (a damaged event), not a guess.
func convertEvent(e *watch.Event) (*gql.Event, error) {
	asOf, err := domain.ParseDate(e.AsOf)
	if err != nil {
		return nil, fmt.Errorf("event %d: asOf: %w", e.Seq, err)
	}
	out := &gql.Event{Seq: e.Seq, Time: e.Time, Watch: e.Watch, Subject: e.Subject, Regime: e.Regime, AsOf: asOf,
		Kind: gql.EventKind(e.Kind), Before: gql.Verdict(e.Before), DataVersionBefore: e.DataVersionBefore,
		DataVersion: e.DataVersion, Run: e.Run, GapsOpened: nonNil(e.GapsOpened), GapsClosed: nonNil(e.GapsClosed)}
	if !out.Kind.IsValid() || !out.Before.IsValid() {
		return nil, fmt.Errorf("event %d: kind %q, before %q", e.Seq, e.Kind, e.Before)
	}
	if e.After != nil {
		a := gql.Verdict(*e.After)
		if !a.IsValid() {
			return nil, fmt.Errorf("event %d: after %q", e.Seq, *e.After)
		}
		out.After = &a
	}
	if out.FindingsAdded, err = eventFindings(e.Seq, e.FindingsAdded); err != nil {
		return nil, err
	}
	if out.FindingsRemoved, err = eventFindings(e.Seq, e.FindingsRemoved); err != nil {
		return nil, err
	}
	return out, nil
}

func eventFindings(seq int, fs []watch.EventFinding) ([]*gql.EventFinding, error) {
	out := make([]*gql.EventFinding, len(fs))
	for i, f := range fs {
		x := &gql.EventFinding{Entity: f.Entity, Verdict: gql.Verdict(f.Verdict), Basis: gql.Basis(f.Basis), ListedEntity: f.ListedEntity}
		if !x.Verdict.IsValid() || !x.Basis.IsValid() {
			return nil, fmt.Errorf("event %d: finding %+v", seq, f)
		}
		out[i] = x
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
