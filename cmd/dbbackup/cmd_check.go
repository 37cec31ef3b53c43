package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/spf13/cobra"
)

// checkJSON is one check in `dbbackup check --json`; the names are stable.
type checkJSON struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
	Error  string `json:"error,omitempty"`
	Hint   string `json:"hint,omitempty"`
}

// checkOptions are the flags of check.
type checkOptions struct {
	asJSON bool
}

func newCheckCommand(g *globals) *cobra.Command {
	var opts checkOptions
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the whole setup: settings, database, pg_dump, Google, SMTP",
		Long: `Walks the setup a backup needs and prints one line per check with OK or FAIL
and, for a failure, what to do. It changes nothing (a Google access token may
be refreshed). Exit code 0 only when every check passes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCheck(cmd.Context(), g, opts) },
	}
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print JSON (field names are stable; see the README)")
	g.jobFlag(cmd)
	return cmd
}

func runCheck(ctx context.Context, g *globals, opts checkOptions) error {
	out := g.stdout
	var done []checkJSON
	// say prints a check as soon as it is done (some take seconds);
	// JSON waits for all of them.
	say := func(c checkJSON) {
		done = append(done, c)
		switch {
		case opts.asJSON:
		case c.OK:
			fmt.Fprintf(out, "OK    %s: %s\n", c.Name, c.Detail)
		default:
			fmt.Fprintf(out, "FAIL  %s: %s\n", c.Name, c.Error)
			if c.Hint != "" && c.Name != "settings" { // main prints the settings error's
				fmt.Fprintf(out, "      Try: %s\n", c.Hint)
			}
		}
	}
	err := runChecks(ctx, g, say)
	if opts.asJSON {
		if werr := writeJSON(out, struct {
			OK     bool        `json:"ok"`
			Checks []checkJSON `json:"checks"`
		}{err == nil, done}); werr != nil {
			return werr
		}
	} else if err == nil {
		fmt.Fprintf(out, "All %d checks passed.\n", len(done))
	}
	return err
}

// runChecks runs every check of the job's setup, telling say of each.
func runChecks(ctx context.Context, g *globals, say func(checkJSON)) error {
	cfg, log, err := g.load(ctx)
	if err != nil {
		say(checkJSON{Name: "settings", Error: err.Error(), Hint: dbbackup.Explain(err).Hint})
		return err
	}
	env := "environment only (no .env file)"
	if cfg.EnvFile != "" {
		env = "read " + cfg.EnvFile + " and the environment"
	}
	if cfg.Job != "default" {
		env = "job " + cfg.Job + " from the state database; the settings it does not set: " + strings.TrimPrefix(env, "read ")
	}
	say(checkJSON{Name: "settings", OK: true, Detail: env})
	failed := 0
	checks := g.app().Checks(cfg, log)
	for _, c := range checks {
		one, cancel := context.WithTimeout(ctx, time.Minute)
		detail, err := c.Run(one)
		cancel()
		if err != nil {
			failed++
			say(checkJSON{Name: c.Name, Error: err.Error(), Hint: dbbackup.Explain(err).Hint})
			continue
		}
		say(checkJSON{Name: c.Name, OK: true, Detail: detail})
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d checks failed", failed, len(checks)+1)
	}
	return nil
}
