package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/internal/history"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/watch"
)

func runIngest(ctx context.Context, args []string) error {
	c := newFlags("ingest", "ingest [STORE] [--format F] [--strict] [--skip-invalid] [--regimes FILE] FILE...",
		"Loads files into the store in one atomic run: all of their valid records or none.\n"+
			"FILE '-' is standard input. Formats: "+strings.Join(formats.Names(), ", ")+
			"\n(default: detected from the file, else native).")
	format := c.fs.String("format", "", "input format (default: detect, else native)")
	strict := c.fs.Bool("strict", false, "fail when records reference ids that are never defined, and at the first warning")
	skip := c.fs.Bool("skip-invalid", false, "write the valid records and report every rejected line")
	regimesFile := c.fs.String("regimes", "", "a regimes file (built-in format) whose regimes listings may name; stored with the data")
	snapshot := c.fs.String("snapshot", "", "declare the run a complete snapshot of source NAME: records an earlier snapshot NAME wrote and this run does not are deleted")
	noAutoLink := c.fs.Bool("no-auto-link", false, "do not link entities that share a strong identifier (LEI, USCC, DUNS, registration) with same_as records")
	if err := c.parse(args); err != nil {
		return err
	}
	c.takeStore(true)
	if len(c.positionals) == 0 {
		return errors.New("no input files (see keiretsu ingest --help)")
	}
	if *snapshot != "" && !history.ValidSnapshot(*snapshot) {
		return fmt.Errorf("--snapshot %q: a name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", *snapshot)
	}
	if *snapshot != "" && *skip {
		// The keys of rejected lines are not known, so the snapshot could delete them.
		return errors.New("--snapshot and --skip-invalid cannot be combined yet")
	}
	if *strict && *skip {
		return errors.New("--strict and --skip-invalid cannot be combined")
	}
	log, err := c.logger()
	if err != nil {
		return err
	}
	st, cl, err := c.openWriter(ctx, log)
	if err != nil {
		return err
	}
	var extra []*rules.Regime
	var stored []string // regimes stored by earlier runs, when a serve holds the store
	if cl != nil {
		// A serve holds the store: the run goes there (live.go).
		defer cl.Close()
		stored = cl.Hello().Regimes
		if *regimesFile != "" {
			// The serve checks the listingsOf cycles through its stored regimes.
			if extra, err = rules.LoadFileWith(*regimesFile, func(id string) bool { return slices.Contains(stored, id) }); err != nil {
				return err
			}
		}
	} else {
		defer st.Close()
		if *regimesFile != "" {
			if extra, err = loadUserRegimes(ctx, st, *regimesFile); err != nil {
				return err
			}
		}
	}
	set, err := rules.NewSet(rules.Builtin(), extra)
	if err != nil {
		return err
	}
	var known func(string) bool
	var describe string
	if cl != nil {
		known = func(id string) bool { return set.Has(id) || slices.Contains(stored, id) }
		describe = cl.Hello().Store
	} else {
		known, describe = regimeKnown(ctx, st, set), st.Describe()
	}
	env := formats.Env{RegimeKnown: known}
	var total int64
	for _, path := range c.positionals {
		if fi, err := os.Stat(path); err == nil && path != "-" && fi.Mode().IsRegular() {
			total += fi.Size()
		}
	}
	m := newMeter(log, total)
	var sources []ingest.Source
	for _, path := range c.positionals {
		src, closeFn, err := openSource(path, *format, env, m.reader)
		if err != nil {
			return err
		}
		defer closeFn()
		sources = append(sources, src)
	}
	opt := load.Options{Strict: *strict, SkipInvalid: *skip, Extra: set.Records("--regimes " + *regimesFile), AutoLink: !*noAutoLink}
	progress := func(n int) { m.records.Store(int64(n)) }
	defer collectLessOften()()
	m.run()
	info := history.Info{Snapshot: *snapshot, Files: c.positionals}
	var sum load.Summary
	if cl != nil {
		sum, err = liveRun(ctx, cl, info, opt, sources, progress)
	} else {
		opt.Progress, opt.Events = progress, watch.Options{Log: log}
		sum, err = load.Recorded(ctx, st, info, sources, opt)
		err = eventsLater(log, err)
	}
	m.finish()
	for _, rej := range sum.Rejections {
		fmt.Fprintf(os.Stderr, "rejected %s\n", rej)
	}
	if sum.Rejected > len(sum.Rejections) {
		fmt.Fprintf(os.Stderr, "rejected %d more lines\n", sum.Rejected-len(sum.Rejections))
	}
	printWarnings(os.Stderr, sum)
	if err != nil {
		return err
	}
	if sum.Dangling > 0 {
		log.Warn().Int("dangling", sum.Dangling).Strs("ids", sum.DanglingIDs[:min(len(sum.DanglingIDs), 10)]).
			Msg("records reference ids that are not defined (yet); --strict makes this an error")
	}
	if len(sum.AutoSkipped) > 0 {
		log.Info().Strs("identifiers", sum.AutoSkipped[:min(len(sum.AutoSkipped), 10)]).
			Msg("shared identifiers not linked automatically (conflicting identifiers or a person and a company); see keiretsu resolve")
	}
	note := ""
	if n := sum.AutoLinkNote(); n != "" {
		note = "; " + n
	}
	fmt.Printf("ingest: %s (store %s, dataVersion %s%s)\n", sum, describe, sum.Version, note)
	return nil
}

// printWarnings lists a run's warnings and replaced records, one a line, and
// says how many more there were.
func printWarnings(w io.Writer, sum load.Summary) {
	for _, x := range sum.WarningList {
		if x.Replaced {
			fmt.Fprintf(w, "replaced %s\n", x)
		} else {
			fmt.Fprintf(w, "warning %s\n", x)
		}
	}
	if more := sum.Warnings + sum.Replaced - len(sum.WarningList); more > 0 {
		fmt.Fprintf(w, "%d more warnings and replaced records\n", more)
	}
}

// regimeKnown accepts the loaded regimes and those stored by earlier runs.
func regimeKnown(ctx context.Context, st store.Store, set *rules.Set) func(string) bool {
	stored := newStoredRegimes(ctx, st)
	return func(id string) bool { return set.Has(id) || stored.has(id) }
}

// openSource opens one input file in its format.
func openSource(path, format string, env formats.Env, wrap func(io.Reader) io.Reader) (ingest.Source, func(), error) {
	var r io.Reader
	closeFn := func() {}
	if path == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		r, closeFn = f, func() { f.Close() }
	}
	src, err := formats.Open(path, wrap(r), format, env)
	if err != nil {
		closeFn()
		if errors.Is(err, formats.ErrUnknownFormat) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return src, closeFn, nil
}
