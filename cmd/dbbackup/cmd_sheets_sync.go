package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// sheetsSyncOptions are the flags of sheets sync.
type sheetsSyncOptions struct {
	all bool
}

func newSheetsSyncCommand(g *globals) *cobra.Command {
	var opts sheetsSyncOptions
	cmd := &cobra.Command{
		Use:   "sync [NAME…|--all]",
		Short: "Run sync jobs now (the .env's job default without NAME)",
		Long: `Runs each sync job named (default, the .env's, without a NAME; every sync job
with --all), one after another, each with its own history record and report;
the exit code is the worst of theirs.`,
		RunE: func(cmd *cobra.Command, args []string) error { return runSheetsSync(cmd.Context(), g, opts, args) },
	}
	cmd.Flags().BoolVar(&opts.all, "all", false, "run every sync job, the .env's included")
	return cmd
}

func runSheetsSync(ctx context.Context, g *globals, opts sheetsSyncOptions, args []string) error {
	a := g.app()
	names := args
	switch {
	case opts.all && len(args) > 0:
		return usageError{fmt.Errorf("--all runs every sync job: leave out the names")}
	case opts.all:
		jobs, err := a.SyncJobs(ctx)
		if err != nil {
			return err
		}
		names = nil
		for _, j := range jobs {
			names = append(names, j.Name)
		}
		if len(names) == 0 {
			return usageError{dbbackup.WithHint(fmt.Errorf("there is no sync job"), "`dbbackup sheets add NAME --spreadsheet ID --table schema.table` makes one")}
		}
	case len(args) == 0:
		names = []string{config.DefaultJob}
	}
	log, tty := syncLogger(a, g.stderr)
	sync := func(name string) error {
		o, err := a.SyncNow(ctx, name, log, syncProgressPrinter(g.stderr, tty))
		if o != nil {
			printSyncSummary(g.stdout, o)
		}
		return err
	}
	if len(names) == 1 {
		return sync(names[0])
	}
	failed, worst := inTurn(ctx, g, "sync job", names, sync)
	if worst == nil {
		fmt.Fprintf(g.stdout, "\nAll %d sync jobs synced.\n", len(names))
		return nil
	}
	return fmt.Errorf("%d of %d sync jobs did not end well (%s); the worst: %w", len(failed), len(names), strings.Join(failed, ", "), worst)
}

// syncLogger is the log the .env asks for (LOG_FORMAT, LOG_LEVEL), on w,
// and whether w is a terminal to show progress on. A .env that cannot be
// read logs as text: the sync says what is wrong with it.
func syncLogger(a *app.App, w io.Writer) (*slog.Logger, bool) {
	cfg, err := a.Load()
	if err != nil {
		return slog.New(slog.NewTextHandler(w, nil)), false
	}
	f, isFile := w.(*os.File)
	return app.Logger(cfg, w), cfg.LogFormat == "text" && isFile && term.IsTerminal(int(f.Fd()))
}

// syncProgressPrinter shows one updating line per tab on a terminal:
// rows written, rows/s and write requests; nothing otherwise (the log
// says when each tab starts and ends).
func syncProgressPrinter(w io.Writer, tty bool) func(app.SyncProgress) {
	if !tty {
		return nil
	}
	return func(p app.SyncProgress) {
		of := ""
		if p.Total > 0 {
			of = " of " + dbbackup.HumanCount(p.Total)
		}
		line := fmt.Sprintf("%s: %s%s rows, %.0f rows/s, %d requests", printable(p.Sheet), dbbackup.HumanCount(p.Rows), of, p.RowsPerSecond, p.Requests)
		if p.Retries > 0 {
			line += fmt.Sprintf(", %d retried", p.Retries)
		}
		if p.Stage == "done" {
			fmt.Fprintf(w, "\r\033[K%s in %s\n", line, p.Elapsed.Round(time.Millisecond))
			return
		}
		fmt.Fprintf(w, "\r\033[K%s (%s)", line, p.Stage)
	}
}

// printSyncSummary says what a sync did: the rows of each tab, where, and
// how many requests it took.
func printSyncSummary(w io.Writer, o *dbbackup.SyncOutcome) {
	took := o.Finished.Sub(o.Started).Round(time.Millisecond)
	requests, retries := o.Requests()
	calls := fmt.Sprintf("%d write %s, %d retried %s", requests, plural(requests, "request"), retries, plural(retries, "call"))
	switch {
	case o.Skipped:
		fmt.Fprintf(w, "Sheets sync %s SKIPPED: another sync of it is running.\n", o.Job)
	case o.OK():
		fmt.Fprintf(w, "Sheets sync %s OK in %s: %s rows from %s into spreadsheet %s (%s)\n",
			o.Job, took, dbbackup.HumanCount(o.Rows()), printable(orDash(o.Database)), o.Spreadsheet, calls)
	case len(o.Tabs) == 0:
		fmt.Fprintf(w, "Sheets sync %s FAILED before it wrote anything.\n", o.Job)
	default:
		fmt.Fprintf(w, "Sheets sync %s FAILED after %s: %s rows written (%s)\n", o.Job, took, dbbackup.HumanCount(o.Rows()), calls)
	}
	for _, t := range o.Tabs {
		status := fmt.Sprintf("%s rows written (%s), %s in the tab", dbbackup.HumanCount(t.Rows), t.Mode, dbbackup.HumanCount(t.SheetRows))
		if t.Err != nil {
			status = "FAILED: " + firstLine(t.Err.Error(), 200)
		}
		fmt.Fprintf(w, "  Tab %s from %s: %s\n", printable(t.Sheet), printable(firstLine(t.Source, 60)), printable(status))
		if t.URL != "" {
			fmt.Fprintf(w, "    %s\n", printable(t.URL))
		}
	}
	for _, warn := range o.Warnings {
		fmt.Fprintf(w, "Warning: %s\n", printable(warn))
	}
	if d := o.Delivery; d != nil {
		fmt.Fprintf(w, "Report (%s): %s.\n", d.Status, printable(strings.TrimSuffix(d.Detail, ".")))
	}
}

// plural is word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
