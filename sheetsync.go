package dbbackup

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SyncOutcome is one run of a Google Sheets sync job, as its summary,
// report, history record and page tell it. A sync copies data out for
// people to read; it is never part of a backup. A job writes one tab, or
// (the .env's job "default") one tab for each table of SHEETS_TABLES.
type SyncOutcome struct {
	// Job is the sync job's name; BackupJob the backup job whose
	// database it reads, Database that database's name.
	Job, BackupJob, Database string
	// Spreadsheet is the spreadsheet's id.
	Spreadsheet string
	// Tabs are the tabs the run wrote, or tried to, in order; those after
	// a failure that stops the whole job are absent.
	Tabs              []SyncTab
	Started, Finished time.Time
	// Err is why the run failed (any tab failed, or it never began); nil
	// on success. Skipped is a run that did not happen because another
	// sync of the job held its lock.
	Err     error
	Skipped bool
	// Warnings are what deserves a look without failing the run: texts
	// cut to fit a cell.
	Warnings []string
	// RunID is the run's id in the history, 0 when it is not recorded.
	RunID int64
	// Delivery is the report's step (ReportStep), nil until known.
	Delivery *Step
}

// SyncTab is what a sync did to one tab.
type SyncTab struct {
	// Source is the table (schema.table) or the query on one line.
	Source string
	// Sheet is the tab's title, URL its address.
	Sheet, URL string
	Mode, Key  string
	// Rows is how many rows this run wrote; SheetRows how many data rows
	// the tab holds after it (read back from the sheet).
	Rows, SheetRows int64
	// LastKey is the key of the tab's last row, for the next append;
	// HasLastKey is false when the tab has no row or no key.
	LastKey    string
	HasLastKey bool
	// Requests counts the write requests sent, Retries the calls
	// repeated after a temporary failure (a 429, a 5xx).
	Requests, Retries int
	// Cut names the columns whose texts were cut to a cell's 50,000
	// characters, with how many cells each.
	Cut []CutCells
	// Err is why this tab failed; nil when it was written.
	Err error
}

// CutCells is a column some of whose texts were cut to fit a cell.
type CutCells struct {
	Column string
	Cells  int64
}

// OK reports whether the sync succeeded.
func (o *SyncOutcome) OK() bool { return o.Err == nil }

// Hint is what to do about the failure (Explain), "" on success.
func (o *SyncOutcome) Hint() string { return Explain(o.Err).Hint }

// Rows is the rows written to every tab.
func (o *SyncOutcome) Rows() int64 {
	var n int64
	for _, t := range o.Tabs {
		n += t.Rows
	}
	return n
}

// Requests is the write requests sent for every tab, and Retries the
// calls repeated.
func (o *SyncOutcome) Requests() (requests, retries int) {
	for _, t := range o.Tabs {
		requests += t.Requests
		retries += t.Retries
	}
	return requests, retries
}

// Interrupted reports whether the sync was stopped by its caller (a
// signal, the server's shutdown).
func (o *SyncOutcome) Interrupted() bool { return errors.Is(o.Err, context.Canceled) }

// Steps are the sync's steps as its views show them: one per tab, then
// the report once it is known.
func (o *SyncOutcome) Steps() []Step {
	var steps []Step
	for i, t := range o.Tabs {
		st := Step{Name: fmt.Sprintf("tab-%d", i+1), Title: "Tab " + t.Sheet, Status: StepOK,
			Detail: fmt.Sprintf("%s rows from %s (%s), %s in the tab", HumanCount(t.Rows), t.Source, t.Mode, HumanCount(t.SheetRows))}
		switch {
		case t.Err != nil:
			st.Status, st.Detail = StepFailed, firstLine(t.Err.Error())
		case len(t.Cut) > 0:
			st.Status = StepWarning
			st.Detail += "; texts cut to fit a cell"
		}
		steps = append(steps, st)
	}
	if o.Delivery != nil {
		steps = append(steps, *o.Delivery)
	}
	return steps
}
