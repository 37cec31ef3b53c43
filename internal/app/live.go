package app

import (
	"errors"
	"maps"
	"sort"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

// Live is what a run the Manager started is doing, as its page shows it
// while it goes and once it is over.
type Live struct {
	Job string
	By  string // who started it: "schedule", "catch-up" or a user's name
	// Started is when the manager started it; Finished, zero until Done.
	Started, Finished time.Time
	// Stage is the stage going on (the one it stopped in, when failed).
	Stage dbbackup.Stage
	// Table ("schema.name") and Format are the table being exported now
	// (Format alone: the format whose export goes on, between tables or
	// while pg_dump writes the dump);
	// Rows and Bytes how far that export has come, RowsPerSec at what
	// speed (Bytes alone grow while a CSV is copied).
	Table, Format string
	Rows, Bytes   int64
	RowsPerSec    float64
	// Formats is the export of each format so far, keyed by its name.
	Formats map[string]FormatProgress
	// Files is how many files are stored so far, StoredBytes their size.
	Files       int
	StoredBytes int64
	// RunID is the run's id in the history once it is recorded (0 before,
	// and for a run the history could not record).
	RunID int64
	// Status is the run's as the history words it: running, ok, failed,
	// interrupted or skipped.
	Status state.Status
	// Done is true once the run is over and recorded; Err and Hint say
	// why it failed ("" when it did not).
	Done      bool
	Err, Hint string
	// Cancelled: someone asked for the run to stop (Cancel, Shutdown);
	// CancelledBy says who ("alice", "the server shutting down").
	Cancelled   bool
	CancelledBy string
	// TableBegun is when the read of Table began: a read that has given
	// no row for a while waits on the database (a lock on the table).
	TableBegun time.Time
}

// FormatProgress is the export of one format in a run.
type FormatProgress struct {
	Tables     int     // tables exported whole
	Rows       int64   // rows of those tables and of the table going on
	Bytes      int64   // CSV bytes copied, likewise
	RowsPerSec float64 // Rows over the time since the format began
	Table      string  // the table going on, "" between tables
	// begun is when the format's first table began.
	begun time.Time
	// doneRows and doneBytes are those of the tables exported whole.
	doneRows, doneBytes int64
}

// hear keeps what a run reports at now.
func (l *Live) hear(p dbbackup.Progress, now time.Time) {
	if p.RunID != 0 {
		l.RunID = p.RunID
	}
	if p.Stage == dbbackup.StageStore && p.File != "" {
		// A file stored. One done while the other formats are still
		// written is stored meanwhile: the run still exports.
		l.Files++
		l.StoredBytes += p.Bytes
		if l.Stage != dbbackup.StageExport {
			l.Stage = p.Stage
		}
		return
	}
	l.Stage = p.Stage
	if p.Table.Name != "" {
		l.heardExport(p, now)
		return
	}
	l.noTable()
	l.Format = ""
	if p.Stage == dbbackup.StageExport {
		l.Format = string(p.Format) // a format's export begins
	}
}

// noTable says no table is being read (between tables, after the export);
// Format stays that of the export going on.
func (l *Live) noTable() {
	l.Table, l.Rows, l.Bytes, l.RowsPerSec, l.TableBegun = "", 0, 0, 0, time.Time{}
}

func (l *Live) heardExport(p dbbackup.Progress, now time.Time) {
	table, format := p.Table.Schema+"."+p.Table.Name, string(p.Format)
	if table != l.Table || format != l.Format {
		l.TableBegun = now.Add(-p.Elapsed)
	}
	l.Table, l.Format, l.Rows, l.Bytes, l.RowsPerSec = table, format, p.Rows, p.Bytes, perSecond(p.Rows, p.Elapsed)
	if p.Done {
		l.noTable()
	}
	f := l.Formats[format]
	if f.begun.IsZero() {
		f.begun = now.Add(-p.Elapsed)
	}
	f.Table, f.Rows, f.Bytes = table, f.doneRows+p.Rows, f.doneBytes+p.Bytes
	if p.Done {
		f.Tables++
		f.doneRows, f.doneBytes, f.Table = f.Rows, f.Bytes, ""
	}
	f.RowsPerSec = perSecond(f.Rows, now.Sub(f.begun))
	l.Formats[format] = f
}

func perSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// end keeps how the run ended: o may be nil (a run that never began).
func (l *Live) end(o *dbbackup.Outcome, err error, now time.Time) {
	l.Done, l.Finished, l.Format = true, now, ""
	l.noTable()
	for name, f := range l.Formats {
		f.Table = ""
		l.Formats[name] = f
	}
	if err == nil && o != nil {
		err = o.Err
	}
	if o != nil {
		if o.RunID != 0 {
			l.RunID = o.RunID
		}
		if o.Stage != "" {
			l.Stage = o.Stage
		}
	}
	var se *dbbackup.StageError
	if errors.As(err, &se) {
		l.Stage = se.Stage
	}
	l.Status = statusOf(o, err)
	if l.Status == state.StatusOK {
		return // a report that was not sent is a warning of the run's page
	}
	l.Err, l.Hint = err.Error(), dbbackup.Explain(err).Hint
}

// statusOf is the status the history gives the run that ended so.
func statusOf(o *dbbackup.Outcome, err error) state.Status {
	if o == nil {
		o = &dbbackup.Outcome{Err: err}
		var se *dbbackup.StageError
		if errors.As(err, &se) {
			o.Stage = se.Stage
		}
	}
	return state.StatusOf(o)
}

// clone is l with its own Formats, for a reader outside the lock.
func (l Live) clone() Live {
	l.Formats = maps.Clone(l.Formats)
	return l
}

// sortLive orders runs by job name.
func sortLive(runs []Live) {
	sort.Slice(runs, func(i, j int) bool { return runs[i].Job < runs[j].Job })
}
