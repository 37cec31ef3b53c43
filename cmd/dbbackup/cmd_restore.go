package main

import (
	"context"
	"fmt"
	"os"

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
	jobs     int
	identity string
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
target as empty as it was. An encrypted set (BACKUP_ENCRYPT_RECIPIENTS) needs
the private key of one of its recipients: --identity KEYFILE, else the file
BACKUP_VERIFY_IDENTITY names. Create the target first, e.g.
  createdb shop_restored && RESTORE_TARGET=postgres://user@host/shop_restored dbbackup restore`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runRestore(cmd.Context(), g, opts, args) },
	}
	cmd.Flags().StringVar(&opts.target, "target", "", "connection string of the empty database to restore into (or set "+targetVar+")")
	cmd.Flags().StringVar(&opts.identity, "identity", "", "private key file that opens an encrypted set (default: BACKUP_VERIFY_IDENTITY)")
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
	cfg, log, err := g.load(ctx)
	if err != nil {
		return err
	}
	setID := ""
	if len(args) == 1 {
		setID = args[0]
	}
	done, err := g.app().Restore(ctx, cfg, log, target, setID, app.KeyFile(cfg, "--identity", opts.identity), func(f dbbackup.File) {
		fmt.Fprintf(g.stderr, "Restoring %s (%s, sha256 checked) into %s …\n", f.Name, dbbackup.HumanSize(f.Size), target.Conn.Database)
	})
	if err != nil {
		return asUsage(err)
	}
	fmt.Fprintf(g.stdout, "Restored set %s into the database %s: %d tables, %d rows.\n", done.Set.ID, target.Conn.Database, done.Tables, done.Rows)
	return nil
}
