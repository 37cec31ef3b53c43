package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/spf13/cobra"
)

// syncJobJSON is one sync job in `dbbackup sheets list --json`; the field
// names are stable.
type syncJobJSON struct {
	Name        string        `json:"name"`
	Source      string        `json:"source"` // "env" (.env, the sync job default) or "stored"
	Job         string        `json:"job,omitempty"`
	Spreadsheet string        `json:"spreadsheet,omitempty"`
	Tabs        []syncTabJSON `json:"tabs,omitempty"`
	Mode        string        `json:"mode,omitempty"`
	Key         string        `json:"key,omitempty"`
	Schedule    string        `json:"schedule,omitempty"`
	Last        *lastSyncJSON `json:"last,omitempty"`
	Error       string        `json:"error,omitempty"` // why its settings cannot be used
}

type syncTabJSON struct {
	Sheet string `json:"sheet"`
	Table string `json:"table,omitempty"`
	Query string `json:"query,omitempty"`
}

type lastSyncJSON struct {
	Run     int64     `json:"run"`
	Started time.Time `json:"started"`
	Status  string    `json:"status"`
	Rows    int64     `json:"rows"`
}

// sheetsListOptions are the flags of sheets list.
type sheetsListOptions struct {
	asJSON bool
}

func newSheetsListCommand(g *globals) *cobra.Command {
	var opts sheetsListOptions
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the sync jobs and how each last ran",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runSheetsList(cmd.Context(), g, opts) },
	}
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print JSON (field names are stable; see the README)")
	return cmd
}

func runSheetsList(ctx context.Context, g *globals, opts sheetsListOptions) error {
	a := g.app()
	jobs, err := a.SyncJobs(ctx)
	if err != nil {
		return err
	}
	names := make([]string, len(jobs))
	for i, j := range jobs {
		names[i] = j.Name
	}
	last, err := a.LastSyncs(ctx, names)
	if err != nil {
		return err
	}
	list := []syncJobJSON{}
	var broken []string
	for _, j := range jobs {
		list = append(list, syncJobOf(j, last))
		if j.Err != nil {
			broken = append(broken, j.Name)
		}
	}
	if opts.asJSON {
		if err := writeJSON(g.stdout, list); err != nil {
			return err
		}
	} else {
		printSyncJobs(g, list)
	}
	if len(broken) > 0 {
		return fmt.Errorf("the settings of %d of %d sync jobs cannot be used (%s): `dbbackup sheets edit NAME` changes them", len(broken), len(jobs), strings.Join(broken, ", "))
	}
	return nil
}

func syncJobOf(j app.SyncJob, last map[string]state.Run) syncJobJSON {
	out := syncJobJSON{Name: j.Name, Source: "stored"}
	if !j.Stored {
		out.Source = "env"
	}
	if r, ok := last[j.Name]; ok {
		out.Last = &lastSyncJSON{Run: r.ID, Started: r.Started, Status: string(r.Status), Rows: r.Rows}
	}
	if j.Err != nil {
		out.Error = j.Err.Error()
		return out
	}
	s := j.Job
	out.Job, out.Spreadsheet, out.Mode, out.Key, out.Schedule = s.Job, s.SpreadsheetID, s.Mode, s.Key, s.Schedule
	for _, src := range s.Sources() {
		out.Tabs = append(out.Tabs, syncTabJSON{Sheet: src.Sheet, Table: src.Table, Query: src.Query})
	}
	return out
}

func printSyncJobs(g *globals, list []syncJobJSON) {
	if len(list) == 0 {
		fmt.Fprintln(g.stdout, "No sync jobs: `dbbackup sheets add NAME --spreadsheet ID --table schema.table` makes one (the README's \"Google Sheets\" says more).")
		return
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFROM\tSPREADSHEET\tTAB\tSOURCE\tMODE\tSCHEDULE\tLAST SYNC")
	for _, j := range list {
		lastSync := "-"
		if l := j.Last; l != nil {
			lastSync = fmt.Sprintf("%s %s, %s rows (run %d)", l.Status, l.Started.Format("2006-01-02 15:04"), dbbackup.HumanCount(l.Rows), l.Run)
		}
		if j.Error != "" {
			fmt.Fprintf(tw, "%s\tCANNOT BE USED (below)\t\t\t\t\t\t%s\n", j.Name, lastSync)
			continue
		}
		mode := j.Mode
		if j.Key != "" {
			mode += " by " + j.Key
		}
		for i, t := range j.Tabs {
			source := t.Table
			if t.Query != "" {
				source = "query: " + firstLine(strings.Join(strings.Fields(t.Query), " "), 50)
			}
			if i == 0 {
				fmt.Fprintf(tw, "%s\tjob %s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.Job, j.Spreadsheet, printable(t.Sheet), printable(source),
					mode, orDash(j.Schedule), lastSync)
			} else {
				fmt.Fprintf(tw, "\t\t\t%s\t%s\t\t\t\n", printable(t.Sheet), printable(source))
			}
		}
	}
	tw.Flush()
	for _, j := range list {
		if j.Error != "" {
			fmt.Fprintf(g.stdout, "\nSync job %s: %s\n", j.Name, printable(j.Error))
		}
	}
}
