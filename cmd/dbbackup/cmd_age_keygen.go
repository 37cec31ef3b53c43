package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dbbackup/dbbackup/internal/crypt"
	"github.com/spf13/cobra"
)

func newAgeKeygenCommand(g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "age-keygen -o KEYFILE",
		Short: "Make a key pair for encrypted backups (BACKUP_ENCRYPT_RECIPIENTS)",
		Long: `Makes a new age key pair, as age-keygen does: the private key is written to
KEYFILE (readable by you alone; an existing file is never overwritten), the
public key is printed, one line on standard output. Put the public key in
BACKUP_ENCRYPT_RECIPIENTS on the database server; keep KEYFILE elsewhere, and
a copy of it: it is needed to restore (restore --identity KEYFILE), never to
back up, and without it no encrypted set can be read.
  dbbackup age-keygen -o ~/dbbackup-key.txt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAgeKeygen(cmd.Context(), g, out) },
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write the private key to (required)")
	return cmd
}

// runAgeKeygen prints the public key on stdout and nothing else, so that
// it can be captured; the advice goes to stderr.
func runAgeKeygen(_ context.Context, g *globals, out string) error {
	if out == "" {
		return usageError{fmt.Errorf("-o KEYFILE is required: the private key is written to a file, never to the screen")}
	}
	pub, err := crypt.WriteNewKey(out, time.Now())
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(g.stdout, pub); err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "The private key is in %s: keep it (and a copy) away from the database server; restore needs it.\nPut the public key in .env: BACKUP_ENCRYPT_RECIPIENTS=%s\n", out, pub)
	return nil
}
