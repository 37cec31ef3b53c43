package sheets

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Mode is how a sync writes its tab.
type Mode string

const (
	// Replace rewrites the tab with every row of the source.
	Replace Mode = "replace"
	// Append adds the rows whose key is greater than the last one synced.
	Append Mode = "append"
)

// Job is one sync: a source in one database, a tab of one spreadsheet,
// and how to write it. The plumbing fills it from a stored sync job or
// SHEETS_* settings; Validate says what is wrong with one.
type Job struct {
	// Database is the connection string (a URL or key=value; empty: libpq's
	// PG* variables) of the database to read.
	Database string
	// Table is the source as schema.table (schema and name as in the
	// catalog, case-sensitive, unquoted: "Weird Schema.Order Items"), or
	// Query a read-only SQL query; exactly one is set. A table's rows come
	// in primary-key order; a query's in its own ORDER BY.
	Table string
	Query string
	// SpreadsheetID is the id in the spreadsheet's address (…/d/ID/edit).
	SpreadsheetID string
	// Sheet is the tab's title; default: the table's name. Google matches
	// titles without case.
	Sheet string
	// Mode is Replace (the default) or Append.
	Mode Mode
	// Key is the column Append compares, as the column's type: it should
	// only grow (an id from a sequence, a creation time). Rows whose key is
	// NULL are never appended.
	Key string
	// LastKey is the key of the last row synced before, as PostgreSQL
	// prints it ("" if none), which the caller keeps from the last run's
	// Result. The tab's own record of its last row wins when it has one
	// (see the package doc); LastKey serves when the tab is new.
	LastKey string
	// Progress, if set, hears how the sync goes (see Progress).
	Progress func(Progress)
}

// Validate checks what can be checked without a database or Google.
func (j Job) Validate() error {
	var problems []string
	switch {
	case j.Table == "" && strings.TrimSpace(j.Query) == "":
		problems = append(problems, "name a table (schema.table) or a query to sync")
	case j.Table != "" && j.Query != "":
		problems = append(problems, "name a table or a query, not both")
	case j.Table != "":
		if _, _, err := splitTable(j.Table); err != nil {
			problems = append(problems, err.Error())
		}
	case j.Sheet == "":
		problems = append(problems, "a query needs a sheet (tab) name to write to")
	}
	if j.SpreadsheetID == "" {
		problems = append(problems, "the spreadsheet id is missing (the part of its address between /d/ and /edit)")
	}
	switch j.Mode {
	case "", Replace:
	case Append:
		if j.Key == "" {
			problems = append(problems, "append needs a key column: rows whose key is greater than the last one synced are added")
		}
	default:
		problems = append(problems, fmt.Sprintf("unknown mode %q: use replace or append", j.Mode))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// withDefaults fills the sheet and mode.
func (j Job) withDefaults() Job {
	if j.Mode == "" {
		j.Mode = Replace
	}
	if j.Sheet == "" && j.Table != "" {
		_, j.Sheet, _ = splitTable(j.Table)
	}
	return j
}

// source names the source for people and the sync note: the table, or
// the query cut to a line.
func (j Job) source() string {
	if j.Table != "" {
		return j.Table
	}
	q := strings.Join(strings.Fields(j.Query), " ")
	if r := []rune(q); len(r) > 200 {
		q = string(r[:199]) + "…"
	}
	return q
}

// splitTable reads schema.table at its first dot.
func splitTable(s string) (schema, name string, err error) {
	schema, name, ok := strings.Cut(s, ".")
	if !ok || schema == "" || name == "" {
		return "", "", fmt.Errorf("table %q: name it as schema.table, e.g. public.%s", s, s)
	}
	return schema, name, nil
}

// Result is what a sync did, for the history, the report and the
// terminal. It is filled as far as the sync went when it fails.
type Result struct {
	Spreadsheet string // id
	Sheet       string // the tab's title
	URL         string // the tab's address, for reports
	Mode        Mode
	Source      string // the table, or the query on one line
	// Rows is how many rows this run wrote; SheetRows how many data rows
	// the tab holds now, below its header, read back from the sheet.
	Rows, SheetRows int64
	// LastKey (Append, and Replace with a Key) is the key of the last row
	// the tab holds, to pass as Job.LastKey next time; "" if none.
	LastKey string
	// Requests counts write requests sent (retries included), Retries the
	// calls of any kind that were repeated after a temporary failure.
	Requests, Retries int
	// Cut lists the columns with texts cut to MaxCellChars characters.
	Cut     []CutColumn
	Started time.Time
	Elapsed time.Duration
}

// CutColumn is a column some of whose texts were longer than a cell takes.
type CutColumn struct {
	Column string
	Cells  int64
}

// Progress is how far a sync has come, for the terminal.
type Progress struct {
	Stage string // "read", "write", "swap", "verify", "done"
	// Rows is rows written so far, of Total to write.
	Rows, Total   int64
	RowsPerSecond float64
	Requests      int // write requests so far
	Retries       int
	Elapsed       time.Duration
}
