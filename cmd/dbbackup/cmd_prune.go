package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/spf13/cobra"
)

// pruneOptions are the flags of prune.
type pruneOptions struct {
	dryRun bool
}

func newPruneCommand(g *globals) *cobra.Command {
	var opts pruneOptions
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
		RunE: func(cmd *cobra.Command, _ []string) error { return runPrune(cmd.Context(), g, opts) },
	}
	cmd.Flags().BoolVar(&opts.dryRun, "dry-run", false, "print what would be deleted, delete nothing")
	g.jobFlag(cmd)
	return cmd
}

func runPrune(ctx context.Context, g *globals, opts pruneOptions) error {
	cfg, log, err := g.load(ctx)
	if err != nil {
		return err
	}
	pruned, err := g.app().Prune(ctx, cfg, log, opts.dryRun)
	if err != nil {
		return err
	}
	database, _ := app.DatabaseName(cfg) // Prune read it
	failed := 0
	for _, p := range pruned {
		printRetention(g.stdout, p.Result, p.Dest, database)
		failed += len(p.Result.Failed)
	}
	if failed > 0 {
		return fmt.Errorf("%d expired sets could not be deleted; the next run or prune tries again", failed)
	}
	return nil
}

func printRetention(out io.Writer, res *dbbackup.RetentionResult, dest dbbackup.Destination, database string) {
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
