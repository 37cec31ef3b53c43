package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/spf13/cobra"
)

func newCheckCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the whole setup: settings, database, pg_dump, Google, SMTP",
		Long: `Walks the setup a backup needs and prints one line per check with OK or FAIL
and, for a failure, what to do. It changes nothing (a Google access token may
be refreshed). Exit code 0 only when every check passes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			cfg, log, err := g.load(cmd)
			if err != nil {
				fmt.Fprintf(out, "FAIL  settings: %v\n", err)
				return err
			}
			env := "environment only (no .env file)"
			if cfg.EnvFile != "" {
				env = "read " + cfg.EnvFile + " and the environment"
			}
			fmt.Fprintf(out, "OK    settings: %s\n", env)
			failed := 0
			checks := g.app(cmd).Checks(cfg, log)
			for _, c := range checks {
				ctx, cancel := context.WithTimeout(cmd.Context(), time.Minute)
				detail, err := c.Run(ctx)
				cancel()
				if err != nil {
					failed++
					fmt.Fprintf(out, "FAIL  %s: %v\n", c.Name, err)
					if hint := app.HintOf(err); hint != "" {
						fmt.Fprintf(out, "      Try: %s\n", hint)
					}
					continue
				}
				fmt.Fprintf(out, "OK    %s: %s\n", c.Name, detail)
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d checks failed", failed, len(checks)+1)
			}
			fmt.Fprintf(out, "All %d checks passed.\n", len(checks)+1)
			return nil
		},
	}
}
