package graph

import (
	"github.com/keiretsu/keiretsu/graph/gql"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
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
				Basis: bases[f.Basis], Seed: gql.SeedKind(f.Seed.String()), AggregatePercent: f.AggregatePercent, Path: make([]*gql.Hop, 0, len(f.Path))}
			for _, h := range f.Path {
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
		out.Criterion, out.Source = true, domain.Optional(h.Source)
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
