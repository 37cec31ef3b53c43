package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

// sheetRow is one tab a sync run wrote, or tried to: what it sent, what
// the sheet held after (read back), and its change since the previous
// good sync of the same job.
type sheetRow struct {
	Sheet, URL, Source, Mode, Key string
	Rows, SheetRows               int64
	Requests, Retries             int
	Cut                           string // "notes: 3 cells; body: 1 cell"; "" when nothing was cut
	Error                         string
	Change                        string // of SheetRows: "+12 (+1.2%)", "new", "" when unknown
	Lost                          bool
	Mismatch                      bool // replace wrote Rows but the sheet holds another count
}

// spreadsheetAddress is the spreadsheet's address in Google Sheets; ""
// for an id that is not one (never a link made of anything else).
func spreadsheetAddress(id string) string {
	if id == "" || strings.ContainsAny(id, "/?#%") {
		return ""
	}
	return "https://docs.google.com/spreadsheets/d/" + url.PathEscape(id) + "/edit"
}

// sheets lists what a sync run did to each tab, with each tab's change
// since the previous good sync of the same sync job: a backup run is
// never compared with a sync, nor a sync with a backup.
func (s *Server) sheets(ctx context.Context, v *runView) {
	d := v.Run
	before := map[string]int64{}
	if prev := s.previousRun(ctx, d); prev != nil {
		v.Previous, v.PreviousHref = prev.ID, s.url(runPath(prev.ID))
		for _, t := range prev.Sheets {
			if t.Error == "" {
				before[strings.ToLower(t.Sheet)] = t.SheetRows
			}
		}
	}
	for _, t := range d.Sheets {
		if v.Spreadsheet == "" {
			v.Spreadsheet, v.SpreadsheetURL = t.Spreadsheet, spreadsheetAddress(t.Spreadsheet)
		}
		row := sheetRow{Sheet: t.Sheet, Source: t.Source, Mode: t.Mode, Key: t.Key, Rows: t.Rows, SheetRows: t.SheetRows,
			Requests: t.Requests, Retries: t.Retries, Error: t.Error, Mismatch: t.Error == "" && t.Mode == "replace" && t.Rows != t.SheetRows}
		if u, err := url.Parse(t.URL); err == nil && u.Scheme == "https" {
			row.URL = t.URL
		}
		var cut []string
		for _, c := range t.Cut {
			cut = append(cut, fmt.Sprintf("%s: %s %s", c.Column, dbbackup.HumanCount(c.Cells), plural(int(c.Cells), "cell", "cells")))
		}
		row.Cut = strings.Join(cut, "; ")
		p, ok := before[strings.ToLower(t.Sheet)]
		switch {
		case v.Previous == 0 || t.Error != "":
		case !ok:
			row.Change = "new"
		default:
			row.Change, row.Lost = dbbackup.HumanChange(p, t.SheetRows), t.SheetRows*2 < p
		}
		v.Requests += t.Requests
		v.Retries += t.Retries
		v.Sheets = append(v.Sheets, row)
	}
}

// syncSummary says what a sync run means for the spreadsheet.
func syncSummary(d *state.RunDetail) string {
	switch d.Status {
	case state.StatusOK:
		return fmt.Sprintf("The spreadsheet holds the data of database %s as of this sync: %s %s written.",
			d.Database, dbbackup.HumanCount(d.Rows), plural(int(d.Rows), "row", "rows"))
	case state.StatusFailed:
		return "The sync failed: a tab it was replacing keeps its old data, and an append adds the missing rows next time."
	case state.StatusInterrupted:
		return "The sync was interrupted (stopped, killed or the machine went down): the next sync writes the tabs again."
	case state.StatusSkipped:
		return "The sync did not start: another sync of the job held its lock. Nothing was changed."
	case state.StatusRunning:
		return "The sync is going on."
	}
	return ""
}
