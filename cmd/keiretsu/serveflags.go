package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/server"
)

// protection are serve's flags for access, limits and the audit log.
type protection struct {
	tokens, auditLog, tlsCert, tlsKey, origins string
	insecure, allowGET                         bool
	grace                                      time.Duration
	lim                                        server.Limits
}

func protectionFlags(fs *flag.FlagSet) *protection {
	p := &protection{}
	d := server.DefaultLimits
	fs.StringVar(&p.tokens, "auth-tokens", "", "file of bearer tokens, one `NAME ROLE sha256:HEX` a line (roles read, screen, admin; default $KEIRETSU_AUTH_TOKENS); SIGHUP reloads it")
	fs.BoolVar(&p.insecure, "insecure", false, "allow listening beyond loopback without --auth-tokens")
	fs.StringVar(&p.tlsCert, "tls-cert", "", "TLS certificate file (PEM), with --tls-key: serve HTTPS; SIGHUP reloads both")
	fs.StringVar(&p.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.StringVar(&p.origins, "allow-origin", "", "comma-separated origins allowed to call /graphql from a browser (* for any)")
	fs.BoolVar(&p.allowGET, "allow-get", false, "accept GET /graphql?query=... (refused by default)")
	fs.StringVar(&p.auditLog, "audit-log", "", "append one hash-chained JSON line per screening to this file (check it with keiretsu audit verify)")
	fs.DurationVar(&p.grace, "grace", 10*time.Second, "on SIGTERM, how long requests in flight may take to finish")
	fs.IntVar(&p.lim.MaxDepth, "max-depth", d.MaxDepth, "most nesting of fields in a query (-1: no limit)")
	fs.IntVar(&p.lim.MaxCost, "max-cost", d.MaxCost, "most estimated cost of a query: fields times the sizes of the lists they are in (-1: no limit)")
	fs.IntVar(&p.lim.MaxScreenings, "max-screenings", d.MaxScreenings, "most screenings one request asks for, every id of every batch and alias counted (-1: no limit)")
	fs.IntVar(&p.lim.MaxTokens, "max-tokens", d.MaxTokens, "most tokens of a query document (-1: no limit)")
	fs.IntVar(&p.lim.MaxFields, "max-fields", d.MaxFields, "most fields of a query document with its fragments expanded (-1: no limit)")
	fs.DurationVar(&p.lim.Timeout, "timeout", d.Timeout, "execution deadline of one request (answered with code TIMEOUT)")
	fs.IntVar(&p.lim.MaxResponseBytes, "max-response-bytes", d.MaxResponseBytes, "largest answer (-1: no limit)")
	fs.IntVar(&p.lim.MaxInFlight, "max-in-flight", d.MaxInFlight, "most requests executing at once; more get 503 with Retry-After (-1: no limit)")
	fs.IntVar(&p.lim.MaxConns, "max-conns", d.MaxConns, "most open client connections (-1: no limit)")
	fs.IntVar(&p.lim.MaxHeavy, "max-heavy", d.MaxHeavy, "most heavy requests (bodies over --heavy-body, operations over --heavy-screenings screenings or --heavy-cost) read and executed at once; the others wait their turn (-1: no limit)")
	fs.IntVar(&p.lim.HeavyBody, "heavy-body", d.HeavyBody, "request body size in bytes over which a request is heavy")
	fs.IntVar(&p.lim.HeavyScreenings, "heavy-screenings", d.HeavyScreenings, "screenings over which a request is heavy")
	fs.IntVar(&p.lim.HeavyCost, "heavy-cost", d.HeavyCost, "estimated cost over which a request is heavy")
	fs.DurationVar(&p.lim.RefusalDelay, "refusal-delay", d.RefusalDelay, "how long the answer to a request refused by a limit waits while other requests are served (-1ns: none)")
	fs.Float64Var(&p.lim.HeavyShare, "heavy-share", d.HeavyShare, "share of a core's time each heavy request may take while light requests are served: it runs in short bursts between pauses (1: no pacing)")
	fs.Int64Var(&p.lim.MaxBodyBytes, "max-body-bytes", d.MaxBodyBytes, "largest request body (413)")
	fs.IntVar(&p.lim.MaxOperations, "max-operations", d.MaxOperations, "most operations of a batched request (a JSON array), which share one request's limits (-1: no limit)")
	return p
}

// config turns the flags into a server configuration; close releases what it
// opened (the audit log).
func (p *protection) config(addr string) (cfg server.Config, closeFn func() error, err error) {
	if p.tokens == "" {
		p.tokens = os.Getenv("KEIRETSU_AUTH_TOKENS")
	}
	access, err := server.LoadAccess(p.tokens)
	if err != nil {
		return cfg, nil, err
	}
	if p.origins != "" {
		for _, o := range strings.Split(p.origins, ",") {
			if o = strings.TrimSpace(o); o != "" {
				access.Origins = append(access.Origins, o)
			}
		}
	}
	access.AllowGET = p.allowGET
	cfg = server.Config{Addr: addr, Access: access, Insecure: p.insecure, Grace: p.grace, Limits: p.lim}
	if p.tlsCert != "" || p.tlsKey != "" {
		if cfg.TLS, err = server.LoadKeyPair(p.tlsCert, p.tlsKey); err != nil {
			return cfg, nil, err
		}
	}
	closeFn = func() error { return nil }
	if p.auditLog != "" {
		a, err := server.OpenAuditLog(p.auditLog)
		if err != nil {
			return cfg, nil, err
		}
		cfg.Audit, closeFn = a, a.Close
	}
	return cfg, closeFn, nil
}

// reloadOnHUP reloads the tokens file and the TLS key pair on every SIGHUP
// until ctx ends; what fails to load is kept as it was. It is called before
// the store is opened, so that a SIGHUP while a large store loads does not
// end the process (the default action of SIGHUP).
func reloadOnHUP(ctx context.Context, cfg server.Config, log zerolog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			if cfg.Access.File() != "" {
				if err := cfg.Access.Reload(); err != nil {
					log.Error().Err(err).Msg("tokens not reloaded; the previous ones stay in use")
				} else {
					log.Info().Msg("tokens reloaded")
				}
			}
			if cfg.TLS != nil {
				if err := cfg.TLS.Reload(); err != nil {
					log.Error().Err(err).Msg("tls key pair not reloaded; the previous one stays in use")
				} else {
					log.Info().Msg("tls key pair reloaded")
				}
			}
		}
	}()
}

// runToken prints a new token and the line of a tokens file that admits it.
func runToken(_ context.Context, args []string) error {
	if len(args) != 2 || (args[1] != "read" && args[1] != "screen" && args[1] != "admin") {
		return fmt.Errorf("usage: keiretsu token NAME read|screen|admin")
	}
	tok := server.NewToken()
	fmt.Printf("token: %s\nline for the --auth-tokens file: %s %s %s\n", tok, args[0], args[1], server.HashToken(tok))
	return nil
}
