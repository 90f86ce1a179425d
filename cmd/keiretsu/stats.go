package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/keiretsu/keiretsu/internal/resolve"
)

func runStats(ctx context.Context, args []string) error {
	c := newFlags("stats", "stats [STORE] [--json] [--rejections FILE]",
		"Counts entities, products and each kind of edge, listings per regime, the proposals of\n"+
			"keiretsu resolve waiting for a person (scoring at least the default --min-score), and the dataVersion.")
	c.defaultLevel = "warn"
	asJSON := c.fs.Bool("json", false, "print one JSON object")
	rejPath := c.fs.String("rejections", "", "rejections file of keiretsu resolve (same default)")
	noProposals := c.fs.Bool("no-proposals", false, "skip counting proposals (the slowest part on large stores); proposalsWaiting is then -1")
	if err := c.parse(args); err != nil {
		return err
	}
	if err := c.onlyStore(); err != nil {
		return err
	}
	log, st, err := c.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := openService(ctx, st, "", log)
	if err != nil {
		return err
	}
	defer svc.Close()
	view := svc.View()
	snap := view.Engine().Snapshot()
	ps := snap.Stats()
	defined := func(n int, def func(uint32) bool) int {
		c := 0
		for i := range uint32(n) {
			if def(i) {
				c++
			}
		}
		return c
	}
	perRegime := map[string]int{}
	for i := range uint32(snap.Lists.Len()) {
		perRegime[snap.RegimeID(snap.Lists.Regime[i])]++
	}
	proposals := -1
	if !*noProposals {
		w, err := waiting(ctx, st, c.rejectionsPath(*rejPath), resolve.DefaultMinScore, log)
		if err != nil {
			return err
		}
		proposals = len(w.list)
	}
	out := map[string]any{
		"store":       st.Describe(),
		"dataVersion": view.Version(),
		"entities":    defined(ps.Entities, snap.EntityDefined),
		"products":    defined(ps.Products, snap.ProductDefined),
		"undefinedIds": map[string]int{
			"entities": ps.Entities - defined(ps.Entities, snap.EntityDefined),
			"products": ps.Products - defined(ps.Products, snap.ProductDefined),
		},
		"edges": map[string]int{
			"ownership": ps.Ownership, "control": ps.Control, "component": ps.Component,
			"sourcing": ps.Sourcing, "listing": ps.Listing, "same_as": ps.SameAs,
		},
		"listings":         perRegime,
		"regimes":          len(view.Regimes()),
		"projectionBytes":  ps.Bytes,
		"proposalsWaiting": proposals,
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "store        %s\ndataVersion  %s\nentities     %d\nproducts     %d\n", out["store"], out["dataVersion"], out["entities"], out["products"])
	fmt.Fprintf(stdout, "edges        ownership %d, control %d, component %d, sourcing %d, listing %d, same_as %d\n",
		ps.Ownership, ps.Control, ps.Component, ps.Sourcing, ps.Listing, ps.SameAs)
	if proposals >= 0 {
		fmt.Fprintf(stdout, "proposals    %d waiting (keiretsu resolve)\n", proposals)
	}
	ids := make([]string, 0, len(perRegime))
	for id := range perRegime {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		fmt.Fprintf(stdout, "listings     %-18s %d\n", id, perRegime[id])
	}
	return nil
}
