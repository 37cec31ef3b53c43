package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

func newJobSaveCommand(g *globals, how app.Save) *cobra.Command {
	use, short := "add NAME --database-url URL [flags]", "Add a job: a database to back up, with its own settings"
	if how == app.EditJob {
		use, short = "edit NAME [flags]", "Change a job's settings (an empty value returns a setting to the .env's)"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			values, err := jobFlagValues(cmd.Flags(), cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if how == app.AddJob && values["DATABASE_URL"] == "" {
				return usageError{fmt.Errorf("--database-url is required: the job's database")}
			}
			if how == app.EditJob && len(values) == 0 {
				return usageError{fmt.Errorf("no setting to change: `dbbackup job edit --help` lists them")}
			}
			if err := g.app(cmd).SaveJob(cmd.Context(), args[0], values, how); err != nil {
				return err
			}
			verb := "Added"
			if how == app.EditJob {
				verb = "Changed"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s job %s. `dbbackup check --job %s` tests it; `dbbackup cron` prints its crontab line.\n", verb, args[0], args[0])
			return nil
		},
	}
	for _, s := range config.JobSettings {
		cmd.Flags().String(s.Flag, "", s.Usage+" ("+s.Key+")")
	}
	return cmd
}

// jobFlagValues are the settings given on the command line, keyed as in
// .env. A secret given as "-" is read from in (one line), so that it is not
// in the process list; given in the flag itself, it is warned about.
func jobFlagValues(flags *pflag.FlagSet, in io.Reader, stderr io.Writer) (map[string]string, error) {
	values := map[string]string{}
	for _, s := range config.JobSettings {
		f := flags.Lookup(s.Flag)
		if f == nil || !f.Changed {
			continue
		}
		v := f.Value.String()
		if s.Secret && v == "-" {
			line, err := bufio.NewReader(in).ReadString('\n')
			if err != nil && (err != io.EOF || line == "") {
				return nil, usageError{fmt.Errorf("--%s -: no line on stdin: %v", s.Flag, err)}
			}
			v = strings.TrimRight(line, "\r\n")
		} else if s.Secret && v != "" && (s.Key != "DATABASE_URL" || strings.Contains(v, "@") && strings.Contains(strings.SplitN(v, "@", 2)[0], ":") || strings.Contains(v, "password=")) {
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.app(cmd).RemoveJob(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Removed job %s. Its backups are kept; remove its crontab line (`crontab -e`).\n", args[0])
			return nil
		},
	}
}

func newJobExportCommand(g *globals) *cobra.Command {
	var withSecrets bool
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Print the stored jobs as JSON, to keep in git (secrets masked)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.app(cmd).ExportJobs(cmd.Context(), withSecrets)
			if err != nil {
				return err
			}
			return writeJSON(cmd.OutOrStdout(), f)
		},
	}
	cmd.Flags().BoolVar(&withSecrets, "with-secrets", false, "include passwords in clear text (needs DBBACKUP_SECRET_KEY)")
	return cmd
}

func newJobImportCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Add or replace jobs from a file `job export` wrote (- reads stdin)",
		Long: `Adds the jobs of FILE and replaces the stored jobs of the same names with
exactly its settings; other stored jobs are kept. A masked secret keeps the
one stored for that job. Nothing is stored unless every job is valid.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var in io.Reader = cmd.InOrStdin()
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return usageError{fmt.Errorf("cannot read the jobs file: %w", err)}
				}
				defer f.Close()
				in = f
			}
			names, err := g.app(cmd).ImportJobs(cmd.Context(), in)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Imported %d jobs: %s.\n", len(names), strings.Join(names, ", "))
			return nil
		},
	}
}
