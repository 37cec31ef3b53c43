package email

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
)

// view is the report as the templates show it: every value already in
// words, so the two templates hold layout only and cannot disagree.
type view struct {
	OK                          bool
	Status, Database, Server    string
	SetID, Destination, Version string
	Manifest                    string // the manifest's SHA-256: verify checks it against the history
	Snapshot, Started, Finished string
	Duration                    string
	Failure                     *failure
	Steps                       []stepRow
	StepWidth                   int      // the titles' column in the plain-text part
	Alerts                      []string // the data looks wrong: rows lost, set shrank, disk full
	Tables                      []tableRow
	NameWidth, RowsWidth        int // columns of the plain-text part
	Files                       []fileRow
	FilesLabel                  string // "4 files"
	TotalSize, FilesNote        string
	Retention                   []retentionRow
	Quota                       *quota
	Warnings                    []string
}

type failure struct {
	Stage, Error, Hint string
	Skipped            bool // another run held the lock: this one did not run
	// ErrorLines is Error cut at its newlines: Outlook ignores the CSS
	// that would keep them.
	ErrorLines []string
}

// stepRow is a dbbackup.Step; Status is also the colour's name in HTML.
type stepRow struct {
	Title, Status, Detail string
}

type tableRow struct {
	Name, Rows, Change string
	Lost               bool // lost more than half its rows
}

type fileRow struct {
	Name, Format, Size, SHA256, Link string
	// Href is Link when its scheme is one a backup link has; any other
	// is left out, so html/template never writes it into an attribute.
	Href htmltemplate.URL
}

type retentionRow struct {
	Set, Size, Action, Reason string
	Removed, Failed           bool
}

type quota struct{ Used, Free, Limit, Percent string }

const timeLayout = "2006-01-02 15:04:05 MST"

func newView(o *dbbackup.Outcome) *view {
	r := o.Report
	v := &view{
		OK: o.OK(), Status: "OK", Database: or(o.DatabaseName(), "database"),
		Server: or(r.Snapshot.ServerVersion, "—"), SetID: or(r.SetID, "—"),
		Destination: or(o.Destination, "—"), Version: dbbackup.Version,
		Snapshot: when(r.Snapshot.SnapshotTime), Started: when(r.Started), Finished: when(r.Finished),
		Warnings: r.Warnings, Manifest: r.ManifestSHA256(),
	}
	v.Database = withJob(v.Database, o.Job)
	v.Duration = took(r.Started, r.Finished)
	if !v.OK {
		v.Status = "FAILED"
		if o.Skipped() {
			v.Status = "SKIPPED"
		}
		msg := o.Err.Error()
		v.Failure = &failure{Stage: stage(o), Error: msg, Hint: o.Hint(), Skipped: o.Skipped(), ErrorLines: strings.Split(msg, "\n")}
	}
	warned := v.steps(o)
	v.tables(o)
	v.files(o)
	v.retention(o)
	v.quota(o)
	if n := len(v.Alerts) + len(v.Warnings) + warned; v.OK && n > 0 {
		v.Status = fmt.Sprintf("OK with %d %s", n, plural(n, "warning"))
	}
	return v
}

// steps fills the run's steps and returns how many warn.
func (v *view) steps(o *dbbackup.Outcome) (warned int) {
	for _, st := range o.Steps() {
		v.Steps = append(v.Steps, stepRow{Title: st.Title, Status: string(st.Status), Detail: st.Detail})
		v.StepWidth = max(v.StepWidth, utf8.RuneCountInString(st.Title))
		if st.Status == dbbackup.StepWarning {
			warned++
		}
	}
	return warned
}

func (v *view) tables(o *dbbackup.Outcome) {
	prev := make(map[string]int64, len(o.Previous))
	for _, t := range o.Previous {
		prev[t.Schema+"."+t.Name] = t.Rows
	}
	v.NameWidth, v.RowsWidth = len("Table"), len("Rows")
	seen := map[string]bool{}
	for _, t := range o.Report.Tables {
		name := t.Schema + "." + t.Name
		seen[name] = true
		row := tableRow{Name: name, Rows: "in dump", Change: "—"}
		if t.Rows >= 0 {
			row.Rows = dbbackup.HumanCount(t.Rows)
		}
		if p, ok := prev[name]; !ok && len(o.Previous) > 0 {
			row.Change = "new"
		} else if ok && p >= 0 && t.Rows >= 0 {
			row.Change = dbbackup.HumanChange(p, t.Rows)
			if t.Rows*2 < p {
				row.Lost = true
				v.Alerts = append(v.Alerts, fmt.Sprintf("%s has %s rows, %s at the previous run: it lost more than half of them.", name, dbbackup.HumanCount(t.Rows), dbbackup.HumanCount(p)))
			}
		}
		v.NameWidth = max(v.NameWidth, utf8.RuneCountInString(name))
		v.RowsWidth = max(v.RowsWidth, len(row.Rows))
		v.Tables = append(v.Tables, row)
	}
	// A table that disappeared lost all its rows; a run that failed before
	// counting any table says nothing about the tables, though.
	for _, t := range o.Previous {
		if name := t.Schema + "." + t.Name; len(o.Report.Tables) > 0 && !seen[name] {
			was := ""
			if t.Rows >= 0 {
				was = " (" + dbbackup.HumanCount(t.Rows) + " rows)"
			}
			v.Alerts = append(v.Alerts, fmt.Sprintf("%s was in the previous backup%s and is not in this one.", name, was))
		}
	}
	size := o.Report.Size()
	if o.OK() && o.PreviousSize > 0 && size*2 < o.PreviousSize {
		v.Alerts = append(v.Alerts, fmt.Sprintf("this backup is %s, the previous one was %s: it shrank by more than half.",
			dbbackup.HumanSize(size), dbbackup.HumanSize(o.PreviousSize)))
	}
}

func (v *view) files(o *dbbackup.Outcome) {
	for _, f := range o.Report.Files {
		row := fileRow{Name: f.Name, Format: string(f.Format), Size: dbbackup.HumanSize(f.Size), SHA256: or(f.SHA256, "—"), Link: f.Link}
		if u, err := url.Parse(f.Link); err == nil && (u.Scheme == "https" || u.Scheme == "http" || u.Scheme == "file") {
			row.Href = htmltemplate.URL(f.Link)
		}
		v.Files = append(v.Files, row)
	}
	v.FilesLabel = fmt.Sprintf("%d %s", len(v.Files), plural(len(v.Files), "file"))
	v.TotalSize = dbbackup.HumanSize(o.Report.Size())
	switch {
	case o.Skipped():
		v.FilesNote = "This run made no file: another run held the lock."
	case !o.OK():
		v.FilesNote = "No file of this run was kept: a failed run removes what it stored, so nothing half-written looks like a backup."
	}
}

// retention lists what the policy decided about each set; the step says
// what came of it.
func (v *view) retention(o *dbbackup.Outcome) {
	res := o.Retention
	if res == nil {
		return
	}
	removed := map[string]bool{}
	for _, s := range res.Removed {
		removed[s.ID] = true
	}
	failed := map[string]string{}
	for _, f := range res.Failed {
		failed[f.Set.ID] = f.Err
	}
	for _, d := range res.Decisions {
		row := retentionRow{Set: d.Set.ID, Size: dbbackup.HumanSize(d.Set.Size()), Action: "kept", Reason: d.Reason}
		switch err, isFailed := failed[d.Set.ID]; {
		case !d.Remove:
		case res.DryRun:
			row.Action = "would delete"
		case isFailed:
			row.Action, row.Failed = "delete failed", true
			row.Reason += "; delete failed: " + err
		case removed[d.Set.ID]:
			row.Action, row.Removed = "deleted", true
		default:
			row.Action = "to delete"
		}
		v.Retention = append(v.Retention, row)
	}
}

func (v *view) quota(o *dbbackup.Outcome) {
	q := o.Report.Quota
	if q == nil {
		return
	}
	v.Quota = &quota{Used: dbbackup.HumanSize(q.Used), Free: "unlimited", Limit: "unlimited"}
	if q.Limit <= 0 {
		return
	}
	free := max(q.Limit-q.Used, 0)
	v.Quota.Free, v.Quota.Limit = dbbackup.HumanSize(free), dbbackup.HumanSize(q.Limit)
	v.Quota.Percent = strconv.FormatFloat(100*float64(q.Used)/float64(q.Limit), 'f', 0, 64) + "%"
	need := max(o.Report.Size(), o.PreviousSize)
	if free < need {
		v.Alerts = append(v.Alerts, fmt.Sprintf("only %s of storage is free, and a backup takes about %s: the next run may not fit.",
			dbbackup.HumanSize(free), dbbackup.HumanSize(need)))
	}
}

func stage(o *dbbackup.Outcome) string {
	var se *dbbackup.StageError
	switch {
	case o.Stage != "":
		return string(o.Stage)
	case errors.As(o.Err, &se):
		return string(se.Stage)
	}
	return "before the backup started"
}

// withJob names a job other than default after what it concerns: several
// jobs may report to one mailbox, two of one database.
func withJob(what, job string) string {
	if job == "" || job == dbbackup.DefaultJob {
		return what
	}
	return what + " (job " + job + ")"
}

// took is how long from start to end took, "—" when either is unknown.
func took(start, end time.Time) string {
	if start.IsZero() || end.IsZero() {
		return "—"
	}
	return duration(end.Sub(start))
}
