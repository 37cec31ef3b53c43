package main

import (
	"errors"
	"fmt"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/spf13/cobra"
)

func newVerifyCommand(g *globals) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "verify [SET]",
		Short: "Read a backup set back and check every file against its manifest",
		Long: `Downloads (or reads) every file of a set from the destination and compares
its size and SHA-256 with the set's manifest. Without SET it checks the newest
set of the configured database; with --all, every set. Exit code 1 when any
file is missing or damaged.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, found, err := g.sets(cmd)
			if err != nil {
				return err
			}
			dest, sets, database := found.Dest, found.Sets, found.Database
			switch {
			case len(args) == 1:
				sets = app.Pick(sets, args[0])
				if len(sets) == 0 {
					return asUsage(&app.NoSetError{ID: args[0], Dest: dest.String()})
				}
			case !all:
				// job: default until --job (issue 8)
				if sets = dbbackup.OfJob(sets, dbbackup.DefaultJob, database); len(sets) > 0 {
					sets = sets[:1]
				}
			}
			if len(sets) == 0 {
				return fmt.Errorf("no backup set of database %s in %s to verify: `dbbackup list` shows the sets", database, dest)
			}
			out := cmd.OutOrStdout()
			recorded, closeHistory, err := manifestRecords(cfg.StateDir)
			if err != nil {
				return err
			}
			defer closeHistory()
			bad := 0
			for _, s := range sets {
				if problem := checkManifest(cmd.Context(), out, dest, s, recorded); problem {
					bad++
				}
				checks, err := dbbackup.Verify(cmd.Context(), dest, s)
				if err != nil {
					bad++
					fmt.Fprintf(out, "FAIL  %s: %v\n", s.ID, err)
					continue
				}
				for _, c := range checks {
					if c.Problem != "" {
						bad++
						fmt.Fprintf(out, "FAIL  %s: %s\n", printable(c.File.Name), c.Problem)
					} else {
						fmt.Fprintf(out, "OK    %s  %s  sha256 %s\n", printable(c.File.Name), dbbackup.HumanSize(c.File.Size), c.File.SHA256)
					}
				}
			}
			if bad > 0 {
				return fmt.Errorf("%d problems in %d sets checked: keep these sets, and make a new backup now (`dbbackup run`)", bad, len(sets))
			}
			if len(sets) == 1 {
				fmt.Fprintf(out, "All files of set %s match its manifest.\n", sets[0].ID)
			} else {
				fmt.Fprintf(out, "All files of %d sets match their manifests.\n", len(sets))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "verify every set, not only the newest")
	return cmd
}

// asUsage makes a set named on the command line that is not there a
// usage error: the same words and exit code (2) for every command that
// takes a SET.
func asUsage(err error) error {
	var ns *app.NoSetError
	if errors.As(err, &ns) {
		return usageError{dbbackup.WithHint(err, "%s", ns.Hint())}
	}
	return err
}
