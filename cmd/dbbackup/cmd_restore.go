package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/export/dump"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/postgres"
	"github.com/spf13/cobra"
)

// targetVar is the environment variable that may hold the restore's
// target: unlike --target, it is not in the process list for every user of
// the machine to read.
const targetVar = "RESTORE_TARGET"

// restoreOptions are the flags of restore.
type restoreOptions struct {
	target string
	jobs   int
}

func newRestoreCommand(g *globals) *cobra.Command {
	var opts restoreOptions
	cmd := &cobra.Command{
		Use:   "restore [SET] --target postgres://…/emptydb",
		Short: "Restore a set's pg_dump archive into an empty database",
		Long: `Fetches the dump of a backup set (the newest one without SET) from where it is
stored, checks its SHA-256 against the manifest, and loads it with pg_restore
into the database named by --target, or by the environment variable
RESTORE_TARGET (which, unlike a flag, other users cannot read in the process
list). The target must exist and hold nothing a user made: restore never
overwrites. It is all or nothing: one transaction, so a failure leaves the
target as empty as it was. Create one first, e.g.
  createdb shop_restored && RESTORE_TARGET=postgres://user@host/shop_restored dbbackup restore`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRestore(cmd, g, opts, args)
		},
	}
	cmd.Flags().StringVar(&opts.target, "target", "", "connection string of the empty database to restore into (or set "+targetVar+")")
	cmd.Flags().IntVar(&opts.jobs, "jobs", 1, "ignored: the restore is one transaction, on one connection")
	_ = cmd.Flags().MarkDeprecated("jobs", "the restore is one transaction now, which runs on one connection")
	return cmd
}

func runRestore(cmd *cobra.Command, g *globals, opts restoreOptions, args []string) error {
	target, variable := opts.target, "--target"
	if target == "" {
		target, variable = os.Getenv(targetVar), targetVar
	}
	if target == "" {
		return usageError{fmt.Errorf("--target or %s is required: the connection string of an empty database to restore into", targetVar)}
	}
	conn, err := postgres.LibpqEnv(target)
	if err != nil {
		return &dbbackup.ConfigError{Var: variable, Problem: err.Error(), Hint: "use postgres://user@host:5432/emptydb"}
	}
	if conn.Database == "" {
		return &dbbackup.ConfigError{Var: variable, Problem: "names no database: restore would go into whatever database libpq falls back to",
			Hint: "name the empty database to restore into: postgres://user@host:5432/NAME (createdb NAME makes one)"}
	}
	if variable == "--target" && conn.PasswordInString {
		fmt.Fprintf(cmd.ErrOrStderr(), "Warning: --target holds a password, which every user of this machine can read in the process list: set %s instead, or keep the password in ~/.pgpass\n", targetVar)
	}
	cfg, log, err := g.load(cmd)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if err := ensureEmpty(ctx, target, variable, conn.Database); err != nil {
		return err
	}
	dest, err := newDestination(ctx, cfg, log)
	if err != nil {
		return err
	}
	database, err := databaseName(cfg)
	if err != nil {
		return err
	}
	set, file, m, err := findDump(ctx, dest, cfg.NameLocation, database, args)
	if err != nil {
		return err
	}
	// A folder of its own, beside the backups (there is room for a set
	// there) but outside the staging folder that runs clean.
	if err := os.MkdirAll(cfg.BackupDir, 0o750); err != nil {
		return err
	}
	removeStaleRestores(cfg.BackupDir, log)
	tmp, err := os.MkdirTemp(cfg.BackupDir, restorePrefix)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// Held while the folder is in use: a restore killed with -9 frees it,
	// and the next restore or run removes the folder and its copy of the
	// data.
	held, err := lock.Acquire(filepath.Join(tmp, restoreLockName))
	if err != nil {
		return err
	}
	defer held.Release()
	archive := filepath.Join(tmp, file.Name)
	if err := fetch(ctx, dest, file, m, archive); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "Restoring %s (%s, sha256 checked) into %s …\n", file.Name, dbbackup.HumanSize(file.Size), conn.Database)
	if err := dump.Restore(ctx, m.ServerVersion, dump.Conn{Env: conn.Env, Password: conn.Password}, conn.Database, variable, archive); err != nil {
		return dbbackup.WithHint(err, "nothing was restored: the restore is one transaction, and the target is as it was")
	}
	t, err := postgres.ConnectTarget(ctx, target)
	if err != nil {
		return err
	}
	defer t.Close(ctx)
	tables, rows, err := t.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Restored set %s into the database %s: %d tables, %d rows.\n", set.ID, conn.Database, tables, rows)
	return nil
}

// ensureEmpty refuses a target that holds anything a user made: restore
// never overwrites, and a name taken by a view or a function would stop
// the restore half-way.
func ensureEmpty(ctx context.Context, target, variable, dbname string) error {
	t, err := postgres.ConnectTarget(ctx, target)
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

// findDump picks the set (the newest complete one of database with a dump,
// or the one named), its dump file, and the set's manifest.
func findDump(ctx context.Context, dest dbbackup.Destination, loc *time.Location, database string, args []string) (dbbackup.Set, dbbackup.File, *dbbackup.Manifest, error) {
	sets, err := dbbackup.InspectSets(ctx, dest, loc)
	if err != nil {
		return dbbackup.Set{}, dbbackup.File{}, nil, err
	}
	if len(args) == 1 && len(pick(sets, args[0])) == 0 {
		return dbbackup.Set{}, dbbackup.File{}, nil, noSetError(args[0], dest)
	}
	if len(args) == 0 {
		sets = dbbackup.OfDatabase(sets, database)
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

// fetch copies a stored file to path and checks its SHA-256 against the
// manifest's.
func fetch(ctx context.Context, dest dbbackup.Destination, f dbbackup.File, m *dbbackup.Manifest, path string) error {
	sha := ""
	for _, mf := range m.Files {
		if mf.Name == f.Name {
			sha = mf.SHA256
		}
	}
	if sha == "" {
		return fmt.Errorf("the manifest does not list %s: the set cannot be trusted", f.Name)
	}
	r, err := dest.Open(ctx, f)
	if err != nil {
		return err
	}
	defer r.Close()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), r); err != nil {
		return fmt.Errorf("download %s: %w", f.Name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, sha) {
		return fmt.Errorf("%s is damaged: its SHA-256 is %s, the manifest says %s; try an older set", f.Name, got, sha)
	}
	return out.Close()
}

// A restore's own folder in BACKUP_DIR is named restorePrefix…, and holds
// the lock restoreLockName while the restore runs.
const (
	restorePrefix   = ".restore-"
	restoreLockName = ".lock"
)

// removeStaleRestores removes the folders of restores that were killed:
// their lock is free, and they are older than a minute (a restore that has
// just made its folder takes the lock at once). Each holds a copy of a
// backup's data, so it must not stay behind.
func removeStaleRestores(backupDir string, log *slog.Logger) {
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
