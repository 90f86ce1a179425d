package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rs/zerolog"
	"golang.org/x/term"
)

// errHelp ends a command that printed its help.
var errHelp = errors.New("help shown")

// common are the flags every command takes.
type common struct {
	data, neo4j         string
	logFormat, logLevel string
	store               string // the positional STORE, if any
	fs                  *flag.FlagSet
	positionals         []string
	defaultLevel        string
}

func newFlags(name, usageLine, about string) *common {
	c := &common{fs: flag.NewFlagSet(name, flag.ContinueOnError), defaultLevel: "info"}
	c.fs.SetOutput(io.Discard)
	c.fs.StringVar(&c.data, "data", "", "embedded store directory (default $KEIRETSU_DATA or ./keiretsu-data)")
	c.fs.StringVar(&c.neo4j, "neo4j", "", "Neo4j URI, e.g. bolt://127.0.0.1:7687 (default $KEIRETSU_NEO4J_URI)")
	c.fs.StringVar(&c.logFormat, "log-format", "", "log format: console or json (default console on a terminal, json otherwise)")
	c.fs.StringVar(&c.logLevel, "log-level", "", "log level: debug, info, warn, error")
	c.fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: keiretsu %s\n\n%s\n\nFlags:\n", usageLine, about)
		c.fs.SetOutput(os.Stderr)
		c.fs.PrintDefaults()
		c.fs.SetOutput(io.Discard)
	}
	return c
}

// parse parses flags and positionals in any order.
func (c *common) parse(args []string) error {
	for {
		if err := c.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return errHelp // the flag set printed the usage
			}
			return err
		}
		rest := c.fs.Args()
		if len(rest) == 0 {
			return nil
		}
		if rest[0] == "--" {
			c.positionals = append(c.positionals, rest[1:]...)
			return nil
		}
		c.positionals = append(c.positionals, rest[0])
		args = rest[1:]
	}
}

// isURI reports whether s names a Neo4j server.
func isURI(s string) bool {
	for _, p := range []string{"bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// takeStore takes the optional positional STORE. With files also expected
// (ingest), the first positional is the store only when it is a Neo4j URI, an
// existing directory, or one of several positionals that is not an existing file.
func (c *common) takeStore(filesFollow bool) {
	if len(c.positionals) == 0 {
		return
	}
	first := c.positionals[0]
	isStore := !filesFollow || isURI(first)
	if !isStore && first != "-" {
		if fi, err := os.Stat(first); err == nil {
			isStore = fi.IsDir()
		} else {
			isStore = len(c.positionals) > 1
		}
	}
	if isStore {
		c.store = first
		c.positionals = c.positionals[1:]
	}
}

// logger builds the process logger: zerolog to stderr.
func (c *common) logger() (zerolog.Logger, error) {
	lvl := c.logLevel
	if lvl == "" {
		lvl = c.defaultLevel
	}
	level, err := zerolog.ParseLevel(lvl)
	if err != nil {
		return zerolog.Nop(), fmt.Errorf("--log-level: %q is not debug, info, warn or error", lvl)
	}
	format := c.logFormat
	if format == "" {
		format = "json"
		if term.IsTerminal(int(os.Stderr.Fd())) {
			format = "console"
		}
	}
	var w io.Writer
	switch format {
	case "json":
		w = os.Stderr
	case "console":
		w = zerolog.ConsoleWriter{Out: os.Stderr, TimeFormat: "15:04:05"}
	default:
		return zerolog.Nop(), fmt.Errorf("--log-format: %q is not json or console", format)
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}
