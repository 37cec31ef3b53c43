package main

import (
	"context"
	"fmt"

	"github.com/dbbackup/dbbackup/internal/secret"
	"github.com/spf13/cobra"
)

func newSecretKeyCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "secret-key",
		Short: "Print a new random key for " + secret.KeyVar,
		Long: `Prints a new random key, one line on standard output, for the variable
` + secret.KeyVar + `: the passwords of jobs made with "dbbackup job" are stored
encrypted with it. Put it in .env, e.g.
  echo "` + secret.KeyVar + `=$(dbbackup secret-key)" >> .env
and keep a copy where the backups are: without the key the stored passwords
cannot be read, and a new key does not open what the old one stored.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSecretKey(cmd.Context(), g) },
	}
}

// runSecretKey prints a new key on stdout, and nothing else, so that the
// output can be captured as it is; the advice goes to stderr.
func runSecretKey(_ context.Context, g *globals) error {
	if _, err := fmt.Fprintln(g.stdout, secret.NewKey()); err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "Put it in .env as %s=… and keep a copy: the secrets stored with it cannot be read without it.\n", secret.KeyVar)
	return nil
}
