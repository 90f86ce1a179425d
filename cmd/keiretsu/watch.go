package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/watch"
)

// subjects collects --product and --entity flags in the order given.
type subjects struct {
	kind string
	list *[]watch.Spec
}

func (s subjects) String() string { return "" }

func (s subjects) Set(id string) error {
	if id == "" {
		return fmt.Errorf("empty %s id", s.kind)
	}
	*s.list = append(*s.list, watch.Spec{Kind: s.kind, Subject: id})
	return nil
}

// repeated collects a repeatable string flag.
type repeated []string

func (r *repeated) String() string { return strings.Join(*r, ",") }

func (r *repeated) Set(v string) error {
	*r = append(*r, v)
	return nil
}

// eventsLater returns err, but nil for a run that committed and whose events
// were not recorded (load.ErrEvents), which it logs: the next process that
// records events (keiretsu events, watch, serve, the next run) records them.
func eventsLater(log zerolog.Logger, err error) error {
	if errors.Is(err, load.ErrEvents) {
		log.Warn().Err(err).Msg("run committed; its events are recorded later")
		return nil
	}
	return err
}

func runWatch(ctx context.Context, args []string) error {
	c := newFlags("watch", "watch [STORE] add (--product ID | --entity ID)... [--regime R]... [--as-of today|YYYY-MM-DD] | watch [STORE] list [--json] | watch [STORE] remove ID...",
		"Keeps watches in the store: after every committed run, and for --as-of today watches after each change of\n"+
			"the UTC day, each watch is screened again and every change of its screening is an event (keiretsu events).")
	var specs []watch.Spec
	c.fs.Var(subjects{watch.KindProduct, &specs}, "product", "add: watch this product (repeatable: one watch each)")
	c.fs.Var(subjects{watch.KindEntity, &specs}, "entity", "add: watch this entity (repeatable: one watch each)")
	var regimes repeated
	c.fs.Var(&regimes, "regime", "add: screen under this regime (repeatable; default: the default regimes at each screening)")
	asOf := c.fs.String("as-of", watch.Today, "add: the day screened, today (the current UTC day at each screening) or YYYY-MM-DD")
	asJSON := c.fs.Bool("json", false, "list: print a JSON array")
	if err := c.parse(args); err != nil {
		return err
	}
	sub := -1
	for i, p := range c.positionals[:min(2, len(c.positionals))] {
		if p == "add" || p == "list" || p == "remove" {
			sub = i
			break
		}
	}
	if sub < 0 {
		return errors.New("give add, list or remove (see keiretsu watch --help)")
	}
	verb, rest := c.positionals[sub], c.positionals[sub+1:]
	if sub == 1 {
		c.store = c.positionals[0]
	}
	log, st, err := c.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	opt := watch.Options{Log: log}
	if err := watch.AfterCommit(ctx, st, opt); err != nil {
		return err
	}
	switch verb {
	case "add":
		if len(rest) > 0 {
			return errors.New("unexpected arguments: " + rest[0])
		}
		if len(specs) == 0 {
			return errors.New("give --product ID or --entity ID at least once")
		}
		for i := range specs {
			specs[i].Regimes, specs[i].AsOf = slices.Clone(regimes), *asOf
		}
		ws, err := watch.Add(ctx, st, specs, opt)
		if err != nil {
			return err
		}
		for _, w := range ws {
			fmt.Println(w.ID)
		}
	case "list":
		if len(rest) > 0 {
			return errors.New("unexpected arguments: " + rest[0])
		}
		return listWatches(ctx, st, *asJSON)
	case "remove":
		if len(rest) == 0 {
			return errors.New("give the ids of the watches to remove")
		}
		if err := watch.Remove(ctx, st, rest); err != nil {
			return err
		}
		fmt.Printf("removed %d watches\n", len(rest))
	}
	return nil
}

func listWatches(ctx context.Context, st store.Store, asJSON bool) error {
	ws, err := watch.List(ctx, st)
	if err != nil {
		return err
	}
	if asJSON {
		b, err := json.Marshal(ws)
		if err != nil {
			return err
		}
		fmt.Println(string(b))
		return nil
	}
	for _, w := range ws {
		rs := "default regimes"
		if len(w.Regimes) > 0 {
			rs = strings.Join(w.Regimes, ",")
		}
		fmt.Printf("%s %s %s as of %s under %s\n", w.ID, w.Kind, w.Subject, w.AsOf, rs)
	}
	return nil
}

func runEvents(ctx context.Context, args []string) error {
	c := newFlags("events", "events [STORE] [--since SEQ] [--json]",
		"Prints the events of the watches with seq > SEQ, oldest first (recording first those a run or a day change lacks).")
	since := c.fs.Int("since", 0, "print the events after this seq")
	asJSON := c.fs.Bool("json", false, "print a JSON array of event objects")
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
	if err := watch.AfterCommit(ctx, st, watch.Options{Log: log}); err != nil {
		return err
	}
	evs, err := watch.Events(ctx, st, *since, -1)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.Marshal(evs)
		if err != nil {
			return err
		}
		fmt.Println(string(b))
		return nil
	}
	for _, raw := range evs {
		e, err := watch.Decode(raw)
		if err != nil {
			return err
		}
		after, run := "-", "day"
		if e.After != nil {
			after = *e.After
		}
		if e.Run != nil {
			run = "run " + strconv.Itoa(*e.Run)
		}
		fmt.Printf("%d %s %s %s %s %s %s -> %s (%s, as of %s) +%d -%d findings, +%d -%d gaps\n", e.Seq, e.Time, e.Watch, e.Subject,
			e.Regime, e.Kind, e.Before, after, run, e.AsOf, len(e.FindingsAdded), len(e.FindingsRemoved), len(e.GapsOpened), len(e.GapsClosed))
	}
	return nil
}
