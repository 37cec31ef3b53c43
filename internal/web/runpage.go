package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

// runView is one run's page: everything the history recorded of it.
type runView struct {
	Run           *state.RunDetail
	Status, Class string
	Summary       string // what the status means for the data, in a sentence
	Duration      string
	Steps         []dbbackup.Step
	Tables        []tableRow
	Gone          []string // tables of the previous good run missing from this one
	Previous      int64    // the run the changes compare with, 0 for none
	PreviousHref  string
	Files         []runFile
	Retention     []retentionRow
	RetentionDry  bool
	Report        *state.Report
	Log           []state.LogLine
	Live          *liveView // the run's progress while this server runs it
	// A sync run's tabs, in place of tables and files; its spreadsheet
	// and the requests it sent over every tab.
	Sync              bool
	Sheets            []sheetRow
	Spreadsheet       string
	SpreadsheetURL    string
	Requests, Retries int
	// The Drive quota as the run saw it, when it used Drive.
	HasQuota              bool
	QuotaUsed, QuotaLimit int64
	QuotaPercent          int
}

// tableRow is one table of a run with its change since the previous good
// run of the job and database.
type tableRow struct {
	Name   string
	Rows   int64
	InDump bool   // a table the dump holds, not counted row by row
	Change string // "+12 (+1.2%)", "no change", "new", "" when unknown
	Lost   bool   // it lost more than half its rows
}

// runFile is a file a run stored.
type runFile struct {
	Name, Format, SHA256 string
	Size                 int64
	// Download is the server's download of it; Drive the file in Google
	// Drive. Either may be "".
	Download, Drive string
}

// ShortSHA256 is the start of the file's SHA-256, enough to tell files
// apart at a glance; the page shows the whole of it on demand.
func (f runFile) ShortSHA256() string {
	if len(f.SHA256) <= 12 {
		return f.SHA256
	}
	return f.SHA256[:12] + "…"
}

// retentionRow is one set retention looked at.
type retentionRow struct {
	Set            string
	Time           time.Time
	Size           int64
	Action, Reason string
	Complete       bool
	Removed        bool
	Failed         bool
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("there is no run %q: a run is a number from the list of runs", r.PathValue("id")))
		return
	}
	ctx := r.Context()
	d, err := s.o.Store.Run(ctx, id)
	if errors.Is(err, dbbackup.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, dbbackup.WithHint(fmt.Errorf("there is no run %d in the history", id), "the list of runs shows the runs there are"))
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	v := &runView{Run: d, Steps: d.Steps, Report: d.Report, Duration: duration(d.Started, d.Finished)}
	v.Status, v.Class = runStatusWords(d.Run)
	if v.Log, err = s.o.Store.RunLog(ctx, id); err != nil {
		s.log.Warn("run page: the run's log cannot be read", "run", id, "err", err)
	}
	if d.Kind == state.KindSheets {
		v.Sync, v.Summary = true, syncSummary(d)
		s.sheets(ctx, v)
		s.render(w, r, "run", fmt.Sprintf("Run %d", id), v)
		return
	}
	v.Summary = runSummary(d)
	s.tables(ctx, v)
	v.files(s)
	v.retention()
	if q := d.Quota; q != nil {
		v.HasQuota, v.QuotaUsed, v.QuotaLimit = true, q.Used, q.Limit
		if q.Limit > 0 {
			v.QuotaPercent = int(100 * q.Used / q.Limit)
		}
	}
	if d.Status == state.StatusRunning {
		if lv := s.live(r, d.Job); lv != nil && lv.Live.RunID == id {
			v.Live = lv
		}
	}
	s.render(w, r, "run", fmt.Sprintf("Run %d", id), v)
}

// runSummary says what a run means for the data.
func runSummary(d *state.RunDetail) string {
	switch d.Status {
	case state.StatusOK:
		return fmt.Sprintf("Set %s of database %s is stored and verified in %s.", d.SetID, d.Database, d.Destination)
	case state.StatusFailed:
		return "The run failed: nothing of it was kept, and no older backup was deleted."
	case state.StatusInterrupted:
		return "The run was interrupted (stopped, killed or the machine went down): nothing of it was kept, and no older backup was deleted."
	case state.StatusSkipped:
		return "The run did not start: another run of the job held its lock. Nothing was changed."
	case state.StatusRunning:
		return "The run is going on."
	}
	return ""
}

// tables lists the run's tables with their change since the previous
// good run of the same job and database, as the report compares them.
func (s *Server) tables(ctx context.Context, v *runView) {
	d := v.Run
	var prev []dbbackup.TableCount
	var prevID int64
	if p := s.previousRun(ctx, d); p != nil {
		prev, prevID = p.Tables, p.ID
		v.Previous, v.PreviousHref = prevID, s.url(runPath(prevID))
	}
	before := map[string]int64{}
	for _, t := range prev {
		before[t.Schema+"."+t.Name] = t.Rows
	}
	seen := map[string]bool{}
	for _, t := range d.Tables {
		name := t.Schema + "." + t.Name
		seen[name] = true
		row := tableRow{Name: name, Rows: t.Rows, InDump: t.Rows < 0}
		p, ok := before[name]
		switch {
		case prevID == 0:
		case !ok:
			row.Change = "new"
		case p >= 0 && t.Rows >= 0:
			row.Change, row.Lost = dbbackup.HumanChange(p, t.Rows), t.Rows*2 < p
		}
		v.Tables = append(v.Tables, row)
	}
	if len(d.Tables) == 0 {
		return // a run that counted no table says nothing of the tables
	}
	for _, t := range prev {
		if name := t.Schema + "." + t.Name; !seen[name] {
			v.Gone = append(v.Gone, name)
		}
	}
}

// previousRun is the newest run of d's kind, job and database that
// ended ok before d began; nil when there is none. A sync is compared
// only with syncs and a backup only with backups: a sync job and a
// backup job may share a name.
func (s *Server) previousRun(ctx context.Context, d *state.RunDetail) *state.RunDetail {
	if d.Database == "" {
		return nil
	}
	runs, _, err := s.o.Store.QueryRuns(ctx, state.RunQuery{Kind: d.Kind, Job: d.Job, Status: string(state.StatusOK), To: d.Started, Limit: 20})
	if err != nil {
		s.log.Warn("run page: the previous run cannot be read", "run", d.ID, "err", err)
		return nil
	}
	for _, p := range runs {
		if p.Database != d.Database || p.ID == d.ID {
			continue
		}
		pd, err := s.o.Store.Run(ctx, p.ID)
		if err != nil {
			s.log.Warn("run page: the previous run cannot be read", "run", p.ID, "err", err)
			return nil
		}
		return pd
	}
	return nil
}

// files lists the stored files with where to get each: the server's
// download (checked against the manifest) for a good run's set, and the
// file in Drive when it is there.
func (v *runView) files(s *Server) {
	d := v.Run
	for _, f := range d.Files {
		rf := runFile{Name: f.Name, Format: string(f.Format), Size: f.Size, SHA256: f.SHA256}
		if u, err := url.Parse(f.Link); err == nil && u.Scheme == "https" {
			rf.Drive = f.Link
		}
		if d.Status == state.StatusOK && f.SetID != "" {
			rf.Download = s.url(setPath(d.Job, f.SetID, url.PathEscape(f.Name)))
		}
		v.Files = append(v.Files, rf)
	}
}

// retention lists what the policy decided of each set and what came of
// it, as the report says it.
func (v *runView) retention() {
	ret := v.Run.Retention
	if ret == nil {
		return
	}
	v.RetentionDry = ret.DryRun
	for _, rs := range ret.Sets {
		row := retentionRow{Set: rs.SetID, Time: rs.Time, Size: rs.Size, Reason: rs.Reason, Complete: rs.Complete, Action: "kept"}
		switch {
		case !rs.Remove:
		case ret.DryRun:
			row.Action = "would delete (dry run)"
		case rs.Error != "":
			row.Action, row.Failed = "delete failed: "+rs.Error+"; the next run tries again", true
		case rs.Removed:
			row.Action, row.Removed = "deleted", true
		default:
			row.Action = "to delete"
		}
		v.Retention = append(v.Retention, row)
	}
}
