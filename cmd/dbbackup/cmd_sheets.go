package main

import (
	"context"
	"fmt"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/spf13/cobra"
)

func newSheetsCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sheets",
		Short: "Keep tables and queries current in Google Sheets, for reading (not a backup)",
		Long: `A sync job copies a table, or the rows of a read-only query, into a tab of a
Google spreadsheet, for people to read and analyse; it is not a backup. It
reads the database of a backup job (--job, default: default) and writes with
the token of "dbbackup token". SHEETS_SPREADSHEET_ID and SHEETS_TABLES in .env
make the sync job "default" (each table to a tab named after it); the others
are kept in the state database (STATE_DIR).`,
	}
	cmd.AddCommand(newSheetsSaveCommand(g, app.AddJob), newSheetsSaveCommand(g, app.EditJob), newSheetsRemoveCommand(g),
		newSheetsListCommand(g), newSheetsSyncCommand(g))
	return cmd
}

// sheetsSaveOptions are the flags of sheets add and sheets edit.
type sheetsSaveOptions struct {
	how app.Save
	// settings are the flags of config.SyncSettings, in its order; only
	// those given change the sync job.
	settings []givenString
}

func newSheetsSaveCommand(g *globals, how app.Save) *cobra.Command {
	use := "add NAME --spreadsheet ID [--sheet TAB] (--table T | --query SQL) [--mode replace|append --key COLUMN] [--schedule CRON] [--job DB]"
	short := "Add a sync job: a table or a query kept current in a tab of a spreadsheet"
	if how == app.EditJob {
		use, short = "edit NAME [flags]", "Change a sync job (--table replaces its query, --query its table; \"\" removes a setting)"
	}
	opts := sheetsSaveOptions{how: how, settings: make([]givenString, len(config.SyncSettings))}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runSheetsSave(cmd.Context(), g, opts, args) },
	}
	for i, s := range config.SyncSettings {
		cmd.Flags().Var(&opts.settings[i], s.Flag, s.Usage+" ("+s.Key+")")
	}
	return cmd
}

func runSheetsSave(ctx context.Context, g *globals, opts sheetsSaveOptions, args []string) error {
	values := map[string]string{}
	for i, s := range config.SyncSettings {
		if f := opts.settings[i]; f.given {
			values[s.Key] = f.value
		}
	}
	if opts.how == app.EditJob && len(values) == 0 {
		return usageError{fmt.Errorf("no setting to change: `dbbackup sheets edit --help` lists them")}
	}
	if err := g.app().SaveSyncJob(ctx, args[0], values, opts.how); err != nil {
		return err
	}
	verb := "Added"
	if opts.how == app.EditJob {
		verb = "Changed"
	}
	fmt.Fprintf(g.stdout, "%s sync job %s. `dbbackup sheets sync %s` runs it; `dbbackup cron` prints its crontab line when it has a schedule.\n",
		verb, args[0], args[0])
	return nil
}

func newSheetsRemoveCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a sync job (its tabs in the spreadsheet stay as they are)",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runSheetsRemove(cmd.Context(), g, args) },
	}
}

func runSheetsRemove(ctx context.Context, g *globals, args []string) error {
	if err := g.app().RemoveSyncJob(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "Removed sync job %s. Its tabs stay in the spreadsheet; remove its crontab line if it had one (`crontab -e`).\n", args[0])
	return nil
}
