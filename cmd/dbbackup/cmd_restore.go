package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/export/dump"
	"github.com/dbbackup/dbbackup/internal/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"
)

func newRestoreCommand(g *globals) *cobra.Command {
	var target string
	var jobs int
	cmd := &cobra.Command{
		Use:   "restore [SET] --target postgres://…/emptydb",
		Short: "Restore a set's pg_dump archive into an empty database",
		Long: `Fetches the dump of a backup set (the newest one without SET) from where it is
stored, checks its SHA-256 against the manifest, and loads it with pg_restore
into the database named by --target. The target must exist and hold no
tables: restore never overwrites data. Create one first, e.g.
  createdb shop_restored && dbbackup restore --target postgres://user@host/shop_restored`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if target == "" {
				return usageError{fmt.Errorf("--target is required: the connection string of an empty database to restore into")}
			}
			cfg, log, err := g.load(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if err := ensureEmpty(ctx, target); err != nil {
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
			if err := os.MkdirAll(filepath.Join(cfg.BackupDir, stagingDirName), 0o750); err != nil {
				return err
			}
			tmp, err := os.MkdirTemp(filepath.Join(cfg.BackupDir, stagingDirName), "restore-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			archive := filepath.Join(tmp, file.Name)
			if err := fetch(ctx, dest, file, m, archive); err != nil {
				return err
			}
			env, err := postgres.LibpqEnv(target)
			if err != nil {
				return usageError{fmt.Errorf("--target: %v", err)}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Restoring %s (%s, sha256 checked) …\n", file.Name, dbbackup.HumanSize(file.Size))
			if err := dump.Restore(ctx, m.ServerVersion, env, archive, jobs); err != nil {
				return dbbackup.WithHint(err, "the target may now hold part of the data: drop and create it again before another try")
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Restored set %s into the target database.\n", set.ID)
			return nil
		},
	}
	cmd.Flags().StringVar(&target, "target", "", "connection string of the empty database to restore into")
	cmd.Flags().IntVar(&jobs, "jobs", 2, "parallel pg_restore jobs")
	return cmd
}

// ensureEmpty refuses a target that holds tables: restore never overwrites.
func ensureEmpty(ctx context.Context, target string) error {
	conn, err := pgx.Connect(ctx, target)
	if err != nil {
		return usageError{fmt.Errorf("--target: cannot connect: %v", err)}
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'`).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return &dbbackup.ConfigError{Var: "--target", Problem: fmt.Sprintf("the target database holds %d tables", n),
			Hint: "restore into a new, empty database (createdb NAME); restore never overwrites data"}
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
	what := "no complete set of database " + database + " with a dump"
	if len(args) == 1 {
		what = "no complete set " + args[0]
	}
	return dbbackup.Set{}, dbbackup.File{}, nil, fmt.Errorf("%s in %s: `dbbackup list` shows the sets", what, dest)
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
