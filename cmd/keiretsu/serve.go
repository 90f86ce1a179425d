package main

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/server"
	"github.com/keiretsu/keiretsu/internal/service"
	"github.com/keiretsu/keiretsu/internal/store"
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
	log, st, err := c.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	reloadOnHUP(ctx, cfg.Access, log)
	return serve(ctx, st, cfg, *regimesFile, *follow, log, nil)
}

// serve loads the store and serves it until ctx ends.
func serve(ctx context.Context, st store.Store, cfg server.Config, regimesFile string, follow time.Duration, log zerolog.Logger, ready func(string)) error {
	svc, err := openService(ctx, st, regimesFile, log)
	if err != nil {
		return err
	}
	tuneGC()
	go svc.Follow(ctx, follow)
	return server.ServeConfig(ctx, svc, cfg, log, func(bound string) {
		log.Info().Str("addr", bound).Str("store", st.Describe()).Str("data_version", svc.View().Version()).
			Msgf("serving GraphQL on http://%s/graphql (workbench at http://%s/, GraphiQL at http://%s/graphiql)", bound, bound, bound)
		if ready != nil {
			ready(bound)
		}
	})
}

func openService(ctx context.Context, st store.Store, regimesFile string, log zerolog.Logger) (*service.Service, error) {
	opt, err := serviceOptions(regimesFile, log)
	if err != nil {
		return nil, err
	}
	return service.Open(ctx, st, opt)
}

// serviceOptions are a service's options with the regimes of a --regimes file.
func serviceOptions(regimesFile string, log zerolog.Logger) (service.Options, error) {
	opt := service.Options{Log: log}
	if regimesFile != "" {
		var err error
		if opt.Regimes, err = rules.LoadFile(regimesFile); err != nil {
			return opt, err
		}
	}
	return opt, nil
}
