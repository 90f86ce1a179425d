package main

import (
	"context"
	"errors"
	"fmt"
)

func runWipe(ctx context.Context, args []string) error {
	c := newFlags("wipe", "wipe [STORE] --yes", "Deletes every record in the store. Refuses without --yes.")
	yes := c.fs.Bool("yes", false, "really delete everything")
	if err := c.parse(args); err != nil {
		return err
	}
	c.takeStore(false)
	if len(c.positionals) > 0 {
		return errors.New("unexpected arguments: " + c.positionals[0])
	}
	if !*yes {
		return errors.New("refusing to delete every record without --yes")
	}
	log, err := c.logger()
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx, log, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Wipe(ctx); err != nil {
		return err
	}
	fmt.Printf("wiped %s\n", st.Describe())
	return nil
}
