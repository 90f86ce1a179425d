package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/watch"
)

func runWipe(ctx context.Context, args []string) error {
	c := newFlags("wipe", "wipe [STORE] --yes", "Deletes every record in the store. Refuses without --yes.")
	yes := c.fs.Bool("yes", false, "really delete everything")
	if err := c.parse(args); err != nil {
		return err
	}
	if err := c.onlyStore(); err != nil {
		return err
	}
	if !*yes {
		return errors.New("refusing to delete every record without --yes")
	}
	log, err := c.logger()
	if err != nil {
		return err
	}
	st, cl, err := c.openWriter(ctx, log)
	if err != nil {
		return err
	}
	if cl != nil {
		// A serve holds the store: it wipes it (live.go).
		defer cl.Close()
		res, err := cl.Wipe(ctx)
		if err == nil && res.Err != "" {
			err = errors.New(res.Err)
		}
		if err != nil {
			return err
		}
		fmt.Printf("wiped %s\n", cl.Hello().Store)
		return nil
	}
	defer st.Close()
	n, v, err := load.Wipe(ctx, st, watch.Options{Log: log})
	if err = eventsLater(log, err); err != nil {
		return err
	}
	fmt.Printf("wiped %s: deleted %d, dataVersion %s\n", st.Describe(), n, v)
	return nil
}
