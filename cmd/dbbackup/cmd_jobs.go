package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/spf13/cobra"
)

// jobJSON is one job in `dbbackup jobs --json`; the field names are stable.
type jobJSON struct {
	Name        string   `json:"name"`
	Source      string   `json:"source"` // "env" (.env, the job default) or "stored"
	Database    string   `json:"database,omitempty"`
	Formats     []string `json:"formats,omitempty"`
	Destination string   `json:"destination,omitempty"`
	Schedule    string   `json:"schedule,omitempty"`
	Prefix      string   `json:"prefix,omitempty"`
	Error       string   `json:"error,omitempty"` // why its settings cannot be used
}

// jobsOptions are the flags of jobs.
type jobsOptions struct {
	asJSON bool
}

func newJobsCommand(g *globals) *cobra.Command {
	var opts jobsOptions
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "List the backup jobs: the .env's (default) and the stored ones",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runJobs(cmd.Context(), g, opts) },
	}
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print JSON (field names are stable; see the README)")
	return cmd
}

func runJobs(ctx context.Context, g *globals, opts jobsOptions) error {
	a := g.app()
	names, err := a.JobNames(ctx)
	if err != nil {
		return err
	}
	var jobs []jobJSON
	var broken []string
	for _, name := range names {
		j := jobJSON{Name: name, Source: "stored"}
		if name == config.DefaultJob {
			j.Source = "env"
		}
		cfg, err := a.LoadJob(ctx, name, nil)
		if err == nil {
			j.Database, err = app.DatabaseName(cfg)
		}
		if err != nil {
			j.Error = err.Error()
			jobs = append(jobs, j)
			broken = append(broken, name)
			continue
		}
		for _, f := range cfg.Formats {
			j.Formats = append(j.Formats, string(f))
		}
		j.Destination, j.Schedule, j.Prefix = destinationOf(cfg), cfg.Schedule, cfg.Prefix
		jobs = append(jobs, j)
	}
	if opts.asJSON {
		if err := writeJSON(g.stdout, jobs); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "JOB\tDATABASE\tFORMATS\tDESTINATION\tSCHEDULE\tNAMES")
		for _, j := range jobs {
			if j.Error != "" {
				fmt.Fprintf(tw, "%s\tCANNOT BE USED (below)\t\t\t\t\n", j.Name)
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s_YYYYMMDD_HHMMSS\n", j.Name, printable(orDash(j.Database)), strings.Join(j.Formats, ","),
				printable(j.Destination), j.Schedule, j.Prefix)
		}
		tw.Flush()
		for _, j := range jobs {
			if j.Error != "" {
				fmt.Fprintf(g.stdout, "\nJob %s: %s\n", j.Name, printable(j.Error))
			}
		}
	}
	if len(broken) > 0 {
		return fmt.Errorf("the settings of %d of %d jobs cannot be used (%s): `dbbackup check --job NAME` says what to do", len(broken), len(jobs), strings.Join(broken, ", "))
	}
	return nil
}

// destinationOf says where a job's sets go, for people.
func destinationOf(cfg *config.Config) string {
	if cfg.DriveEnabled() {
		d := "Google Drive folder " + cfg.Google.FolderID
		if cfg.Google.KeepLocal {
			d += " + " + cfg.BackupDir
		}
		return d
	}
	return cfg.BackupDir
}

// writeJSON prints v as indented JSON: the --json output of every command.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
