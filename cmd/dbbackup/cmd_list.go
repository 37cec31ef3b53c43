package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/spf13/cobra"
)

// setJSON is one set in `dbbackup list --json`; the names are stable.
type setJSON struct {
	ID       string          `json:"id"`
	Job      string          `json:"job"`
	Database string          `json:"database"`
	Time     time.Time       `json:"time"`
	Complete bool            `json:"complete"`
	Problem  string          `json:"problem,omitempty"`
	Size     int64           `json:"size"`
	Files    []dbbackup.File `json:"files"`
}

// listOptions are the flags of list.
type listOptions struct {
	asJSON bool
}

func newListCommand(g *globals) *cobra.Command {
	var opts listOptions
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the backup sets in the destination, with their database and whether they are whole",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runList(cmd.Context(), g, opts) },
	}
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print JSON (field names are stable; see the README)")
	g.jobFlag(cmd)
	return cmd
}

func runList(ctx context.Context, g *globals, opts listOptions) error {
	_, found, err := g.sets(ctx)
	if err != nil {
		return err
	}
	dest, sets := found.Dest, found.Sets
	if g.job.given {
		sets = ofJob(sets, g.jobName())
	}
	out := g.stdout
	if opts.asJSON {
		list := []setJSON{}
		for _, s := range sets {
			list = append(list, setJSON{ID: s.ID, Job: s.Job, Database: s.Database, Time: s.Time, Complete: s.Complete,
				Problem: s.Problem, Size: s.Size(), Files: s.Files})
		}
		return writeJSON(out, list)
	}
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d files\t%s\t%s\n", printable(s.ID), s.Job, printable(orDash(s.Database)), s.Time.Format("2006-01-02 15:04:05"),
			len(s.Files), dbbackup.HumanSize(s.Size()), printable(state))
		for _, f := range s.Files {
			fmt.Fprintf(tw, "  %s\t\t\t\t\t%s\t%s\n", printable(f.Name), dbbackup.HumanSize(f.Size), printable(f.Link))
		}
	}
	return tw.Flush()
}

// ofJob is the sets of job, of any database.
func ofJob(sets []dbbackup.Set, job string) []dbbackup.Set {
	var mine []dbbackup.Set
	for _, s := range sets {
		if s.Job == job {
			mine = append(mine, s)
		}
	}
	return mine
}
