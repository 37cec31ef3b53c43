package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/schedule"
	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/dbbackup/dbbackup/internal/web"
	"github.com/spf13/cobra"
)

// shutdownGrace is how long, past SERVE_SHUTDOWN_WAIT, a cancelled run
// may take to clean up and record itself, and the pages being served to
// finish, before serve exits anyway.
const shutdownGrace = time.Minute

func newServeCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve the web UI and run every job at its BACKUP_SCHEDULE",
		Long: `Serve the web UI on SERVE_ADDR (default 127.0.0.1:8080; HTTPS with SERVE_TLS_CERT
and SERVE_TLS_KEY; SERVE_BASE_URL behind a reverse proxy) and run every job at its
BACKUP_SCHEDULE, under the same lock as ` + "`dbbackup run`" + ` from cron. Users sign in
with the accounts ` + "`dbbackup user add`" + ` makes; /metrics is open to METRICS_TOKEN.
SIGTERM cancels a running backup cleanly, or gives it SERVE_SHUTDOWN_WAIT to finish.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd.Context(), g) },
	}
}

func runServe(ctx context.Context, g *globals) error {
	sc, err := config.LoadServe(g.envFile.value, g.envFile.given)
	if err != nil {
		return err
	}
	inst, err := config.LoadInstallation(g.envFile.value, g.envFile.given)
	if err != nil {
		return err
	}
	log := g.serveLog()
	store, err := state.Open(inst.StateDir)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := refuseOpenWithoutAdmin(ctx, store, sc.Addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", sc.Addr)
	if err != nil {
		return &dbbackup.ConfigError{Var: "SERVE_ADDR", Problem: err.Error(),
			Hint: "choose a free port (another program listens there), or an address of this machine"}
	}
	a := g.app()
	m := app.NewManager(a, log)
	sch := schedule.New(a, m, log)
	srv, err := web.New(web.Options{App: a, Store: store, Manager: m, Schedule: sch, BaseURL: sc.BaseURL,
		MetricsToken: sc.MetricsToken, Log: log})
	if err != nil {
		ln.Close()
		return err
	}
	if err := sch.Start(ctx); err != nil {
		log.Error("some jobs are not scheduled: the others are", "err", err, "hint", dbbackup.Explain(err).Hint)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	scheme := "http"
	if sc.TLS != nil {
		scheme = "https"
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*sc.TLS}, MinVersion: tls.VersionTLS12}
		go func() { served <- hs.ServeTLS(ln, "", "") }()
	} else {
		go func() { served <- hs.Serve(ln) }()
	}
	where := fmt.Sprintf("%s://%s/", scheme, ln.Addr())
	if sc.BaseURL != "" {
		where += " (people open " + sc.BaseURL + ")"
	}
	fmt.Fprintf(g.stdout, "dbbackup serves %s\n", where)

	select {
	case <-ctx.Done():
		log.Info("stopping: no run starts now", "wait for runs", sc.ShutdownWait)
	case err := <-served:
		// The listener failed: stop the runs as on SIGTERM, then say why.
		sch.Stop()
		m.Shutdown(context.Background(), 0)
		return fmt.Errorf("serve %s: %w", sc.Addr, err)
	}
	sch.Stop()
	stop, cancel := context.WithTimeout(context.Background(), sc.ShutdownWait+shutdownGrace)
	defer cancel()
	m.Shutdown(stop, sc.ShutdownWait)
	if err := hs.Shutdown(stop); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// serveLog is the server's log on stderr, as the job default's LOG_FORMAT
// and LOG_LEVEL ask; when those settings cannot be read the server starts
// all the same (its pages say what is wrong), logging text at info.
func (g *globals) serveLog() *slog.Logger {
	cfg, err := g.app().Load()
	if err != nil {
		log := slog.New(slog.NewTextHandler(g.stderr, nil))
		log.Warn("the settings of the job default cannot be used; serving all the same", "err", err, "hint", dbbackup.Explain(err).Hint)
		return log
	}
	return app.Logger(cfg, g.stderr)
}

// refuseOpenWithoutAdmin refuses to serve an address other machines can
// reach while nobody can sign in as an admin: the first person to find
// the page must not be a stranger.
func refuseOpenWithoutAdmin(ctx context.Context, store *state.Store, addr string) error {
	host, _, _ := net.SplitHostPort(addr) // config.LoadServe checked it
	if loopback(host) {
		return nil
	}
	ok, err := store.HasAdmin(ctx)
	if err != nil || ok {
		return err
	}
	return &dbbackup.ConfigError{Var: "SERVE_ADDR", Problem: fmt.Sprintf("%s can be reached from other machines, and no admin user exists yet", addr),
		Hint: "make one first: `dbbackup user add NAME --role admin`; or serve on 127.0.0.1 until you have"}
}

// loopback reports whether host is this machine alone: localhost or a
// loopback address. "" (every address) and other names are not.
func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
