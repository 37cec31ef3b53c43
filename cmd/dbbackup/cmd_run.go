package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/googleauth"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newRunCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Make one backup set now",
		Long: `Export the database from one consistent snapshot into every format in
BACKUP_FORMATS, checksum and store the files, and print a summary.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBackup(cmd.Context(), g, cmd, cmd.OutOrStdout())
		},
	}
}

func runBackup(ctx context.Context, g *globals, cmd *cobra.Command, out io.Writer) error {
	cfg, log, err := g.load(cmd)
	if err != nil {
		err = dbbackup.AtStage(dbbackup.StageConfig, err)
		reportEarlyFailure(ctx, g, cmd, err, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
		return err
	}
	history, closeHistory, unrecorded := openHistory(cfg.StateDir, log)
	defer closeHistory()
	// A DATABASE_URL that does not parse fails with newRunner, recorded.
	database, _ := databaseName(cfg)
	job := &dbbackup.Job{Retention: cfg.Retention, History: history, Unrecorded: unrecorded,
		Database: database, Warnings: settingWarnings(cfg), Log: log}
	// From here on every failure is recorded, and reported when the
	// email settings allow.
	if job.Reporter, err = newReporter(&cfg.Email, log); err != nil {
		return failEarly(ctx, job, dbbackup.StageConfig, err)
	}
	unlock, err := lockRun(cfg)
	if err != nil {
		stage := dbbackup.StageConfig // BACKUP_DIR cannot hold backups
		if lock.IsHeld(err) {
			stage = dbbackup.StageLock // recorded as skipped
		}
		return failEarly(ctx, job, stage, err)
	}
	defer unlock()
	markInterrupted(ctx, history, log)
	removeStaleRestores(cfg.BackupDir, log)

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	r, err := newRunner(ctx, cfg, log)
	if err != nil {
		// A setting, or the destination that could not be reached.
		stage := dbbackup.StageCheck
		if errors.As(err, new(*dbbackup.ConfigError)) {
			stage = dbbackup.StageConfig
		}
		return failEarly(ctx, job, stage, err)
	}
	job.Runner = r
	stderr := cmd.ErrOrStderr()
	f, isFile := stderr.(*os.File)
	tty := cfg.LogFormat == "text" && isFile && term.IsTerminal(int(f.Fd()))
	r.Progress = progressPrinter(stderr, tty, log)
	log.Info("backup started", "destination", r.Dest.String(), "formats", fmt.Sprint(cfg.Formats))
	o, err := job.Run(ctx)
	printSummary(out, o, r.Dest)
	if err != nil {
		return err
	}
	rep := o.Report
	log.Info("backup finished", "set", rep.SetID, "files", len(rep.Files), "bytes", rep.Size(), "duration", rep.Finished.Sub(rep.Started).Round(time.Millisecond))
	return nil
}

// settingWarnings are what the settings themselves warn about, for the
// report: an unattended run's email must show what only its log said.
func settingWarnings(cfg *config.Config) []string {
	w := append([]string{}, cfg.Warnings...)
	if cfg.DriveEnabled() {
		if e := googleauth.Exposed(cfg.Google.TokenFile); e != "" {
			w = append(w, e)
		}
	}
	return w
}

// failEarly records and reports a run that failed before its runner ran,
// and returns the error named by its stage.
func failEarly(ctx context.Context, job *dbbackup.Job, stage dbbackup.Stage, err error) error {
	err = dbbackup.AtStage(stage, err)
	job.ReportFailure(ctx, err)
	return err
}

// progressPrinter shows one updating line per table on a terminal, and a
// log line per finished table otherwise (cron, systemd, a pipe).
func progressPrinter(w io.Writer, tty bool, log interface {
	Info(string, ...any)
}) func(dbbackup.Progress) {
	return func(p dbbackup.Progress) {
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

func printSummary(w io.Writer, o *dbbackup.Outcome, dest dbbackup.Destination) {
	rep := o.Report
	took := rep.Finished.Sub(rep.Started).Round(time.Millisecond)
	if !o.OK() {
		fmt.Fprintf(w, "Backup %s FAILED at stage %s after %s. Nothing of this run was kept; no old backup was deleted.\n",
			orDash(rep.SetID), o.Stage, took)
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
	fmt.Fprintf(w, "\nFiles in %s:\n", dest)
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
	for i, res := range []*dbbackup.RetentionResult{o.Retention, o.CopyRetention} {
		if res == nil {
			continue
		}
		what := []string{"Retention", "Retention of the local copy"}[i]
		fmt.Fprintf(w, "%s: deleted %d expired sets of database %s.\n", what, len(res.Removed), printable(s.Database))
		for _, f := range res.Failed {
			fmt.Fprintf(w, "%s: could not delete %s (the next run tries again): %s\n", what, f.Set.ID, f.Err)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
