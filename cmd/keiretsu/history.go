package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/model"
)

func runHistory(ctx context.Context, args []string) error {
	c := newFlags("history", "history [STORE] [--json] [--prune --keep N]",
		"Lists the committed runs, oldest first; --prune --keep N keeps the states of the last N runs.")
	asJSON := c.fs.Bool("json", false, "print a JSON array")
	prune := c.fs.Bool("prune", false, "drop the past states of all but the last --keep runs")
	keep := c.fs.Int("keep", 0, "with --prune: how many runs' states to keep (at least 1)")
	if err := c.parse(args); err != nil {
		return err
	}
	if err := c.onlyStore(); err != nil {
		return err
	}
	if *prune && *keep < 1 {
		return errors.New("--prune needs --keep N with N >= 1")
	}
	_, st, err := c.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := history.Recover(ctx, st, false); err != nil {
		return err
	}
	if *prune {
		n, err := history.Prune(ctx, st, *keep)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "history: %d past states pruned\n", n)
	}
	runs, err := history.Runs(ctx, st)
	if err != nil {
		return err
	}
	if runs == nil {
		runs = []history.Run{}
	}
	if *asJSON || !*prune {
		if !*asJSON {
			for _, r := range runs {
				snap := "-"
				if r.Snapshot != nil {
					snap = *r.Snapshot
				}
				fmt.Printf("%4d %s snapshot %s written %d deleted %d dataVersion %s retained %v\n",
					r.Run, r.Time, snap, r.Written, r.Deleted, r.DataVersion, r.Retained)
			}
			return nil
		}
		b, err := json.Marshal(runs)
		if err != nil {
			return err
		}
		fmt.Println(string(b))
	}
	return nil
}

func runDiff(ctx context.Context, args []string) error {
	c := newFlags("diff", "diff [STORE] --from V1 --to V2 [--json]",
		"Prints the records added, deleted and changed between two retained dataVersions.")
	from := c.fs.String("from", "", "the earlier dataVersion")
	to := c.fs.String("to", "", "the later dataVersion")
	asJSON := c.fs.Bool("json", false, "print JSON")
	if err := c.parse(args); err != nil {
		return err
	}
	if err := c.onlyStore(); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return errors.New("give --from V1 and --to V2")
	}
	_, st, err := c.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := history.At(ctx, st, *from)
	if err != nil {
		return err
	}
	b, err := history.At(ctx, st, *to)
	if err != nil {
		return err
	}
	d, err := history.Compare(ctx, a, b)
	if err != nil {
		return err
	}
	rec := func(r *model.Record) json.RawMessage {
		line := native.Append(nil, &ingest.Op{Record: *r})
		return json.RawMessage(line[:len(line)-1])
	}
	type change struct {
		Before json.RawMessage `json:"before"`
		After  json.RawMessage `json:"after"`
	}
	out := struct {
		From    string            `json:"from"`
		To      string            `json:"to"`
		Added   []json.RawMessage `json:"added"`
		Deleted []json.RawMessage `json:"deleted"`
		Changed []change          `json:"changed"`
	}{From: *from, To: *to, Added: []json.RawMessage{}, Deleted: []json.RawMessage{}, Changed: []change{}}
	for _, r := range d.Added {
		out.Added = append(out.Added, rec(r))
	}
	for _, r := range d.Deleted {
		out.Deleted = append(out.Deleted, rec(r))
	}
	for _, c := range d.Changed {
		out.Changed = append(out.Changed, change{rec(c[0]), rec(c[1])})
	}
	if !*asJSON {
		fmt.Printf("diff %s -> %s: %d added, %d deleted, %d changed\n", *from, *to, len(out.Added), len(out.Deleted), len(out.Changed))
		for _, r := range out.Added {
			fmt.Printf("+ %s\n", r)
		}
		for _, r := range out.Deleted {
			fmt.Printf("- %s\n", r)
		}
		for _, c := range out.Changed {
			fmt.Printf("< %s\n> %s\n", c.Before, c.After)
		}
		return nil
	}
	j, err := json.Marshal(out)
	if err != nil {
		return err
	}
	fmt.Println(string(j))
	return nil
}
