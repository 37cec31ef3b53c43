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

// Restored is what a restore loaded.
type Restored struct {
	Set    dbbackup.Set
	Tables int
	Rows   int64
}

// Restore loads a set's dump (the newest complete set of the job's
// database with one when setID is "") into the empty target database, in
// one transaction: a failure leaves the target as it was. id opens an
// encrypted set (see KeyFile). started, when not nil, is told which file
// is being restored once it is fetched and checked.
func (a *App) Restore(ctx context.Context, cfg *config.Config, log *slog.Logger, target *RestoreTarget, setID string, id Identity, started func(f dbbackup.File)) (*Restored, error) {
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
	var args []string
	if setID != "" {
		args = []string{setID}
	}
	set, file, m, err := findDump(ctx, dest, cfg.NameLocation, cfg.Job, database, args)
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
	archive := filepath.Join(tmp, file.Name)
	if err := fetch(ctx, dest, file, m, archive, id); err != nil {
		return nil, err
	}
	if started != nil {
		started(file)
	}
	conn := target.Conn
	if err := dump.Restore(ctx, m.ServerVersion, dump.Conn{Env: conn.Env, Password: conn.Password}, conn.Database, target.Var, archive); err != nil {
		return nil, dbbackup.WithHint(err, "nothing was restored: the restore is one transaction, and the target is as it was")
	}
	t, err := postgres.ConnectTarget(ctx, target.URL)
	if err != nil {
		return nil, err
	}
	defer t.Close(ctx)
	tables, rows, err := t.Counts(ctx)
	if err != nil {
		return nil, err
	}
	return &Restored{Set: set, Tables: tables, Rows: rows}, nil
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

// findDump picks the set (the newest complete one of the job's database with a dump,
// or the one named), its dump file, and the set's manifest.
func findDump(ctx context.Context, dest dbbackup.Destination, loc *time.Location, job, database string, args []string) (dbbackup.Set, dbbackup.File, *dbbackup.Manifest, error) {
	sets, err := dbbackup.InspectSets(ctx, dest, loc)
	if err != nil {
		return dbbackup.Set{}, dbbackup.File{}, nil, err
	}
	if len(args) == 1 && len(Pick(sets, args[0])) == 0 {
		return dbbackup.Set{}, dbbackup.File{}, nil, &NoSetError{ID: args[0], Dest: dest.String()}
	}
	if len(args) == 0 {
		sets = dbbackup.OfJob(sets, job, database)
	}
	for _, s := range sets {
		if (len(args) == 1 && s.ID != args[0]) || !s.Complete {
			continue
		}
		for _, f := range s.Listed() {
			if f.Format == dbbackup.FormatDump {
				return s, f, s.Manifest, nil
			}
		}
		if len(args) == 1 {
			return s, dbbackup.File{}, nil, fmt.Errorf("set %s has no dump: add dump to BACKUP_FORMATS for sets that can be restored", s.ID)
		}
	}
	if len(args) == 1 {
		return dbbackup.Set{}, dbbackup.File{}, nil, fmt.Errorf("no complete set %s in %s: `dbbackup list` shows the sets", args[0], dest)
	}
	return dbbackup.Set{}, dbbackup.File{}, nil, dbbackup.WithHint(
		fmt.Errorf("no complete set of database %s with a dump in %s", database, dest), "%s",
		"restore needs a set made with dump in BACKUP_FORMATS (the default csv,xlsx,json makes none): "+
			"add it (BACKUP_FORMATS=csv,xlsx,json,dump) and run a backup; `dbbackup list` shows the sets there are")
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
