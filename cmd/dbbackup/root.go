package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/retry"
	"github.com/spf13/cobra"
)

// globals are the flags every command shares.
type globals struct {
	envFile string
	job     string // --job: "" is the job default
	// overrides are one-off settings of this run, from run's flags,
	// keyed as in .env.
	overrides map[string]string
}

// jobFlag gives cmd the --job flag.
func (g *globals) jobFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&g.job, "job", config.DefaultJob, "the job to use (`dbbackup jobs` lists them)")
}

// jobName is the job --job names.
func (g *globals) jobName() string {
	if g.job == "" {
		return config.DefaultJob
	}
	return g.job
}

func newRootCommand() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "dbbackup",
		Short:         "Back up a PostgreSQL database to CSV, XLSX, JSON and pg_dump, and keep it safe",
		Version:       dbbackup.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.envFile, "env-file", config.DefaultEnvFile, "read settings from this file (the environment overrides it)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{dbbackup.WithHint(err, "`%s --help` lists its flags", c.CommandPath())}
	})
	root.AddCommand(newRunCommand(g), newListCommand(g), newTokenCommand(g), newDriveCommand(g),
		newPruneCommand(g), newCronCommand(g), newCheckCommand(g), newHistoryCommand(g), newVerifyCommand(g), newRestoreCommand(g),
		newJobCommand(g), newJobsCommand(g), newSecretKeyCommand())
	refuseUnknownCommands(root)
	return root
}

// refuseUnknownCommands makes c, and every command below it that only
// groups others, refuse an unknown command as a usage error (exit code 2),
// as an unknown flag is; cobra would exit 1, or show the help and exit 0.
func refuseUnknownCommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		refuseUnknownCommands(sub)
	}
	if !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.SuggestionsMinimumDistance = 2 // cobra's own default, which SuggestionsFor does not apply
	c.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		hint := fmt.Sprintf("`%s --help` lists the commands", c.CommandPath())
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			hint = fmt.Sprintf("did you mean `%s %s`? %s", c.CommandPath(), s[0], hint)
		}
		return usageError{dbbackup.WithHint(fmt.Errorf("unknown command %q for %q", args[0], c.CommandPath()), "%s", hint)}
	}
	c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
}

// retryPolicy is how Google calls are retried; tests shorten it.
var retryPolicy = retry.DefaultPolicy

// clock is this machine's clock; tests set it wrong.
var clock = time.Now

// app is the installation the flags point at.
func (g *globals) app(cmd *cobra.Command) *app.App {
	return &app.App{EnvFile: g.envFile, Explicit: cmd.Flags().Changed("env-file"), Now: clock, Retry: retryPolicy}
}

// load reads the settings of the job --job names and sets up logging to
// stderr.
func (g *globals) load(cmd *cobra.Command) (*config.Config, *slog.Logger, error) {
	return g.loadJob(cmd, g.jobName())
}

// loadJob reads the settings of the job name, with this run's one-off
// settings over them, and sets up logging to stderr.
func (g *globals) loadJob(cmd *cobra.Command, name string) (*config.Config, *slog.Logger, error) {
	cfg, err := g.app(cmd).LoadJob(cmd.Context(), name, g.overrides)
	if err != nil {
		return nil, nil, err
	}
	return cfg, app.Logger(cfg, cmd.ErrOrStderr()), nil
}

// sets inspects the backup sets the settings point at.
func (g *globals) sets(cmd *cobra.Command) (*config.Config, *app.Found, error) {
	cfg, log, err := g.load(cmd)
	if err != nil {
		return nil, nil, err
	}
	f, err := g.app(cmd).Sets(cmd.Context(), cfg, log)
	return cfg, f, err
}
