package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/keiretsu/keiretsu/internal/gen"
)

func runGen(ctx context.Context, args []string) error {
	c := newFlags("gen", "gen [--entities N] [--products M | --edges N | --scale S] [--seed S] [--out FILE]",
		"Writes a synthetic supply-chain world as native JSONL (standard output unless --out):\n"+
			"ownership trees and chains up to 8 levels with fractional stakes, cross-holdings, large\n"+
			"holdings, control edges, state bodies, listings over the built-in regimes, and bills of\n"+
			"materials up to 8 levels deep with shared sub-assemblies and gaps. Same flags, same bytes.\n"+
			fmt.Sprintf("About %.2f edges per entity plus %.2f per product; --edges picks sizes for a target,\n"+
				"--scale a named one (the sizes of keiretsu bench).",
				gen.EdgesPerEntity, gen.EdgesPerProduct))
	entities := c.fs.Int("entities", 10000, "number of entities")
	products := c.fs.Int("products", 2000, "number of products")
	edges := c.fs.Int("edges", 0, fmt.Sprintf("target number of edges: sets --entities and --products (%d entities per product)", gen.EntitiesPerProduct))
	scale := c.fs.String("scale", "", "a named target: "+gen.ScaleNames+" (the --edges of keiretsu bench --scale)")
	seed := c.fs.Uint64("seed", 1, "random seed")
	out := c.fs.String("out", "", "output file (default standard output)")
	if err := c.parse(args); err != nil {
		return err
	}
	if len(c.positionals) > 0 {
		return errors.New("unexpected arguments: " + c.positionals[0])
	}
	cfg := gen.Config{Entities: *entities, Products: *products, Seed: *seed}
	if *scale != "" {
		n, ok := gen.Scales[*scale]
		if !ok {
			return fmt.Errorf("--scale %q is not %s", *scale, gen.ScaleNames)
		}
		if *edges != 0 {
			return errors.New("--scale cannot be combined with --edges")
		}
		*edges = n
	}
	if *edges != 0 {
		explicit := false
		c.fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "entities" || f.Name == "products" })
		if explicit {
			return errors.New("--edges and --scale cannot be combined with --entities or --products")
		}
		if *edges < 0 {
			return errors.New("--edges must not be negative")
		}
		cfg = gen.ForEdges(*edges)
		cfg.Seed = *seed
	}
	if cfg.Entities < 0 || cfg.Products < 0 {
		return errors.New("--entities and --products must not be negative")
	}

	var w io.Writer = os.Stdout
	name := "standard output"
	var f *os.File
	if *out != "" && *out != "-" {
		var err error
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w, name = f, *out
	}
	started := time.Now()
	last := started
	big := float64(cfg.Entities)*gen.EdgesPerEntity+float64(cfg.Products)*gen.EdgesPerProduct > 1e6
	st, err := gen.WriteProgress(ctxWriter{ctx, w}, cfg, func(s gen.Stats) {
		if now := time.Now(); big && now.Sub(last) >= 2*time.Second {
			last = now
			fmt.Fprintf(os.Stderr, "gen: %d records, %d edges, %.1f MB, %.1f s\n",
				s.Records, s.Edges(), float64(s.Bytes)/1e6, now.Sub(started).Seconds())
		}
	})
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out)
		}
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	fmt.Fprintf(os.Stderr, "gen: %d records (%d entities, %d products, %d edges), %d bytes to %s, %.2f s\n",
		st.Records, st.Entities, st.Products, st.Edges(), st.Bytes, name, time.Since(started).Seconds())
	return nil
}

// ctxWriter stops writing once ctx is done (Ctrl-C).
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
