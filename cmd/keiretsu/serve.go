package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/live"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
	"github.com/keiretsu/keiretsu/internal/watch"
)

func runServe(ctx context.Context, args []string) error {
	c := newFlags("serve", "serve [STORE] [--addr HOST:PORT] [--regimes FILE]",
		"Serves the GraphQL API: POST /graphql ({query, variables}), the web workbench at /, GraphiQL at /graphiql, GET /healthz.\n"+
			"With Neo4j, changes other processes commit are picked up within seconds.")
	addr := c.fs.String("addr", "127.0.0.1:8080", "address to listen on")
	regimesFile := c.fs.String("regimes", "", "a regimes file to add to the built-in and stored regimes")
	follow := c.fs.Duration("follow", 2*time.Second, "how often to check a Neo4j store for other processes' changes")
	prot := protectionFlags(c.fs)
	var hooks repeated
	c.fs.Var(&hooks, "webhook", "POST every event (keiretsu events --json's object) to this URL, in order, at least once (repeatable)")
	secretFile := c.fs.String("webhook-secret-file", "", "sign webhook bodies with this file's bytes less one trailing newline (X-Keiretsu-Signature: sha256=HEX)")
	if err := c.parse(args); err != nil {
		return err
	}
	if err := c.onlyStore(); err != nil {
		return err
	}
	cfg, closeAudit, err := prot.config(*addr)
	if err != nil {
		return err
	}
	defer closeAudit()
	log, err := c.logger()
	if err != nil {
		return err
	}
	reloadOnHUP(ctx, cfg, log)
	st, err := c.openServed(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	var secret []byte
	if *secretFile != "" {
		b, err := os.ReadFile(*secretFile)
		if err != nil {
			return fmt.Errorf("--webhook-secret-file: %w", err)
		}
		secret = watch.SecretFromFile(b)
	}
	return serve(ctx, st, cfg, serveOptions{regimesFile: *regimesFile, follow: *follow, webhooks: hooks, secret: secret}, log, nil)
}

// serveOptions are what serve does beside answering requests.
type serveOptions struct {
	regimesFile string
	// follow is how often other processes' commits, the watches' events and
	// the day are looked at.
	follow   time.Duration
	webhooks []string
	secret   []byte
}

// openServed opens the store serve holds: an embedded store read-only (other
// readers run beside it) but upgradable, so that it commits the runs other
// processes send it.
func (c *common) openServed(ctx context.Context, log zerolog.Logger) (store.Store, error) {
	spec := c.resolveStore()
	if spec.neo4jURI != "" {
		return openNeo4j(ctx, spec.neo4jURI, log)
	}
	return embedded.Open(spec.dir, embedded.Options{ReadOnly: true, Upgradable: true})
}

// takeLiveRuns listens on the embedded store's socket until ctx ends, so that
// ingest, resolve --accept and wipe work while this process serves. Without
// the socket (another serve has it, or the path is too long) those commands
// report the store in use, as before.
func takeLiveRuns(ctx context.Context, st *embedded.Store, svc *service.Service, events watch.Options, log zerolog.Logger) {
	ls, err := live.Listen(st.Dir(), &liveHandler{st: st, svc: svc, log: log, events: events}, log)
	if err != nil {
		log.Warn().Err(err).Msg("runs from other processes cannot reach this serve")
		return
	}
	log.Info().Str("socket", ls.Path()).Msg("taking ingest, resolve --accept and wipe runs for this store")
	go func() {
		if err := ls.Serve(ctx); err != nil {
			log.Error().Err(err).Msg("live runs stopped")
		}
	}()
}

// serve loads the store and serves it until ctx ends.
func serve(ctx context.Context, st store.Store, cfg server.Config, so serveOptions, log zerolog.Logger, ready func(string)) error {
	svc, err := openService(ctx, st, so.regimesFile, log)
	if err != nil {
		return err
	}
	defer svc.Close()
	tuneGC()
	go svc.Follow(ctx, so.follow)
	go svc.KeepWarm(ctx, time.Minute)
	wake := make(chan struct{}, 1)
	events := eventOptions(st, svc, so, log, wake)
	if emb, ok := st.(*embedded.Store); ok {
		takeLiveRuns(ctx, emb, svc, events, log)
	}
	go recordEvents(ctx, st, so.follow, events, log)
	for _, url := range so.webhooks {
		w := &watch.Webhook{URL: url, Secret: so.secret, Log: log, Wake: wake}
		go w.Run(ctx, st)
	}
	return server.ServeConfig(ctx, svc, cfg, log, func(bound string) {
		log.Info().Str("addr", bound).Str("store", st.Describe()).Str("data_version", svc.View().Version()).
			Msgf("serving GraphQL on http://%s/graphql (workbench at http://%s/, GraphiQL at http://%s/graphiql)", bound, bound, bound)
		if ready != nil {
			ready(bound)
		}
	})
}

func openService(ctx context.Context, st store.Store, regimesFile string, log zerolog.Logger) (*service.Service, error) {
	opt, err := serviceOptions(ctx, st, regimesFile, log)
	if err != nil {
		return nil, err
	}
	return service.Open(ctx, st, opt)
}

// serviceOptions are a service's options with the regimes of a --regimes file,
// whose listingsOf may name the regimes stored in st, and the projection file
// of st (see projectionFile).
func serviceOptions(ctx context.Context, st store.Store, regimesFile string, log zerolog.Logger) (service.Options, error) {
	opt := service.Options{Log: log, ProjectionFile: projectionFile(st, log)}
	if regimesFile != "" {
		var err error
		if opt.Regimes, err = loadUserRegimes(ctx, st, regimesFile); err != nil {
			return opt, err
		}
	}
	return opt, nil
}

// errViewBehind is returned by a serving process's engines for the store's
// current state while its view has not caught up with it yet.
var errViewBehind = errors.New("the view has not caught up with the store yet")

// eventOptions are how a serving process records events: screening with its
// views (the current one, or a retained past state), which hold the built-in
// and stored regimes only unless a --regimes file adds to them (then with
// engines built from the store, so that such a file changes no event); each
// recording wakes the webhooks.
func eventOptions(st store.Store, svc *service.Service, so serveOptions, log zerolog.Logger, wake chan struct{}) watch.Options {
	opt := watch.Options{Log: log, Recorded: func(int) {
		select {
		case wake <- struct{}{}:
		default:
		}
	}}
	if so.regimesFile == "" {
		opt.Engine = func(ctx context.Context, version string) (*rules.Engine, error) {
			if v := svc.View(); v.Version() == version {
				return v.Engine(), nil
			}
			cur, err := st.Version(ctx)
			if err != nil {
				return nil, err
			}
			if cur.String() == version {
				return nil, errViewBehind
			}
			past, err := svc.At(ctx, version)
			if err != nil {
				return nil, err
			}
			return past.Engine(), nil
		}
	}
	return opt
}

// recordEvents records, off the request path, the events of the runs other
// processes commit (and of those whose events a killed process did not
// record) and of each change of the UTC day, every interval until ctx ends.
func recordEvents(ctx context.Context, st store.Store, interval time.Duration, opt watch.Options, log zerolog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := watch.AfterCommit(ctx, st, opt); err != nil && ctx.Err() == nil && !errors.Is(err, errViewBehind) {
			log.Warn().Err(err).Msg("recording events")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
