package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/spf13/cobra"
)

// runOverrides are run's flags that replace a job's setting for one run.
var runOverrides = []struct{ flag, key, usage string }{
	{"formats", "BACKUP_FORMATS", "formats of this run only, e.g. csv"},
	{"schemas", "BACKUP_SCHEMAS", "back up only these schemas, this run only"},
	{"tables", "BACKUP_TABLES", "back up only these tables (schema.table), this run only"},
	{"exclude-tables", "BACKUP_EXCLUDE_TABLES", "leave these tables out, this run only"},
	{"dir", "BACKUP_DIR", "local folder of this run only"},
}

// runOptions are the flags of run.
type runOptions struct {
	all bool
	// oneOff are the flags of runOverrides, in its order; those given
	// replace the job's settings for this run.
	oneOff []givenString
}

// overrides are the one-off settings given, keyed as in .env.
func (o runOptions) overrides() map[string]string {
	var m map[string]string
	for i, f := range o.oneOff {
		if f.given {
			if m == nil {
				m = map[string]string{}
			}
			m[runOverrides[i].key] = f.value
		}
	}
	return m
}

func newRunCommand(g *globals) *cobra.Command {
	opts := runOptions{oneOff: make([]givenString, len(runOverrides))}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Make one backup set now (of the job default, of --job NAME, or of --all jobs)",
		Long: `Export the database from one consistent snapshot into every format in
BACKUP_FORMATS, checksum and store the files, and print a summary. With --all,
every job runs, one after another, each with its own report and history
record; the exit code is the worst of theirs. --formats, --tables, --schemas,
--exclude-tables and --dir change this run only; its report says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRun(cmd.Context(), g, opts) },
	}
	g.jobFlag(cmd)
	cmd.Flags().BoolVar(&opts.all, "all", false, "run every job, one after another")
	for i, o := range runOverrides {
		cmd.Flags().Var(&opts.oneOff[i], o.flag, o.usage+" ("+o.key+")")
	}
	return cmd
}

func runRun(ctx context.Context, g *globals, opts runOptions) error {
	if !opts.all {
		return runBackup(ctx, g, opts, g.jobName())
	}
	if g.job.given {
		return usageError{fmt.Errorf("--all runs every job: leave out --job")}
	}
	return runAll(ctx, g, opts)
}

// runAll runs every job in turn. Its error is that of the job that ended
// worst, so that the exit code is the worst of them.
func runAll(ctx context.Context, g *globals, opts runOptions) error {
	names, err := g.app().JobNames(ctx)
	if err != nil {
		return err
	}
	failed, worst := inTurn(ctx, g, "job", names, func(name string) error { return runBackup(ctx, g, opts, name) })
	if worst == nil {
		fmt.Fprintf(g.stdout, "\nAll %d jobs backed up.\n", len(names))
		return nil
	}
	return fmt.Errorf("%d of %d jobs did not end well (%s); the worst: %w", len(failed), len(names), strings.Join(failed, ", "), worst)
}

// inTurn runs each of names (jobs of the kind noun) with run, one after
// another under a "== noun NAME ==" line, reporting each failure as it
// comes. It returns the names that failed and the error of the one that
// ended worst, so that the exit code is the worst of theirs. An
// interruption stops it: the ones after do not start.
func inTurn(ctx context.Context, g *globals, noun string, names []string, run func(name string) error) (failed []string, worst error) {
	for i, name := range names {
		if i > 0 {
			fmt.Fprintln(g.stdout)
		}
		fmt.Fprintf(g.stdout, "== %s %s ==\n", noun, name)
		err := run(name)
		if err == nil {
			continue
		}
		report(g.stderr, fmt.Errorf("%s %s: %w", noun, name, err))
		failed = append(failed, name)
		if worst == nil || severity(err) > severity(worst) {
			worst = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return failed, worst
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

// runBackup backs up one job, with this run's one-off settings, and
// prints its summary.
func runBackup(ctx context.Context, g *globals, opts runOptions, job string) error {
	a := g.app()
	overrides := opts.overrides()
	cfg, log, err := g.loadJob(ctx, job, overrides)
	if err != nil {
		err = dbbackup.AtStage(dbbackup.StageConfig, err)
		a.ReportEarlyFailure(ctx, job, err, slog.New(slog.NewTextHandler(g.stderr, nil)))
		return err
	}
	if len(overrides) > 0 {
		cfg.Warnings = append(cfg.Warnings, overridesNote(opts))
	}
	o, err := a.Run(ctx, cfg, log, progressPrinter(g.stderr, isTerminal(g.stderr, cfg), log))
	if o != nil {
		printSummary(g.stdout, o)
	}
	return err
}

// overridesNote tells the report which settings came from the command
// line for this run alone.
func overridesNote(opts runOptions) string {
	var used []string
	for i, o := range runOverrides {
		if f := opts.oneOff[i]; f.given {
			used = append(used, fmt.Sprintf("--%s %s", o.flag, f.value))
		}
	}
	return "this run used one-off settings from its command line (" + strings.Join(used, ", ") + "); the job's own settings are unchanged"
}
