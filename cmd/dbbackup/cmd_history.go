package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/spf13/cobra"
)

// runJSON is one run in `dbbackup history --json`; the names are stable.
type runJSON struct {
	ID int64 `json:"id"`
	// Kind is "backup", or "sheets" for a Google Sheets sync, whose Job
	// is a sync job's name, and Rows and Tabs what it wrote where.
	Kind     string     `json:"kind"`
	Job      string     `json:"job"`
	Database string     `json:"database"`
	Set      string     `json:"set"`
	Started  time.Time  `json:"started"`
	Finished *time.Time `json:"finished"`
	Status   string     `json:"status"`
	Stage    string     `json:"stage,omitempty"`
	Error    string     `json:"error,omitempty"`
	Files    int        `json:"files"`
	Size     int64      `json:"size"`
	Report   string     `json:"report"` // "sent", "not sent" or "-" (none)
	Rows     int64      `json:"rows,omitempty"`
	Tabs     string     `json:"tabs,omitempty"` // the tabs' titles, comma-separated
}

// historyOptions are the flags of history.
type historyOptions struct {
	limit  int
	asJSON bool
}

func newHistoryCommand(g *globals) *cobra.Command {
	var opts historyOptions
	cmd := &cobra.Command{
		Use:   "history [RUN]",
		Short: "Show past runs, or everything about one run (its report included)",
		Args:  cobra.MaximumNArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runHistory(cmd.Context(), g, opts, args) },
	}
	cmd.Flags().IntVar(&opts.limit, "limit", 30, "how many runs to list (0: all)")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print JSON (field names are stable; see the README)")
	g.jobFlag(cmd)
	return cmd
}

func runHistory(ctx context.Context, g *globals, opts historyOptions, args []string) error {
	cfg, _, err := g.load(ctx)
	if err != nil {
		return err
	}
	s, err := state.Open(cfg.StateDir)
	if err != nil {
		return err
	}
	defer s.Close()
	out := g.stdout
	if len(args) == 1 {
		id, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return usageError{fmt.Errorf("RUN must be a run number from `dbbackup history`, not %q", args[0])}
		}
		d, err := s.Run(ctx, id)
		if errors.Is(err, dbbackup.ErrNotFound) {
			return usageError{dbbackup.WithHint(fmt.Errorf("there is no run %d in the history", id), "`dbbackup history` lists the runs")}
		}
		if err != nil {
			return err
		}
		printRun(out, d)
		return nil
	}
	job := ""
	if g.job.given {
		job = g.jobName()
	}
	runs, err := s.Runs(ctx, job, opts.limit)
	if err != nil {
		return err
	}
	if opts.asJSON {
		list := []runJSON{}
		for _, r := range runs {
			j := runJSON{ID: r.ID, Kind: string(r.Kind), Job: r.Job, Database: r.Database, Set: r.SetID, Started: r.Started, Status: string(r.Status),
				Stage: string(r.Stage), Error: r.Error, Files: r.FileCount, Size: r.Size, Report: reportState(r), Rows: r.Rows, Tabs: r.Tabs}
			if !r.Finished.IsZero() {
				j.Finished = &r.Finished
			}
			list = append(list, j)
		}
		return writeJSON(out, list)
	}
	if len(runs) == 0 {
		fmt.Fprintf(out, "No runs recorded in %s yet.\n", s.Path())
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTARTED\tSTATUS\tJOB\tDATABASE\tSET\tFILES\tSIZE\tREPORT\tERROR")
	for _, r := range runs {
		job, set, files, size := r.Job, orDash(r.SetID), fmt.Sprint(r.FileCount), dbbackup.HumanSize(r.Size)
		if r.Kind == state.KindSheets {
			// A sync: its tabs and rows where a backup has its set and files.
			job, set, files, size = "sheets:"+r.Job, printable("→ "+orDash(r.Tabs)), dbbackup.HumanCount(r.Rows)+" rows", "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Started.Format("2006-01-02 15:04:05"), app.RunStatus(r),
			job, printable(orDash(r.Database)), set, files, size, reportState(r), firstLine(r.Error, 70))
	}
	return tw.Flush()
}

func reportState(r state.Run) string {
	switch {
	case !r.HasReport:
		return "-"
	case r.ReportSent:
		return "sent"
	}
	return "not sent"
}

func firstLine(s string, max int) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

func printRun(w io.Writer, d *state.RunDetail) {
	fmt.Fprintf(w, "Run %d: %s\n", d.ID, app.RunStatus(d.Run))
	fmt.Fprintf(w, "Started %s, finished %s\n", d.Started.Format(time.RFC3339), orDash(formatTime(d.Finished)))
	if d.Kind == state.KindSheets {
		printSyncRun(w, d)
	} else {
		fmt.Fprintf(w, "Set %s of database %s in %s\n", orDash(d.SetID), orDash(d.Database), orDash(d.Destination))
	}
	if d.Error != "" {
		fmt.Fprintf(w, "Error: %s\n", d.Error)
	}
	if d.Hint != "" {
		fmt.Fprintf(w, "Try: %s\n", d.Hint)
	}
	steps := d.Steps
	if d.Kind == state.KindSheets {
		// printSyncRun said more of each tab than its step does.
		steps = slices.DeleteFunc(slices.Clone(steps), func(s dbbackup.Step) bool { return strings.HasPrefix(s.Name, "tab-") })
	}
	printSteps(w, steps)
	if d.Report == nil {
		return
	}
	sent := "sent"
	if !d.Report.Sent {
		sent = "NOT sent: " + d.Report.Error
	}
	fmt.Fprintf(w, "\nReport (%s): %s\n\n%s\n", sent, d.Report.Subject, d.Report.Text)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// printSyncRun says what a sync run wrote where: one line per tab.
func printSyncRun(w io.Writer, d *state.RunDetail) {
	fmt.Fprintf(w, "Sync job %s, %s, from database %s\n", d.Job, orDash(d.Destination), printable(orDash(d.Database)))
	for _, t := range d.Sheets {
		status := fmt.Sprintf("%s rows written (%s), %s in the tab, %d write %s, %d retried %s", dbbackup.HumanCount(t.Rows), t.Mode,
			dbbackup.HumanCount(t.SheetRows), t.Requests, plural(t.Requests, "request"), t.Retries, plural(t.Retries, "call"))
		if t.Error != "" {
			status = "FAILED: " + firstLine(t.Error, 200)
		}
		fmt.Fprintf(w, "  Tab %s from %s: %s\n", printable(t.Sheet), printable(firstLine(t.Source, 60)), printable(status))
		if t.URL != "" {
			fmt.Fprintf(w, "    %s\n", printable(t.URL))
		}
	}
}
