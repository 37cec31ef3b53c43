package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googleauth"
	"github.com/spf13/cobra"
)

// tokenOptions are the flags of token.
type tokenOptions struct {
	listen string
}

func newTokenCommand(g *globals) *cobra.Command {
	var opts tokenOptions
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Authorize dbbackup to your Google Drive and save the refresh token",
		Long: `Opens Google's consent page for the OAuth client in GOOGLE_CREDENTIALS_FILE,
receives the answer on a loopback address, and saves the refresh token to
GOOGLE_TOKEN_FILE (mode 0600). On a server without a browser, open the printed
address on any computer and paste back the address the browser was sent to.

A "Desktop app" client may use any local port (--listen). A "Web application"
client is answered only at its registered redirect URIs: register one such as
http://127.0.0.1:8085/ and this command listens there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runToken(cmd.Context(), g, opts) },
	}
	cmd.Flags().StringVar(&opts.listen, "listen", "127.0.0.1:0", "loopback address to receive Google's redirect on (port 0: any free port; a Web application client uses its registered loopback redirect URI, on this port if given)")
	cmd.AddCommand(newTokenImportCommand(g))
	return cmd
}

func runToken(ctx context.Context, g *globals, opts tokenOptions) error {
	if err := googleauth.CheckListen(opts.listen); err != nil {
		return usageError{err}
	}
	cfg, _, err := g.load(ctx)
	if err != nil {
		return err
	}
	gc := cfg.Google
	oc, err := googleauth.LoadClient(gc.CredentialsFile, gc.Scopes)
	if err != nil {
		return err
	}
	tok, err := googleauth.Authorize(ctx, oc, opts.listen, g.stdin, g.stderr)
	if err != nil {
		return err
	}
	if err := googleauth.WriteToken(gc.TokenFile, tok); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "Authorized. The refresh token is saved in %s (readable by you alone).\n", gc.TokenFile)
	if !cfg.DriveEnabled() {
		fmt.Fprintln(g.stdout, "Next: set DRIVE_BACKUP_FOLDER_ID in .env (or create a folder with `dbbackup drive mkdir Backups`).")
	}
	return nil
}

// tokenImportOptions are the flags of token import.
type tokenImportOptions struct {
	force bool
}

func newTokenImportCommand(g *globals) *cobra.Command {
	var opts tokenImportOptions
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Convert a Python token.pickle (or another token file) into GOOGLE_TOKEN_FILE",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runTokenImport(cmd.Context(), g, opts, args) },
	}
	cmd.Flags().BoolVar(&opts.force, "force", false, "replace GOOGLE_TOKEN_FILE if it exists")
	return cmd
}

func runTokenImport(ctx context.Context, g *globals, opts tokenImportOptions, args []string) error {
	cfg, _, err := g.load(ctx)
	if err != nil {
		return err
	}
	tok, err := googleauth.ReadToken(args[0])
	if err != nil {
		var ce *dbbackup.ConfigError
		if errors.As(err, &ce) {
			ce.Var = args[0]
		}
		return err
	}
	target := cfg.Google.TokenFile
	if _, err := os.Stat(target); err == nil && !opts.force {
		return &dbbackup.ConfigError{Var: "GOOGLE_TOKEN_FILE", Problem: target + " exists already",
			Hint: "add --force to replace it, or set GOOGLE_TOKEN_FILE to another file"}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := googleauth.WriteToken(target, tok); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "Imported %s into %s (mode 0600).\n", args[0], target)
	return nil
}
