package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/postgres"
)

// NewDatabase is the database to back up, as run and check both reach it:
// a failed connection carries what to do about it.
func NewDatabase(cfg *config.Config, log *slog.Logger) (*postgres.DB, dbbackup.Database, error) {
	db, err := parseDatabaseURL(cfg, cfg.Timeout)
	if err != nil {
		return nil, nil, err
	}
	if cfg.LibpqDefaults {
		log.Warn("DATABASE_URL is empty and no PG* variable is set: connecting with libpq's defaults",
			"user", db.User(), "host", db.Host(), "database", db.Name())
	}
	return db, hintedDB{db, cfg}, nil
}

// parseDatabaseURL reads the connection settings; limit is BACKUP_TIMEOUT
// for a run, 0 when no connection is made.
func parseDatabaseURL(cfg *config.Config, limit time.Duration) (*postgres.DB, error) {
	db, err := postgres.New(cfg.DatabaseURL, limit)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: "DATABASE_URL", Problem: err.Error(),
			Hint: "use postgres://user:password@host:5432/dbname or leave it empty to use PGHOST, PGUSER, …"}
	}
	return db, nil
}

// hintedDB adds ConnectHint to a failed connection.
type hintedDB struct {
	dbbackup.Database
	cfg *config.Config
}

func (d hintedDB) Snapshot(ctx context.Context) (dbbackup.Snapshot, error) {
	s, err := d.Database.Snapshot(ctx)
	if err != nil && ctx.Err() != nil {
		// The run's own deadline (BACKUP_TIMEOUT) or an interruption ended
		// the connection, not the server: the advice is theirs.
		return s, fmt.Errorf("%w (%w)", err, ctx.Err())
	}
	if hint := ConnectHint(d.cfg, err); hint != "" {
		err = dbbackup.WithHint(err, "%s", hint)
	}
	return s, err
}

// ConnectHint says what to do about a connection that failed, "" for any
// other error: the one place run and check find it.
func ConnectHint(cfg *config.Config, err error) string {
	var ce *postgres.ConnectError
	if !errors.As(err, &ce) {
		return ""
	}
	hint := "check DATABASE_URL (or PGHOST, PGPORT) and that PostgreSQL runs there: pg_isready -h HOST -p PORT"
	switch ce.Code {
	case "28P01":
		hint = "the password is wrong: set it in DATABASE_URL, PGPASSWORD or ~/.pgpass"
	case "28000":
		hint = "the server refuses this user: check the user name, and that pg_hba.conf lets it connect from this host"
	case "3D000":
		hint = "there is no such database: check the name in DATABASE_URL (or PGDATABASE); `psql -l` lists them"
	}
	if cfg.LibpqDefaults {
		hint = "DATABASE_URL is empty and no PG* variable is set, so libpq's defaults were used (" + ce.Target +
			"): set DATABASE_URL=postgres://user:password@host:5432/dbname. Otherwise " + hint
	}
	if cfg.Job != "" && cfg.Job != dbbackup.DefaultJob {
		hint += "; job " + cfg.Job + "'s DATABASE_URL is changed with `dbbackup job edit " + cfg.Job + " --database-url -` (reads it from stdin)"
	}
	return hint
}
