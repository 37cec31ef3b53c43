package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newDriveCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "drive", Short: "Google Drive helpers"}
	var parent string
	mkdir := &cobra.Command{
		Use:   "mkdir NAME",
		Short: "Create a Drive folder for backups and print its id for DRIVE_BACKUP_FOLDER_ID",
		Long: `Creates a folder in your Google Drive with the saved token. A folder made
by dbbackup is visible with the narrow drive.file scope (GOOGLE_SCOPES), while a
folder made in the Drive web interface is not.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, log, err := g.load(cmd)
			if err != nil {
				return err
			}
			cfg.Google.FolderID = parent
			d, _, err := g.app(cmd).Drive(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			id, link, err := d.CreateFolder(cmd.Context(), args[0], parent)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created %q: %s\nAdd this line to .env:\n\nDRIVE_BACKUP_FOLDER_ID=%s\n", args[0], link, id)
			return nil
		},
	}
	mkdir.Flags().StringVar(&parent, "parent", "", "id of the folder to create it in (default: My Drive)")
	cmd.AddCommand(mkdir)
	return cmd
}
