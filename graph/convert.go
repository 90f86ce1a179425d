package graph

import (
	"github.com/keiretsu/keiretsu/graph/model"
	domain "github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

var hopKinds = map[domain.Kind]model.HopKind{
	domain.KindComponent: model.HopKindComponent, domain.KindSourcing: model.HopKindSourcing,
	domain.KindOwnership: model.HopKindOwnership, domain.KindControl: model.HopKindControl,
	domain.KindListing: model.HopKindListing, domain.KindSameAs: model.HopKindSameAs,
}

var bases = map[rules.Basis]model.Basis{
	rules.BasisListed: model.BasisListed, rules.BasisOwnership: model.BasisOwnership,
	rules.BasisControl: model.BasisControl, rules.BasisAffiliate: model.BasisAffiliate,
}

func verdict(v domain.Verdict) model.Verdict { return model.Verdict(v.String()) }

// screening converts a rule engine answer to the GraphQL model.
func screening(s *rules.Screening) *model.Screening {
	out := &model.Screening{SubjectID: s.Subject, AsOf: s.AsOf, Verdict: verdict(s.Verdict),
		DataVersion: s.Version.String(), Results: make([]*model.RegimeResult, 0, len(s.Results)),
		Gaps: make([]*model.Gap, 0, len(s.Gaps))}
	for _, g := range s.Gaps {
		out.Gaps = append(out.Gaps, &model.Gap{ProductID: g.Product, Reason: g.Reason})
	}
	for _, r := range s.Results {
		res := &model.RegimeResult{Regime: r.Regime, Verdict: verdict(r.Verdict), Findings: make([]*model.Finding, 0, len(r.Findings))}
		for _, f := range r.Findings {
			mf := &model.Finding{Verdict: verdict(f.Verdict), EntityID: f.Entity, ListedEntityID: f.Listed,
				Basis: bases[f.Basis], AggregatePercent: f.AggregatePercent, Path: make([]*model.Hop, 0, len(f.Path))}
			for _, h := range f.Path {
				mf.Path = append(mf.Path, hop(h))
			}
			res.Findings = append(res.Findings, mf)
		}
		out.Results = append(out.Results, res)
	}
	return out
}

func hop(h rules.Hop) *model.Hop {
	out := &model.Hop{Kind: hopKinds[h.Kind], From: h.From, To: h.To, Key: h.Key(),
		ValidFrom: domain.OptionalDate(h.Valid.From), ValidTo: domain.OptionalDate(h.Valid.To)}
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
