package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/keiretsu/keiretsu/internal/server"
)

// runAudit checks an audit log: `keiretsu audit verify FILE`.
func runAudit(_ context.Context, args []string) error {
	if len(args) != 2 || args[0] != "verify" {
		if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(os.Stderr, "Usage: keiretsu audit verify FILE\n\nChecks the hash chain of a serve --audit-log file: every line must carry the SHA-256 of the line before it.")
			return errHelp
		}
		return errors.New("usage: keiretsu audit verify FILE")
	}
	f, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	n, last, err := server.VerifyAudit(f)
	if err != nil {
		return fmt.Errorf("%s: %w", args[1], err)
	}
	fmt.Printf("%s: %d entries, hash chain intact (last line sha256 %s)\n", args[1], n, last)
	return nil
}
