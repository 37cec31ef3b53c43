package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/dbbackup/dbbackup"
	"github.com/spf13/cobra"
)

func newListCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the backup sets in the destination, with their database and whether they are whole",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, found, err := g.sets(cmd)
			if err != nil {
				return err
			}
			dest, sets := found.Dest, found.Sets
			out := cmd.OutOrStdout()
			if len(sets) == 0 {
				fmt.Fprintf(out, "No backup sets in %s.\n", dest)
				return nil
			}
			fmt.Fprintf(out, "%d backup sets in %s, newest first:\n\n", len(sets), dest)
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			for _, s := range sets {
				state := "complete"
				if !s.Complete {
					state = "BROKEN: " + s.Problem
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d files\t%s\t%s\n", printable(s.ID), printable(orDash(s.Database)), s.Time.Format("2006-01-02 15:04:05"),
					len(s.Files), dbbackup.HumanSize(s.Size()), printable(state))
				for _, f := range s.Files {
					fmt.Fprintf(tw, "  %s\t\t\t\t%s\t%s\n", printable(f.Name), dbbackup.HumanSize(f.Size), printable(f.Link))
				}
			}
			return tw.Flush()
		},
	}
}
