package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dbbackup/dbbackup"
)

// Run is the summary of one run, as a history list shows it. Times are in
// the local time zone.
type Run struct {
	ID int64
	// Kind is what the run did: KindBackup (every run made before sync
	// jobs), or KindSheets.
	Kind Kind
	// Job is the job the run belongs to, a backup job or a sync job after
	// Kind; dbbackup.DefaultJob for runs made before jobs.
	Job      string
	SetID    string // "" until the run named its set
	Database string // the database the run backed up; "" when it never connected
	Started  time.Time
	Finished time.Time // zero while running and for an interrupted run
	Status   Status
	Stage    dbbackup.Stage // where a failed run stopped
	Error    string
	// FileCount and Size are the files stored, the manifest included.
	FileCount int
	Size      int64
	// WarningCount is how many warnings the run recorded: an ok run with
	// warnings deserves a look.
	WarningCount int
	// HasReport tells whether a report was made; ReportSent whether it
	// reached the mail server.
	HasReport  bool
	ReportSent bool
	// Rows and Tabs are, for a sync, the rows it wrote and the titles of
	// the tabs it wrote them to, comma-separated.
	Rows int64
	Tabs string
}

// RunDetail is everything recorded about one run.
type RunDetail struct {
	Run
	Hint        string
	Destination string
	// Snapshot has every field but SnapshotID, which means nothing once
	// the run is over.
	Snapshot dbbackup.SnapshotInfo
	Tables   []dbbackup.TableCount
	Files    []dbbackup.File // ModTime is not kept
	Warnings []string
	// Steps are the run's steps as its views showed them; none for a run
	// recorded before they were kept.
	Steps []dbbackup.Step
	// Sheets are what a sync did to each tab, in order; none for a backup.
	Sheets    []SheetRun
	Retention *Retention      // nil when retention did not run
	Quota     *dbbackup.Quota // nil when unknown
	Report    *Report         // nil when no report was made
}

// Retention is what retention did in one run.
type Retention struct {
	DryRun bool
	Sets   []RetentionSet // newest first, as the policy saw them
}

// RetentionSet is one set retention looked at: what the policy decided,
// why, and for a set to remove, whether it is gone.
type RetentionSet struct {
	SetID    string
	Time     time.Time
	Size     int64
	Complete bool
	Remove   bool // the policy's decision
	Reason   string
	Removed  bool   // the set was deleted
	Error    string // why deleting it failed; the next run tries again
}

// Report is a run's report as rendered, and whether it was sent.
type Report struct {
	Subject, Text, HTML string
	Sent                bool
	Error               string // why it was not sent
}

// runColumns and scanRun read a Run. The file count comes from run_files;
// the size and warning count are kept in runs by triggers (schema
// version 7), so none can disagree with the files and warnings listed.
const runColumns = `r.id, r.kind, r.job, r.set_id, r.database_name, r.started, r.finished, r.status, r.stage, r.error,
	(SELECT count(*) FROM run_files f WHERE f.run_id = r.id), r.files_size, r.warning_count, p.sent,
	(SELECT coalesce(sum(s.rows), 0) FROM run_sheets s WHERE s.run_id = r.id),
	(SELECT coalesce(group_concat(s.sheet, ', ' ORDER BY s.pos), '') FROM run_sheets s WHERE s.run_id = r.id)`

const runFrom = ` FROM runs r LEFT JOIN run_reports p ON p.run_id = r.id`

func scanRun(row interface{ Scan(...any) error }, r *Run) error {
	var started string
	var finished sql.NullString
	var sent sql.NullBool
	err := row.Scan(&r.ID, &r.Kind, &r.Job, &r.SetID, &r.Database, &started, &finished, &r.Status, &r.Stage, &r.Error,
		&r.FileCount, &r.Size, &r.WarningCount, &sent, &r.Rows, &r.Tabs)
	if err != nil {
		return err
	}
	r.HasReport, r.ReportSent = sent.Valid, sent.Bool
	if r.Started, err = parseTime(started); err != nil {
		return err
	}
	r.Finished, err = parseNullTime(finished)
	return err
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.Local(), nil
}

func parseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

// Runs returns the newest limit runs of the backup job job, newest first;
// job "" returns the runs of every job, syncs included, limit <= 0 every
// run.
func (s *Store) Runs(ctx context.Context, job string, limit int) (runs []Run, err error) {
	defer func() { err = s.explain(err) }()
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+runFrom+` WHERE ? = '' OR (r.kind = ? AND r.job = ?)
		ORDER BY r.started DESC, r.id DESC LIMIT ?`, job, KindBackup, job, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Run
		if err := scanRun(rows, &r); err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return runs, nil
}

// Run returns everything recorded about run id. An unknown id is an
// error wrapping dbbackup.ErrNotFound.
func (s *Store) Run(ctx context.Context, id int64) (d *RunDetail, err error) {
	defer func() { err = s.explain(err) }()
	// One read transaction: a run finishing meanwhile is seen either
	// before or after, never half recorded.
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	defer tx.Rollback()
	d = &RunDetail{}
	if err := readRun(ctx, tx, id, d); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = dbbackup.ErrNotFound
		}
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	if d.Tables, err = readTables(ctx, tx, id); err == nil {
		err = readLists(ctx, tx, d)
	}
	if err == nil && d.Kind == KindSheets {
		d.Sheets, err = readSheets(ctx, tx, id)
	}
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	return d, nil
}

// LastSuccessful returns the row counts and total size of the newest run
// of job ("" is dbbackup.DefaultJob) and database that ended "ok", for the
// report's change columns; ok is false when there is none. Failed and
// interrupted runs are skipped: their counts say nothing about the data;
// so are runs of other databases, and of other jobs: another job may back
// up the same database with another scope; and syncs.
func (s *Store) LastSuccessful(ctx context.Context, job, database string) (tables []dbbackup.TableCount, size int64, ok bool, err error) {
	defer func() { err = s.explain(err) }()
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, false, fmt.Errorf("read last successful run: %w", err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT r.id, r.files_size
		FROM runs r WHERE r.status = ? AND r.kind = ? AND r.job = ? AND r.database_name = ? ORDER BY r.started DESC, r.id DESC LIMIT 1`,
		StatusOK, KindBackup, jobOrDefault(job), database).Scan(&id, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, false, nil
	}
	if err == nil {
		tables, err = readTables(ctx, tx, id)
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("read last successful run: %w", err)
	}
	return tables, size, true, nil
}
