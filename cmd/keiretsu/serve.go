package main

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/live"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

func runServe(ctx context.Context, args []string) error {
	c := newFlags("serve", "serve [STORE] [--addr HOST:PORT] [--regimes FILE]",
		"Serves the GraphQL API: POST /graphql ({query, variables}), the web workbench at /, GraphiQL at /graphiql, GET /healthz.\n"+
			"With Neo4j, changes other processes commit are picked up within seconds.")
	addr := c.fs.String("addr", "127.0.0.1:8080", "address to listen on")
	regimesFile := c.fs.String("regimes", "", "a regimes file to add to the built-in and stored regimes")
	follow := c.fs.Duration("follow", 2*time.Second, "how often to check a Neo4j store for other processes' changes")
	prot := protectionFlags(c.fs)
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
	st, err := c.openServed(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	reloadOnHUP(ctx, cfg.Access, log)
	return serve(ctx, st, cfg, *regimesFile, *follow, log, nil)
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
func takeLiveRuns(ctx context.Context, st *embedded.Store, svc *service.Service, log zerolog.Logger) {
	ls, err := live.Listen(st.Dir(), &liveHandler{st: st, svc: svc, log: log}, log)
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
func serve(ctx context.Context, st store.Store, cfg server.Config, regimesFile string, follow time.Duration, log zerolog.Logger, ready func(string)) error {
	svc, err := openService(ctx, st, regimesFile, log)
	if err != nil {
		return err
	}
	defer svc.Close()
	tuneGC()
	go svc.Follow(ctx, follow)
	go svc.KeepWarm(ctx, time.Minute)
	if emb, ok := st.(*embedded.Store); ok {
		takeLiveRuns(ctx, emb, svc, log)
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
