package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/retry"
	"github.com/spf13/cobra"
)

// globals are what every command shares: the flags of the root and --job,
// and where the command reads and writes. The edge (newRootCommand) fills
// them in; the runX functions below it never see cobra, so that a test or
// a server can call them with its own writers.
//
// Each cmd_x.go has a newXCommand(g) that binds its flags to an xOptions
// struct, and a RunE of one line that calls runX(ctx, g, opts, args): opts
// when it has flags, args when it takes arguments. runX prints.
type globals struct {
	envFile givenString // --env-file; given makes a missing file an error
	job     givenString // --job: "" is the job default; given narrows list and history
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
}

// jobFlag gives cmd the --job flag.
func (g *globals) jobFlag(cmd *cobra.Command) {
	cmd.Flags().Var(&g.job, "job", "the job to use (dbbackup jobs lists them)")
}

// jobName is the job --job names.
func (g *globals) jobName() string {
	if g.job.value == "" {
		return config.DefaultJob
	}
	return g.job.value
}

func newRootCommand() *cobra.Command {
	g := &globals{envFile: givenString{value: config.DefaultEnvFile}, job: givenString{value: config.DefaultJob}}
	root := &cobra.Command{
		Use:           "dbbackup",
		Short:         "Back up a PostgreSQL database to CSV, XLSX, JSON and pg_dump, and keep it safe",
		Version:       dbbackup.ReadBuild().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// The one place a command's writers come from cobra (SetOut,
		// SetErr and SetIn in tests; the process's own otherwise).
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			g.stdin, g.stdout, g.stderr = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
		},
	}
	root.SetVersionTemplate("{{.Version}}\n") // one line, as dbbackup.Build.String documents it
	root.PersistentFlags().Var(&g.envFile, "env-file", "read settings from this file (the environment overrides it)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{dbbackup.WithHint(err, "`%s --help` lists its flags", c.CommandPath())}
	})
	root.AddCommand(newRunCommand(g), newListCommand(g), newTokenCommand(g), newDriveCommand(g),
		newPruneCommand(g), newCronCommand(g), newCheckCommand(g), newHistoryCommand(g), newVerifyCommand(g), newRestoreCommand(g),
		newJobCommand(g), newJobsCommand(g), newSecretKeyCommand(g), newAgeKeygenCommand(g), newUserCommand(g), newUsersCommand(g), newServeCommand(g), newSheetsCommand(g))
	argsAreUsage(root)
	refuseUnknownCommands(root)
	return root
}

// argsAreUsage makes a wrong number of arguments, for c and every command
// below it, a usage error (exit code 2) that says where the usage is:
// cobra's own is a plain error (exit code 1).
func argsAreUsage(c *cobra.Command) {
	for _, sub := range c.Commands() {
		argsAreUsage(sub)
	}
	if c.Args == nil {
		return
	}
	check := c.Args
	c.Args = func(c *cobra.Command, args []string) error {
		if err := check(c, args); err != nil {
			return usageError{dbbackup.WithHint(err, "usage: %s; `%s --help` says more", c.UseLine(), c.CommandPath())}
		}
		return nil
	}
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
func (g *globals) app() *app.App {
	return &app.App{EnvFile: g.envFile.value, Explicit: g.envFile.given, Now: clock, Retry: retryPolicy}
}

// load reads the settings of the job --job names and sets up logging to
// stderr.
func (g *globals) load(ctx context.Context) (*config.Config, *slog.Logger, error) {
	return g.loadJob(ctx, g.jobName(), nil)
}

// loadJob reads the settings of the job name, with a run's one-off
// settings (keyed as in .env) over them, and sets up logging to stderr.
func (g *globals) loadJob(ctx context.Context, name string, overrides map[string]string) (*config.Config, *slog.Logger, error) {
	cfg, err := g.app().LoadJob(ctx, name, overrides)
	if err != nil {
		return nil, nil, err
	}
	return cfg, app.Logger(cfg, g.stderr), nil
}

// sets inspects the backup sets the settings point at.
func (g *globals) sets(ctx context.Context) (*config.Config, *app.Found, error) {
	cfg, log, err := g.load(ctx)
	if err != nil {
		return nil, nil, err
	}
	f, err := g.app().Sets(ctx, cfg, log)
	return cfg, f, err
}

// givenString is a string flag that knows whether the command line gave
// it, even with its default value: --env-file given must exist, --job
// given narrows list and history, cron's --schedule given replaces every
// job's, and run's one-off settings are only those given. Its type reads
// "string" in the help, as a plain string flag's does.
type givenString struct {
	value string
	given bool
}

func (s *givenString) String() string { return s.value }

func (s *givenString) Set(v string) error {
	s.value, s.given = v, true
	return nil
}

func (s *givenString) Type() string { return "string" }
