package main

import (
	"context"
	"fmt"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/spf13/cobra"
)

func newPruneCommand(g *globals) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Delete backup sets older than BACKUP_RETENTION_DAYS (run does this after every good backup)",
		Long: `Applies the retention policy to the sets of the configured database in the
destination (and in the local copy with BACKUP_KEEP_LOCAL): sets older than
BACKUP_RETENTION_DAYS are deleted, except the newest BACKUP_RETENTION_MIN_KEEP
complete sets, sets without a readable manifest, sets dated in the future,
sets of other databases and files the tool did not make. With --dry-run it
prints what it would delete and why every other set is kept, and deletes
nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := g.load(cmd)
			if err != nil {
				return err
			}
			if cfg.Retention.Days == 0 {
				return &dbbackup.ConfigError{Var: "BACKUP_RETENTION_DAYS", Problem: "is 0: retention is off, every set is kept",
					Hint: "set BACKUP_RETENTION_DAYS to the number of days to keep sets (the default is 30)"}
			}
			unlock, err := lockRun(cfg)
			if err != nil {
				return err
			}
			defer unlock()
			if err := checkClock(cmd.Context(), cfg, dryRun, log); err != nil {
				return err
			}
			database, err := databaseName(cfg)
			if err != nil {
				return err
			}
			dest, err := newDestination(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			dests := []dbbackup.Destination{dest}
			if c, err := localCopy(cfg); err != nil {
				return err
			} else if c != nil {
				dests = append(dests, c)
			}
			failed := 0
			for _, d := range dests {
				res, err := dbbackup.Prune(cmd.Context(), d, cfg.Retention, clock(), cfg.NameLocation, database, dryRun, log)
				if err != nil {
					return err
				}
				printRetention(cmd, res, d, database)
				failed += len(res.Failed)
			}
			if failed > 0 {
				return fmt.Errorf("%d expired sets could not be deleted; the next run or prune tries again", failed)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print what would be deleted, delete nothing")
	return cmd
}

func printRetention(cmd *cobra.Command, res *dbbackup.RetentionResult, dest dbbackup.Destination, database string) {
	out := cmd.OutOrStdout()
	if res.DryRun {
		fmt.Fprintf(out, "Dry run: nothing is deleted from %s.\n\n", dest)
	}
	if len(res.Decisions) == 0 {
		fmt.Fprintf(out, "No backup sets of database %s in %s.\n", printable(database), dest)
		return
	}
	fmt.Fprintf(out, "Sets of database %s in %s:\n", printable(database), dest)
	failed := map[string]string{}
	for _, f := range res.Failed {
		failed[f.Set.ID] = f.Err
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, d := range res.Decisions {
		action := "keep"
		switch {
		case d.Remove && res.DryRun:
			action = "would delete"
		case d.Remove && failed[d.Set.ID] != "":
			action = "FAILED to delete"
		case d.Remove:
			action = "deleted"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", action, d.Set.ID, dbbackup.HumanSize(d.Set.Size()), d.Reason)
		if e := failed[d.Set.ID]; e != "" {
			fmt.Fprintf(tw, "\t\t\t%s\n", e)
		}
	}
	tw.Flush()
}

// checkClock compares this machine's clock with the database server's
// before a prune deletes anything: a clock a year ahead would make every
// set look expired. A dry run only warns.
func checkClock(ctx context.Context, cfg *config.Config, dryRun bool, log *slog.Logger) error {
	_, db, err := newDatabase(cfg, log) // a refused connection says what to do, as in run
	if err != nil {
		return err
	}
	from := clock()
	snap, err := db.Snapshot(ctx)
	if err == nil {
		server := snap.Info().SnapshotTime
		snap.Close(ctx)
		if skew := dbbackup.ClockSkew(server, from, clock()); skew != 0 {
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
