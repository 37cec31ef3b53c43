package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"golang.org/x/term"
)

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
		case p.Done && p.Stage == dbbackup.StageRestore:
			log.Info("table restored", "format", p.Format, "table", p.Table.String(), "rows", p.Rows, "duration", p.Elapsed.Round(time.Millisecond))
		case p.Done:
			log.Info("table exported", "format", p.Format, "table", p.Table.String(), "rows", p.Rows, "duration", p.Elapsed.Round(time.Millisecond))
		}
	}
}

// isTerminal: progress to w may update one line (text logs to a
// terminal), rather than log a line per table.
func isTerminal(w io.Writer, cfg *config.Config) bool {
	f, isFile := w.(*os.File)
	return cfg.LogFormat == "text" && isFile && term.IsTerminal(int(f.Fd()))
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
