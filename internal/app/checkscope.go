package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
)

// ScopeCheckWait bounds CheckScope: a job is saved whether or not its
// database answers, and the one saving it should not wait long to hear.
const ScopeCheckWait = 10 * time.Second

// CheckScope is the database check of `dbbackup check` for a job just
// saved: it connects, opens a snapshot and selects the tables in scope, so
// that a table pattern matching nothing (a typo, with its "did you mean")
// is a *dbbackup.ConfigError naming BACKUP_SCHEMAS, BACKUP_TABLES or
// BACKUP_EXCLUDE_TABLES now rather than at the next run. Any other error
// means the database could not be checked (it may be down). It gives up
// after ScopeCheckWait and changes nothing.
func CheckScope(ctx context.Context, cfg *config.Config, log *slog.Logger) (detail string, err error) {
	ctx, cancel := context.WithTimeout(ctx, ScopeCheckWait)
	defer cancel()
	var server dbbackup.SnapshotInfo
	return checkDatabase(ctx, cfg, log, &server)
}
