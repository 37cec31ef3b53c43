package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// driveMkdirOptions are the flags of drive mkdir.
type driveMkdirOptions struct {
	parent string
}

func newDriveCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "drive", Short: "Google Drive helpers"}
	var opts driveMkdirOptions
	mkdir := &cobra.Command{
		Use:   "mkdir NAME",
		Short: "Create a Drive folder for backups and print its id for DRIVE_BACKUP_FOLDER_ID",
		Long: `Creates a folder in your Google Drive with the saved token. A folder made
by dbbackup is visible with the narrow drive.file scope (GOOGLE_SCOPES), while a
folder made in the Drive web interface is not.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runDriveMkdir(cmd.Context(), g, opts, args) },
	}
	mkdir.Flags().StringVar(&opts.parent, "parent", "", "id of the folder to create it in (default: My Drive)")
	cmd.AddCommand(mkdir)
	return cmd
}

func runDriveMkdir(ctx context.Context, g *globals, opts driveMkdirOptions, args []string) error {
	cfg, log, err := g.load(ctx)
	if err != nil {
		return err
	}
	cfg.Google.FolderID = opts.parent
	d, _, err := g.app().Drive(ctx, cfg, log)
	if err != nil {
		return err
	}
	id, link, err := d.CreateFolder(ctx, args[0], opts.parent)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "Created %q: %s\nAdd this line to .env:\n\nDRIVE_BACKUP_FOLDER_ID=%s\n", args[0], link, id)
	return nil
}
