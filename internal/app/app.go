// Package app assembles dbbackup: it turns a job's settings into the
// adapters that serve it (database, exporters, destination, history,
// report) and runs what the commands and the server both offer: a backup
// now, the setup checks, the sets of a job, retention, verify and restore.
// It prints nothing; callers render what it returns.
package app

import (
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/retry"
)

// App is one installation: the .env file and the environment. Its zero
// value reads ./.env when it exists.
type App struct {
	// EnvFile is the .env file to read ("" is config.DefaultEnvFile);
	// Explicit makes a missing EnvFile an error (it was asked for).
	EnvFile  string
	Explicit bool
	// Now is this machine's clock (time.Now when nil); tests set it wrong.
	Now func() time.Time
	// Retry is how Google calls are retried (retry.DefaultPolicy when
	// zero); tests shorten it.
	Retry retry.Policy
}

// Load reads the settings of the job default: the .env file and the
// environment.
func (a *App) Load() (*config.Config, error) {
	return config.Load(a.envFile(), a.Explicit)
}

func (a *App) envFile() string {
	if a.EnvFile == "" {
		return config.DefaultEnvFile
	}
	return a.EnvFile
}

func (a *App) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

func (a *App) retry() retry.Policy {
	if a.Retry == (retry.Policy{}) {
		return retry.DefaultPolicy
	}
	return a.Retry
}

// Logger is the log the settings ask for (LOG_FORMAT, LOG_LEVEL), written
// to w, with the settings' own warnings logged.
func Logger(cfg *config.Config, w interface{ Write([]byte) (int, error) }) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	log := slog.New(h)
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	return log
}
