package main

import (
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
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newRunCommand(g), newListCommand(g), newTokenCommand(g), newDriveCommand(g),
		newPruneCommand(g), newCronCommand(), newCheckCommand(g), newHistoryCommand(g), newVerifyCommand(g), newRestoreCommand(g))
	return root
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

// sets inspects the backup sets in the configured destination, newest
// first, and names the database the settings connect to.
func (g *globals) sets(cmd *cobra.Command) (dbbackup.Destination, []dbbackup.Set, string, error) {
	cfg, log, err := g.load(cmd)
	if err != nil {
		return nil, nil, "", err
	}
	database, err := databaseName(cfg)
	if err != nil {
		return nil, nil, "", err
	}
	dest, err := newDestination(cmd.Context(), cfg, log)
	if err != nil {
		return nil, nil, "", err
	}
	sets, err := dbbackup.InspectSets(cmd.Context(), dest, cfg.NameLocation)
	return dest, sets, database, err
}
