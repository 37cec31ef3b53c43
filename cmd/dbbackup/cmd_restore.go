package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/spf13/cobra"
)

// targetVar is the environment variable that may hold the restore's
// target: unlike --target, it is not in the process list for every user of
// the machine to read.
const targetVar = "RESTORE_TARGET"

// restoreOptions are the flags of restore.
type restoreOptions struct {
	target   string
	from     string
	tables   []string
	jobs     int
	identity string
}

func newRestoreCommand(g *globals) *cobra.Command {
	var opts restoreOptions
	cmd := &cobra.Command{
		Use:   "restore [SET] --target postgres://…/emptydb",
		Short: "Restore a backup set into an empty database",
		Long: `Restores a backup set (the newest complete one of the job without SET) into
the database named by --target, or by the environment variable RESTORE_TARGET
(which, unlike a flag, other users cannot read in the process list).

It restores from the best format the set has: its dump (with pg_restore), else
its csv, else its json; --from chooses. From csv or json it creates the schema
the set carries (its .schema.sql: types, tables, partitions), loads every table
with COPY, then adds keys, foreign keys, checks and indexes and sets every
sequence. xlsx is for people, not for restore.

Every file is downloaded and its SHA-256 checked against the manifest before
anything is written. The target must exist and hold nothing a user made:
restore never overwrites. It is all or nothing: one transaction, so a failure
leaves the target as empty as it was. An encrypted set
(BACKUP_ENCRYPT_RECIPIENTS) needs the private key of one of its recipients:
--identity KEYFILE, else the file BACKUP_VERIFY_IDENTITY names. Create the
target first, e.g.
  createdb shop_restored && RESTORE_TARGET=postgres://user@host/shop_restored dbbackup restore

--tables restores some tables only (from csv or json): schema.table names, *
matches anything, as in BACKUP_TABLES; a foreign key to a table left out is
skipped with a warning.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runRestore(cmd.Context(), g, opts, args) },
	}
	cmd.Flags().StringVar(&opts.target, "target", "", "connection string of the empty database to restore into (or set "+targetVar+")")
	cmd.Flags().StringVar(&opts.identity, "identity", "", "private key file that opens an encrypted set (default: BACKUP_VERIFY_IDENTITY)")
	cmd.Flags().StringVar(&opts.from, "from", "", "format to restore from: dump, csv or json (default: the first of these the set has)")
	cmd.Flags().StringSliceVar(&opts.tables, "tables", nil, "restore only these tables (schema.table, * matches anything), from csv or json")
	cmd.Flags().IntVar(&opts.jobs, "jobs", 1, "ignored: the restore is one transaction, on one connection")
	_ = cmd.Flags().MarkDeprecated("jobs", "the restore is one transaction now, which runs on one connection")
	g.jobFlag(cmd)
	return cmd
}

func runRestore(ctx context.Context, g *globals, opts restoreOptions, args []string) error {
	url, variable := opts.target, "--target"
	if url == "" {
		url, variable = os.Getenv(targetVar), targetVar
	}
	if url == "" {
		return usageError{fmt.Errorf("--target or %s is required: the connection string of an empty database to restore into", targetVar)}
	}
	target, err := app.ParseRestoreTarget(url, variable)
	if err != nil {
		return err
	}
	if variable == "--target" && target.Conn.PasswordInString {
		fmt.Fprintf(g.stderr, "Warning: --target holds a password, which every user of this machine can read in the process list: set %s instead, or keep the password in ~/.pgpass\n", targetVar)
	}
	from, err := restoreFormat(opts.from)
	if err != nil {
		return err
	}
	cfg, log, err := g.load(ctx)
	if err != nil {
		return err
	}
	ro := app.RestoreOptions{From: from, Tables: opts.tables, Identity: app.KeyFile(cfg, "--identity", opts.identity),
		Started: func(f dbbackup.File) {
			fmt.Fprintf(g.stderr, "Restoring %s (%s, sha256 checked) into %s …\n", f.Name, dbbackup.HumanSize(f.Size), target.Conn.Database)
		},
		Progress: progressPrinter(g.stderr, isTerminal(g.stderr, cfg), log)}
	if len(args) == 1 {
		ro.SetID = args[0]
	}
	done, err := g.app().Restore(ctx, cfg, log, target, ro)
	if err != nil {
		return asUsage(err)
	}
	for _, w := range done.Warnings {
		fmt.Fprintf(g.stderr, "Warning: %s\n", printable(w))
	}
	fmt.Fprintf(g.stdout, "Restored set %s (from %s) into the database %s: %d tables, %d rows.\n", done.Set.ID, done.Format, target.Conn.Database, done.Tables, done.Rows)
	return nil
}

// restoreFormat reads --from: a format restore can load, or "".
func restoreFormat(s string) (dbbackup.Format, error) {
	switch f := dbbackup.Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "", dbbackup.FormatDump, dbbackup.FormatCSV, dbbackup.FormatJSON:
		return f, nil
	case dbbackup.FormatXLSX:
		return "", &dbbackup.ConfigError{Var: "--from", Problem: "xlsx cannot be restored: it is for people, not for restore", Hint: "use --from dump, csv or json"}
	default:
		return "", &dbbackup.ConfigError{Var: "--from", Problem: fmt.Sprintf("unknown format %q", s), Hint: "use --from dump, csv or json"}
	}
}
