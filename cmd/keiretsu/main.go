// Command keiretsu is Keiretsu's one binary: ingest feeds into a store of record,
// serve the GraphQL API, screen products and entities, and manage the store. See
// `keiretsu help` and CONTRACT.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"ingest", "load files into the store (one atomic run)", runIngest},
		{"serve", "serve the GraphQL API (POST /graphql, the workbench at /, GraphiQL at /graphiql, GET /healthz)", runServe},
		{"screen", "screen a product or an entity (exit status = verdict)", runScreen},
		{"demo", "load the demo dataset into ./keiretsu-demo and serve it", runDemo},
		{"stats", "count what the store holds", runStats},
		{"resolve", "propose entities that may be the same; --accept or --reject them", runResolve},
		{"history", "list the committed runs; --prune --keep N drops older past states", runHistory},
		{"diff", "compare two retained dataVersions record by record", runDiff},
		{"watch", "add, list or remove watches: screenings followed after every run and day change", runWatch},
		{"events", "list the events of the watches (changes of their screenings)", runEvents},
		{"wipe", "delete every record in the store (needs --yes)", runWipe},
		{"bench", "measure ingest, projection, screening and GraphQL on generated data", runBench},
		{"gen", "write a deterministic synthetic world as native JSONL (tests, benchmarks)", runGen},
		{"audit", "verify a serve --audit-log file's hash chain (audit verify FILE)", runAudit},
		{"token", "make a bearer token for serve --auth-tokens (token NAME ROLE)", runToken},
	}
}

// exitError carries an exit status other than 1 (screen's verdicts).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func usage() {
	fmt.Fprintf(os.Stderr, `keiretsu: does this product depend, at any depth of its bill of materials, on an
entity that a regime restricts, directly or through ownership, control or affiliation?

Usage: keiretsu COMMAND [STORE] [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(os.Stderr, `
STORE: a directory for the embedded store (default ./keiretsu-data, or $KEIRETSU_DATA,
or --data DIR), or a Neo4j URI (bolt://host:7687, or --neo4j URI, or $KEIRETSU_NEO4J_URI
with $KEIRETSU_NEO4J_USER, $KEIRETSU_NEO4J_PASSWORD, $KEIRETSU_NEO4J_DATABASE).

Run 'keiretsu COMMAND --help' for a command's flags.
`)
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage()
		if len(args) == 0 {
			return 1
		}
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// For profiling any command (docs/benchmarks.md; bench also has
	// --cpuprofile): a CPU profile, and a runtime execution trace (go tool
	// trace) for seeing what a request waited for.
	for _, p := range []struct {
		env         string
		start       func(io.Writer) error
		stopProfile func()
	}{
		{"KEIRETSU_CPUPROFILE", pprof.StartCPUProfile, pprof.StopCPUProfile},
		{"KEIRETSU_TRACE", trace.Start, trace.Stop},
	} {
		stopProfile, err := profileTo(os.Getenv(p.env), p.start, p.stopProfile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "keiretsu: %s: %v\n", p.env, err)
			return 1
		}
		defer stopProfile()
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:])
		var ee exitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.code
		case errors.Is(err, errHelp):
			return 0
		default:
			fmt.Fprintf(os.Stderr, "keiretsu %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(os.Stderr, "keiretsu: unknown command %q (see keiretsu help)\n", args[0])
	return 1
}

// profileTo starts a profile written to path (none when path is ""); a %p in
// the path is the process id, so that the serve and ingest children of bench
// --load each write their own. The returned func stops it.
func profileTo(path string, start func(io.Writer) error, stop func()) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(strings.ReplaceAll(path, "%p", strconv.Itoa(os.Getpid())))
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		stop()
		f.Close()
	}, nil
}
