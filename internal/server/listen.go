package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/internal/service"
)

// Config is how Serve listens and what it protects.
type Config struct {
	// Addr is HOST:PORT to listen on.
	Addr string
	// Access holds the tokens and origins (nil: no tokens, loopback only).
	Access *Access
	// Insecure allows listening beyond loopback without tokens.
	Insecure bool
	// TLS, when set, serves HTTPS with its key pair.
	TLS *KeyPair
	// Grace bounds how long a shutdown waits for requests in flight (0: 10 s).
	Grace time.Duration
	// Limits bound requests (zero fields: DefaultLimits).
	Limits Limits
	// Audit, when set, records every screening.
	Audit *AuditLog
	// Options are further handler options (tests).
	Options []Option
}

// KeyPair is a TLS certificate and its key, read from two PEM files and read
// again by Reload, so that a renewed certificate is served to new connections
// without a restart. Reload may run while connections are accepted.
type KeyPair struct {
	certFile, keyFile string
	cur               atomic.Pointer[tls.Certificate]
}

// LoadKeyPair reads a certificate and its key (PEM files).
func LoadKeyPair(certFile, keyFile string) (*KeyPair, error) {
	if certFile == "" || keyFile == "" {
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	k := &KeyPair{certFile: certFile, keyFile: keyFile}
	return k, k.Reload()
}

// Reload reads the files again; on error the key pair in use stays.
func (k *KeyPair) Reload() error {
	cert, err := tls.LoadX509KeyPair(k.certFile, k.keyFile)
	if err != nil {
		return fmt.Errorf("tls key pair %s, %s: %w", k.certFile, k.keyFile, err)
	}
	k.cur.Store(&cert)
	return nil
}

func (k *KeyPair) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return k.cur.Load(), nil
}

// ServeConfig runs the API as cfg says until ctx ends, then stops accepting
// and lets requests in flight finish within the grace period.
func ServeConfig(ctx context.Context, svc *service.Service, cfg Config, log zerolog.Logger, ready func(addr string)) error {
	if !cfg.Access.Authenticates() && !cfg.Insecure && !loopback(cfg.Addr) {
		return fmt.Errorf("serve on %s: %w", cfg.Addr, ErrInsecureBind)
	}
	lim := cfg.Limits.withDefaults()
	opts := append([]Option{WithLimits(lim), WithAccess(cfg.Access)}, cfg.Options...)
	if cfg.Audit != nil {
		opts = append(opts, WithAudit(cfg.Audit))
	}
	h, err := Handler(svc, log, opts...)
	if err != nil {
		return err
	}
	var tlsConf *tls.Config
	if cfg.TLS != nil {
		tlsConf = &tls.Config{GetCertificate: cfg.TLS.getCertificate, MinVersion: tls.VersionTLS12}
	}
	write := 120 * time.Second
	if lim.Timeout > 0 {
		write = max(write, lim.Timeout+10*time.Second)
	}
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      write,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
		TLSConfig:         tlsConf,
	}
	var ln net.Listener
	if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if on(lim.MaxConns) {
		ln = &limitListener{Listener: ln, max: int64(lim.MaxConns), answer: tlsConf == nil}
	}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	if !cfg.Access.Authenticates() {
		log.Warn().Str("addr", ln.Addr().String()).Msg("no --auth-tokens: anyone who can reach the address may query")
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	grace := cfg.Grace
	if grace <= 0 {
		grace = 10 * time.Second
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutdown: requests still running after %s: %w", grace, err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
