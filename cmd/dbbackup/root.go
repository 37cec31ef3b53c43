package main

import (
	"fmt"
	"log/slog"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/spf13/cobra"
)

// globals are the flags every command shares.
type globals struct {
	envFile string
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
		newPruneCommand(g), newCronCommand(), newCheckCommand(g), newHistoryCommand(g), newVerifyCommand(g), newRestoreCommand(g))
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

// load reads the configuration and sets up logging to stderr.
func (g *globals) load(cmd *cobra.Command) (*config.Config, *slog.Logger, error) {
	cfg, err := config.Load(g.envFile, cmd.Flags().Changed("env-file"))
	if err != nil {
		return nil, nil, err
	}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(cmd.ErrOrStderr(), opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(cmd.ErrOrStderr(), opts)
	}
	log := slog.New(h)
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	return cfg, log, nil
}

// found is what the settings point at: the backup sets in the configured
// destination, newest first, and the database the settings connect to.
type found struct {
	cfg      *config.Config
	dest     dbbackup.Destination
	sets     []dbbackup.Set
	database string
}

// sets inspects the backup sets the settings point at.
func (g *globals) sets(cmd *cobra.Command) (*found, error) {
	cfg, log, err := g.load(cmd)
	if err != nil {
		return nil, err
	}
	f := &found{cfg: cfg}
	if f.database, err = databaseName(cfg); err != nil {
		return nil, err
	}
	if f.dest, err = newDestination(cmd.Context(), cfg, log); err != nil {
		return nil, err
	}
	f.sets, err = dbbackup.InspectSets(cmd.Context(), f.dest, cfg.NameLocation)
	return f, err
}
