package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// runOverrides are run's flags that replace a job's setting for one run.
var runOverrides = []struct{ flag, key, usage string }{
	{"formats", "BACKUP_FORMATS", "formats of this run only, e.g. csv"},
	{"schemas", "BACKUP_SCHEMAS", "back up only these schemas, this run only"},
	{"tables", "BACKUP_TABLES", "back up only these tables (schema.table), this run only"},
	{"exclude-tables", "BACKUP_EXCLUDE_TABLES", "leave these tables out, this run only"},
	{"dir", "BACKUP_DIR", "local folder of this run only"},
}

func newRunCommand(g *globals) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Make one backup set now (of the job default, of --job NAME, or of --all jobs)",
		Long: `Export the database from one consistent snapshot into every format in
BACKUP_FORMATS, checksum and store the files, and print a summary. With --all,
every job runs, one after another, each with its own report and history
record; the exit code is the worst of theirs. --formats, --tables, --schemas,
--exclude-tables and --dir change this run only; its report says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, o := range runOverrides {
				if f := cmd.Flags().Lookup(o.flag); f.Changed {
					if g.overrides == nil {
						g.overrides = map[string]string{}
					}
					g.overrides[o.key] = f.Value.String()
				}
			}
			if !all {
				return runBackup(cmd.Context(), g, cmd, g.jobName(), cmd.OutOrStdout())
			}
			if cmd.Flags().Changed("job") {
				return usageError{fmt.Errorf("--all runs every job: leave out --job")}
			}
			return runAll(cmd, g)
		},
	}
	g.jobFlag(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "run every job, one after another")
	for _, o := range runOverrides {
		cmd.Flags().String(o.flag, "", o.usage+" ("+o.key+")")
	}
	return cmd
}

// runAll runs every job in turn. Its error is that of the job that ended
// worst, so that the exit code is the worst of them.
func runAll(cmd *cobra.Command, g *globals) error {
	names, err := g.app(cmd).JobNames(cmd.Context())
	if err != nil {
		return err
	}
	var worst error
	var failed []string
	out := cmd.OutOrStdout()
	for i, name := range names {
		if i > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "== job %s ==\n", name)
		err := runBackup(cmd.Context(), g, cmd, name, out)
		if err == nil {
			continue
		}
		report(cmd.ErrOrStderr(), fmt.Errorf("job %s: %w", name, err))
		failed = append(failed, name)
		if worst == nil || severity(err) > severity(worst) {
			worst = err
		}
		if cmd.Context().Err() != nil {
			break // interrupted: the jobs after it do not start
		}
	}
	if worst == nil {
		fmt.Fprintf(out, "\nAll %d jobs backed up.\n", len(names))
		return nil
	}
	return fmt.Errorf("%d of %d jobs did not end well (%s); the worst: %w", len(failed), len(names), strings.Join(failed, ", "), worst)
}

// severity orders exit codes from best to worst: stored without a report,
// skipped for a lock, failed, a setting that stops the job.
func severity(err error) int {
	switch report(io.Discard, err) {
	case exitNoReport:
		return 1
	case exitLocked:
		return 2
	case exitFailed:
		return 3
	}
	return 4
}

func runBackup(ctx context.Context, g *globals, cmd *cobra.Command, job string, out io.Writer) error {
	a := g.app(cmd)
	cfg, log, err := g.loadJob(cmd, job)
	if err != nil {
		err = dbbackup.AtStage(dbbackup.StageConfig, err)
		a.ReportEarlyFailure(ctx, job, err, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
		return err
	}
	if len(g.overrides) > 0 {
		cfg.Warnings = append(cfg.Warnings, overridesNote(cmd))
	}
	stderr := cmd.ErrOrStderr()
	f, isFile := stderr.(*os.File)
	tty := cfg.LogFormat == "text" && isFile && term.IsTerminal(int(f.Fd()))
	o, err := a.Run(ctx, cfg, log, progressPrinter(stderr, tty, log))
	if o != nil {
		printSummary(out, o)
	}
	return err
}

// overridesNote tells the report which settings came from the command
// line for this run alone.
func overridesNote(cmd *cobra.Command) string {
	var used []string
	for _, o := range runOverrides {
		if f := cmd.Flags().Lookup(o.flag); f.Changed {
			used = append(used, fmt.Sprintf("--%s %s", o.flag, f.Value.String()))
		}
	}
	return "this run used one-off settings from its command line (" + strings.Join(used, ", ") + "); the job's own settings are unchanged"
}

// progressPrinter shows one updating line per table on a terminal, and a
// log line per finished table otherwise (cron, systemd, a pipe).
func progressPrinter(w io.Writer, tty bool, log interface {
	Info(string, ...any)
}) func(dbbackup.Progress) {
	return func(p dbbackup.Progress) {
		if p.Table.Name == "" {
			return // a stage, a stored file: the log says those
		}
		secs := p.Elapsed.Seconds()
		if secs <= 0 {
			secs = 1e-9
		}
		amount := fmt.Sprintf("%d rows, %.0f rows/s", p.Rows, float64(p.Rows)/secs)
		if p.Rows == 0 && p.Bytes > 0 {
			amount = fmt.Sprintf("%s, %s/s", dbbackup.HumanSize(p.Bytes), dbbackup.HumanSize(int64(float64(p.Bytes)/secs)))
		}
		switch {
		case tty && p.Done:
			fmt.Fprintf(w, "\r\033[K%-5s %s: %d rows in %s\n", p.Format, printable(p.Table.String()), p.Rows, p.Elapsed.Round(time.Millisecond))
		case tty:
			fmt.Fprintf(w, "\r\033[K%-5s %s: %s", p.Format, printable(p.Table.String()), amount)
		case p.Done:
			log.Info("table exported", "format", p.Format, "table", p.Table.String(), "rows", p.Rows, "duration", p.Elapsed.Round(time.Millisecond))
		}
	}
}

func printSummary(w io.Writer, o *dbbackup.Outcome) {
	rep := o.Report
	took := rep.Finished.Sub(rep.Started).Round(time.Millisecond)
	if !o.OK() {
		fmt.Fprintf(w, "Backup %s FAILED at stage %s after %s. Nothing of this run was kept; no old backup was deleted.\n",
			orDash(rep.SetID), o.Stage, took)
		printSteps(w, o.Steps())
		return
	}
	s := rep.Snapshot
	fmt.Fprintf(w, "Backup %s OK in %s\n", rep.SetID, took)
	fmt.Fprintf(w, "Database %s (PostgreSQL %s), snapshot %s\n\n", printable(s.Database), s.ServerVersion, s.SnapshotTime.Format(time.RFC3339))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "TABLE\tROWS\t\n")
	for _, t := range rep.Tables {
		rows := fmt.Sprint(t.Rows)
		if t.Rows < 0 {
			rows = "(in dump)"
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", printable(t.Schema+"."+t.Name), rows)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nFiles in %s:\n", o.Destination)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range rep.Files {
		fmt.Fprintf(tw, "  %s\t%s\tsha256 %s\n", printable(f.Name), dbbackup.HumanSize(f.Size), f.SHA256)
		if f.Link != "" && !strings.HasPrefix(f.Link, "file://") {
			fmt.Fprintf(tw, "    %s\t\t\n", printable(f.Link))
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "Manifest SHA-256 %s: kept in the run history, `dbbackup verify` checks the manifest against it.\n", rep.ManifestSHA256())
	for _, warn := range rep.Warnings {
		fmt.Fprintf(w, "Warning: %s\n", printable(warn))
	}
	fmt.Fprintf(w, "Total %s in %d files.\n", dbbackup.HumanSize(rep.Size()), len(rep.Files))
	printSteps(w, o.Steps())
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
