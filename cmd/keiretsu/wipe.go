package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/keiretsu/keiretsu/internal/load"
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
	_, st, err := c.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	n, v, err := load.Wipe(ctx, st)
	if err != nil {
		return err
	}
	fmt.Printf("wiped %s: deleted %d, dataVersion %s\n", st.Describe(), n, v)
	return nil
}
