package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/spf13/cobra"
)

func newJobCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: "Add, change, remove, export and import backup jobs (one per database)",
		Long: `A job is one database and how it is backed up. The job "default" is the .env
file; the others are kept in the state database (STATE_DIR), their secrets
sealed with DBBACKUP_SECRET_KEY. A setting a job does not set comes from .env.`,
	}
	cmd.AddCommand(newJobSaveCommand(g, app.AddJob), newJobSaveCommand(g, app.EditJob),
		newJobRemoveCommand(g), newJobExportCommand(g), newJobImportCommand(g))
	return cmd
}

// jobSaveOptions are the flags of job add and job edit.
type jobSaveOptions struct {
	how app.Save
	// settings are the flags of config.JobSettings, in its order; only
	// those given change the job.
	settings []givenString
}

func newJobSaveCommand(g *globals, how app.Save) *cobra.Command {
	use, short := "add NAME --database-url URL [flags]", "Add a job: a database to back up, with its own settings"
	if how == app.EditJob {
		use, short = "edit NAME [flags]", "Change a job's settings (an empty value returns a setting to the .env's)"
	}
	opts := jobSaveOptions{how: how, settings: make([]givenString, len(config.JobSettings))}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runJobSave(cmd.Context(), g, opts, args) },
	}
	for i, s := range config.JobSettings {
		cmd.Flags().Var(&opts.settings[i], s.Flag, s.Usage+" ("+s.Key+")")
	}
	return cmd
}

func runJobSave(ctx context.Context, g *globals, opts jobSaveOptions, args []string) error {
	values, err := jobFlagValues(opts.settings, g.stdin, g.stderr)
	if err != nil {
		return err
	}
	if opts.how == app.AddJob && values["DATABASE_URL"] == "" {
		return usageError{fmt.Errorf("--database-url is required: the job's database")}
	}
	if opts.how == app.EditJob && len(values) == 0 {
		return usageError{fmt.Errorf("no setting to change: `dbbackup job edit --help` lists them")}
	}
	if err := g.app().SaveJob(ctx, args[0], values, opts.how); err != nil {
		return err
	}
	verb := "Added"
	if opts.how == app.EditJob {
		verb = "Changed"
	}
	fmt.Fprintf(g.stdout, "%s job %s. `dbbackup check --job %s` tests it; `dbbackup cron` prints its crontab line.\n", verb, args[0], args[0])
	warnScope(ctx, g, args[0])
	return nil
}

// warnScope checks the saved job against its database (app.CheckScope)
// and warns about what its next run would fail on: a table pattern that
// matches nothing, or a database that does not answer now. The job is
// saved either way: the database may be down for a while.
func warnScope(ctx context.Context, g *globals, name string) {
	cfg, log, err := g.loadJob(ctx, name, nil)
	if err == nil {
		_, err = app.CheckScope(ctx, cfg, log)
	}
	if err == nil {
		return
	}
	if errors.As(err, new(*dbbackup.ConfigError)) {
		fmt.Fprintf(g.stderr, "Warning: the job is saved, but its next run will fail: %v\n", err)
	} else {
		fmt.Fprintf(g.stderr, "Warning: the job is saved, but its database could not be checked now: %v\n", err)
	}
	if hint := dbbackup.Explain(err).Hint; hint != "" {
		fmt.Fprintf(g.stderr, "Try: %s\n", hint)
	}
}

// jobFlagValues are the settings given on the command line (flags, one
// for each of config.JobSettings), keyed as in .env. A secret given as "-"
// is read from in, one line each in the order of config.JobSettings
// (--database-url before --smtp-password), so that it is not in the
// process list; given in the flag itself, it is warned about.
func jobFlagValues(flags []givenString, in io.Reader, stderr io.Writer) (map[string]string, error) {
	values := map[string]string{}
	lines := bufio.NewReader(in) // one reader: each secret takes its own line
	for i, s := range config.JobSettings {
		if !flags[i].given {
			continue
		}
		v := flags[i].value
		if s.Secret && v == "-" {
			line, err := lines.ReadString('\n')
			if err != nil && (err != io.EOF || line == "") {
				return nil, usageError{fmt.Errorf("--%s -: no line on stdin for it: %v", s.Flag, err)}
			}
			v = strings.TrimRight(line, "\r\n")
		} else if app.HoldsSecret(s.Key, v) {
			fmt.Fprintf(stderr, "Warning: --%s holds a secret, which every user of this machine can read in the process list: give it as --%s - and type it on stdin\n", s.Flag, s.Flag)
		}
		values[s.Key] = v
	}
	return values, nil
}

func newJobRemoveCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a job (its backups stay where they are)",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runJobRemove(cmd.Context(), g, args) },
	}
}

func runJobRemove(ctx context.Context, g *globals, args []string) error {
	if err := g.app().RemoveJob(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "Removed job %s. Its backups are kept; remove its crontab line (`crontab -e`).\n", args[0])
	return nil
}

// jobExportOptions are the flags of job export.
type jobExportOptions struct {
	withSecrets bool
}

func newJobExportCommand(g *globals) *cobra.Command {
	var opts jobExportOptions
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Print the stored jobs as JSON, to keep in git (secrets masked)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runJobExport(cmd.Context(), g, opts) },
	}
	cmd.Flags().BoolVar(&opts.withSecrets, "with-secrets", false, "include passwords in clear text (needs DBBACKUP_SECRET_KEY)")
	return cmd
}

func runJobExport(ctx context.Context, g *globals, opts jobExportOptions) error {
	f, err := g.app().ExportJobs(ctx, opts.withSecrets)
	if err != nil {
		return err
	}
	for _, w := range f.Warnings {
		fmt.Fprintf(g.stderr, "Warning: %s\n", w)
	}
	if opts.withSecrets {
		fmt.Fprintln(g.stderr, "Note: the output holds passwords in clear text: keep it where only you can read it (umask 077), not in git")
	}
	return writeJSON(g.stdout, f)
}

func newJobImportCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Add or replace jobs from a file `job export` wrote (- reads stdin)",
		Long: `Adds the jobs of FILE and replaces the stored jobs of the same names with
exactly its settings; other stored jobs are kept. A masked secret keeps the
one stored for that job. Nothing is stored unless every job is valid.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runJobImport(cmd.Context(), g, args) },
	}
}

func runJobImport(ctx context.Context, g *globals, args []string) error {
	in := g.stdin
	if args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return usageError{fmt.Errorf("cannot read the jobs file: %w", err)}
		}
		defer f.Close()
		in = f
	}
	names, err := g.app().ImportJobs(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "Imported %d jobs: %s.\n", len(names), strings.Join(names, ", "))
	return nil
}
