package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
)

// Pruned is what retention did in one destination.
type Pruned struct {
	Dest   dbbackup.Destination
	Result *dbbackup.RetentionResult
}

// Prune applies the job's retention policy to its sets in the destination
// and in the local copy (BACKUP_KEEP_LOCAL), under the job's lock, once
// this machine's clock agrees with the database server's. With dryRun it
// decides and deletes nothing. Sets that could not be deleted are in the
// results' Failed lists, not in the error.
func (a *App) Prune(ctx context.Context, cfg *config.Config, log *slog.Logger, dryRun bool) ([]Pruned, error) {
	if cfg.Retention.Off() {
		return nil, &dbbackup.ConfigError{Var: "BACKUP_RETENTION_DAYS", Problem: "is 0: retention is off, every set is kept",
			Hint: "set BACKUP_RETENTION_DAYS to the number of days to keep sets (the default is 30)"}
	}
	unlock, err := Lock(cfg)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := a.checkClock(ctx, cfg, dryRun, log); err != nil {
		return nil, err
	}
	database, err := DatabaseName(cfg)
	if err != nil {
		return nil, err
	}
	dest, err := a.Destination(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	dests := []dbbackup.Destination{dest}
	if c, err := LocalCopy(cfg); err != nil {
		return nil, err
	} else if c != nil {
		dests = append(dests, c)
	}
	var done []Pruned
	for _, d := range dests {
		res, err := dbbackup.Prune(ctx, d, cfg.Retention, a.now(), cfg.NameLocation, cfg.Job, database, dryRun, log)
		if err != nil {
			return done, err
		}
		done = append(done, Pruned{d, res})
	}
	return done, nil
}

// checkClock compares this machine's clock with the database server's
// before a prune deletes anything: a clock a year ahead would make every
// set look expired. A dry run only warns.
func (a *App) checkClock(ctx context.Context, cfg *config.Config, dryRun bool, log *slog.Logger) error {
	_, db, err := NewDatabase(cfg, log) // a refused connection says what to do, as in run
	if err != nil {
		return err
	}
	from := a.now()
	snap, err := db.Snapshot(ctx)
	if err == nil {
		server := snap.Info().SnapshotTime
		snap.Close(ctx)
		if skew := dbbackup.ClockSkew(server, from, a.now()); skew != 0 {
			err = fmt.Errorf("this machine's clock is %s away from the database server's (%s there, %s here)",
				skew.Round(time.Second), server.Format(time.RFC3339), from.Format(time.RFC3339))
		} else {
			return nil
		}
	} else {
		err = fmt.Errorf("could not read the database server's clock to check this machine's: %w", err)
	}
	if dryRun {
		log.Warn("prune --dry-run: " + err.Error())
		return nil
	}
	return dbbackup.WithHint(err, "%s", "prune deletes nothing until both clocks agree (retention decides by age): "+
		"set the clocks right (NTP), or make the database of DATABASE_URL reachable; `dbbackup prune --dry-run` shows what it would delete")
}
