package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/export/dump"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/postgres"
)

// RestoreTarget is the empty database a restore loads a set into.
type RestoreTarget struct {
	URL string
	// Var is where URL came from (--target, RESTORE_TARGET): errors name it.
	Var  string
	Conn postgres.Libpq
}

// ParseRestoreTarget checks a restore's target connection string: it must
// name a database, never libpq's fallback.
func ParseRestoreTarget(url, variable string) (*RestoreTarget, error) {
	conn, err := postgres.LibpqEnv(url)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: variable, Problem: err.Error(), Hint: "use postgres://user@host:5432/emptydb"}
	}
	if conn.Database == "" {
		return nil, &dbbackup.ConfigError{Var: variable, Problem: "names no database: restore would go into whatever database libpq falls back to",
			Hint: "name the empty database to restore into: postgres://user@host:5432/NAME (createdb NAME makes one)"}
	}
	return &RestoreTarget{URL: url, Var: variable, Conn: conn}, nil
}

// RestoreOptions say what a restore loads.
type RestoreOptions struct {
	// SetID names the set; "" is the newest complete set of the job's
	// database that can be restored (from From, when given).
	SetID string
	// From is the format to restore from: dump, csv or json; "" is the
	// best the set has, in that order.
	From dbbackup.Format
	// Tables, when given, restricts a restore from csv or json to these
	// tables (schema.table, * matches anything, as BACKUP_TABLES).
	Tables []string
	// Started, when not nil, is told the file the restore loads once it
	// (and the schema it needs) is fetched and checked.
	Started func(f dbbackup.File)
	// Identity opens an encrypted set (see KeyFile).
	Identity Identity
	// Progress, when not nil, hears each table's load (Stage
	// StageRestore): its start, its bytes read, and its rows when done.
	Progress dbbackup.Observer
}

// Restored is what a restore loaded.
type Restored struct {
	Set    dbbackup.Set
	Format dbbackup.Format
	Tables int
	Rows   int64
	// Warnings are what was left out: foreign keys to tables that
	// --tables did not choose.
	Warnings []string
}

// Restore loads a set (see RestoreOptions) into the empty target
// database, in one transaction: a failure leaves the target as it was.
// Every file is fetched and its checksum checked before anything is
// written.
func (a *App) Restore(ctx context.Context, cfg *config.Config, log *slog.Logger, target *RestoreTarget, opts RestoreOptions) (*Restored, error) {
	if err := EnsureEmpty(ctx, target); err != nil {
		return nil, err
	}
	dest, err := a.Destination(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	database, err := DatabaseName(cfg)
	if err != nil {
		return nil, err
	}
	pick, err := findRestorable(ctx, dest, cfg.NameLocation, cfg.Job, database, opts.SetID, opts.From)
	if err != nil {
		return nil, err
	}
	if len(opts.Tables) > 0 && pick.format == dbbackup.FormatDump {
		return nil, &dbbackup.ConfigError{Var: "--tables", Problem: "a restore from a dump loads the whole dump",
			Hint: "add --from csv or --from json to restore some tables, when the set has them"}
	}
	chosen, err := chooseTables(pick.set.Manifest, opts.Tables)
	if err != nil {
		return nil, err
	}
	// A folder of its own, beside the backups (there is room for a set
	// there) but outside the staging folder that runs clean.
	if err := os.MkdirAll(cfg.BackupDir, 0o750); err != nil {
		return nil, err
	}
	RemoveStaleRestores(cfg.BackupDir, log)
	tmp, err := os.MkdirTemp(cfg.BackupDir, restorePrefix)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	// Held while the folder is in use: a restore killed with -9 frees it,
	// and the next restore or run removes the folder and its copy of the
	// data.
	held, err := lock.Acquire(filepath.Join(tmp, restoreLockName))
	if err != nil {
		return nil, err
	}
	defer held.Release()
	// Every file is checked before anything is written.
	paths := make([]string, len(pick.files))
	for i, f := range pick.files {
		paths[i] = filepath.Join(tmp, f.Name)
		if err := fetch(ctx, dest, f, pick.set.Manifest, paths[i], opts.Identity); err != nil {
			return nil, err
		}
	}
	if opts.Started != nil {
		opts.Started(pick.files[0])
	}
	done := &Restored{Set: pick.set, Format: pick.format}
	if pick.format == dbbackup.FormatDump {
		conn := target.Conn
		if err := dump.Restore(ctx, pick.set.Manifest.ServerVersion, dump.Conn{Env: conn.Env, Password: conn.Password}, conn.Database, target.Var, paths[0]); err != nil {
			return nil, dbbackup.WithHint(err, "nothing was restored: the restore is one transaction, and the target is as it was")
		}
		t, err := postgres.ConnectTarget(ctx, target.URL)
		if err != nil {
			return nil, err
		}
		defer t.Close(ctx)
		if done.Tables, done.Rows, err = t.Counts(ctx); err != nil {
			return nil, err
		}
		return done, nil
	}
	if err := load(ctx, target, pick, paths, chosen, opts, done); err != nil {
		return nil, dbbackup.WithHint(err, "nothing was restored: the restore is one transaction, and the target is as it was")
	}
	return done, nil
}

// EnsureEmpty refuses a target that cannot be reached (a database not
// made yet) or holds anything a user made, listing the first few: restore
// never overwrites, and a name taken by a view or a function would stop
// the restore half-way. Restore checks it again itself; a form asks it
// before it asks for a confirmation. Every refusal is a
// *dbbackup.ConfigError naming target.Var.
func EnsureEmpty(ctx context.Context, target *RestoreTarget) error {
	variable, dbname := target.Var, target.Conn.Database
	t, err := postgres.ConnectTarget(ctx, target.URL)
	if err != nil {
		return &dbbackup.ConfigError{Var: variable, Problem: err.Error(), Hint: "create the database first (createdb " + dbname + ") and check the connection string"}
	}
	defer t.Close(ctx)
	objects, err := t.UserObjects(ctx)
	if err != nil {
		return err
	}
	if len(objects) > 0 {
		shown := objects
		if len(shown) > 5 {
			shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(objects)-5))
		}
		return &dbbackup.ConfigError{Var: variable,
			Problem: fmt.Sprintf("the target database %s is not empty: it holds %d objects (%s)", dbname, len(objects), strings.Join(shown, ", ")),
			Hint:    "restore into a new, empty database (createdb NAME); restore never overwrites"}
	}
	return nil
}

// A restore's own folder in BACKUP_DIR is named restorePrefix…, and holds
// the lock restoreLockName while the restore runs.
const (
	restorePrefix   = ".restore-"
	restoreLockName = ".lock"
)

// RemoveStaleRestores removes the folders of restores that were killed:
// their lock is free, and they are older than a minute (a restore that has
// just made its folder takes the lock at once). Each holds a copy of a
// backup's data, so it must not stay behind.
func RemoveStaleRestores(backupDir string, log *slog.Logger) {
	dirs, _ := filepath.Glob(filepath.Join(backupDir, restorePrefix+"*"))
	for _, dir := range dirs {
		st, err := os.Lstat(dir)
		if err != nil || !st.IsDir() || time.Since(st.ModTime()) < time.Minute {
			continue // never follow a link; leave a restore that is starting
		}
		held, err := lock.Acquire(filepath.Join(dir, restoreLockName))
		if err != nil {
			continue // a restore is running in it
		}
		err = os.RemoveAll(dir)
		held.Release()
		if err != nil {
			log.Warn("could not remove what a stopped restore left", "folder", dir, "err", err)
			continue
		}
		log.Info("removed what a stopped restore left", "folder", dir)
	}
}
