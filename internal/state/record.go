package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dbbackup/dbbackup"
)

var _ dbbackup.History = (*Store)(nil)

// Status is where a run stands.
type Status string

// The statuses of a run.
const (
	StatusRunning Status = "running"
	StatusOK      Status = "ok"
	StatusFailed  Status = "failed"
	// StatusInterrupted is a run that began and never finished: it was
	// killed (kill -9, a reboot, a full disk) before it could record its
	// result (MarkInterrupted), or stopped by a signal (Finish).
	StatusInterrupted Status = "interrupted"
	// StatusSkipped is a run that did not start because another run held
	// the lock.
	StatusSkipped Status = "skipped"
)

// StatusOf is the status a finished run is recorded with: the one word
// the history, the pages and the metrics use.
func StatusOf(o *dbbackup.Outcome) Status {
	switch {
	case o.OK():
		return StatusOK
	case o.Skipped():
		return StatusSkipped
	case errors.Is(o.Err, context.Canceled):
		return StatusInterrupted
	}
	return StatusFailed
}

// jobOrDefault is job, or dbbackup.DefaultJob for "".
func jobOrDefault(job string) string {
	if job == "" {
		return dbbackup.DefaultJob
	}
	return job
}

// timeLayout keeps every stored time in UTC with a fixed width, so that
// the text sorts in time order and reads well in the sqlite3 shell.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullTime stores a zero time as NULL: "unknown", not year 1.
func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

// Begin records a run of job ("" is dbbackup.DefaultJob) that started at
// started, with status "running", and returns its id (never 0). Should the
// process die before Finish, the row stays "running" until
// MarkInterrupted.
func (s *Store) Begin(ctx context.Context, job string, started time.Time) (id int64, err error) {
	return s.begin(ctx, KindBackup, jobOrDefault(job), started)
}

func (s *Store) begin(ctx context.Context, kind Kind, job string, started time.Time) (id int64, err error) {
	defer func() { err = s.explain(err) }()
	res, err := s.db.ExecContext(ctx, `INSERT INTO runs (kind, job, started, status) VALUES (?, ?, ?, ?)`,
		kind, job, formatTime(started), StatusRunning)
	if err != nil {
		return 0, fmt.Errorf("record run start: %w", err)
	}
	return res.LastInsertId()
}

// MarkInterrupted turns every backup run of job ("" is
// dbbackup.DefaultJob) still "running" into "interrupted" and returns how
// many there were.
// Call it only while holding job's lock, before Begin: then no other run
// of the job can be in progress, and a "running" row of it is one whose
// process died. Runs of other jobs may be running meanwhile: they are not
// touched. Readers such as the web UI must not call it.
func (s *Store) MarkInterrupted(ctx context.Context, job string) (n int64, err error) {
	return s.markInterrupted(ctx, KindBackup, jobOrDefault(job))
}

func (s *Store) markInterrupted(ctx context.Context, kind Kind, job string) (n int64, err error) {
	defer func() { err = s.explain(err) }()
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET status = ? WHERE status = ? AND kind = ? AND job = ?`,
		StatusInterrupted, StatusRunning, kind, job)
	if err != nil {
		return 0, fmt.Errorf("mark interrupted runs: %w", err)
	}
	return res.RowsAffected()
}

// Finish records what run id did, all in one transaction: a reader sees
// the run either running or complete. The run's status becomes "ok" or
// "failed" after o.OK(); its set id is o.Report.SetID, known only once
// the run has named its set. The finish time is o.Report.Finished, or now
// when the run never got that far. Finish fails for a run that is not
// "running", so nothing is recorded twice.
func (s *Store) Finish(ctx context.Context, id int64, o *dbbackup.Outcome) (err error) {
	defer func() { err = s.explain(err) }()
	rep := o.Report
	status, errText := StatusOf(o), ""
	if !o.OK() {
		errText = o.Err.Error()
	}
	finished := rep.Finished
	if finished.IsZero() {
		finished = time.Now()
	}
	var used, limit sql.NullInt64
	if q := rep.Quota; q != nil {
		used = sql.NullInt64{Int64: q.Used, Valid: true}
		limit = sql.NullInt64{Int64: q.Limit, Valid: true}
	}
	ret := o.Retention != nil
	dry := ret && o.Retention.DryRun
	snap := rep.Snapshot

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, finished = ?, set_id = ?, stage = ?,
		error = ?, hint = ?, destination = ?, database_name = ?, server_version = ?, server_major = ?,
		snapshot_time = ?, time_zone = ?, quota_used = ?, quota_limit = ?, retention_ran = ?, retention_dry = ?
		WHERE id = ? AND status = ?`,
		status, formatTime(finished), rep.SetID, o.Stage, errText, o.Hint(), o.Destination,
		o.DatabaseName(), snap.ServerVersion, snap.ServerMajor, nullTime(snap.SnapshotTime), snap.TimeZone,
		used, limit, ret, dry, id, StatusRunning)
	if err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return s.notRunning(ctx, tx, id, err)
	}
	if err := insertDetails(ctx, tx, id, o); err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	return nil
}

// notRunning says why Finish found no running row with id.
func (s *Store) notRunning(ctx context.Context, tx *sql.Tx, id int64, err error) error {
	if err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	var status Status
	switch err := tx.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = ?`, id).Scan(&status); err {
	case nil:
		return fmt.Errorf("record run %d: the run is already %s", id, status)
	case sql.ErrNoRows:
		return fmt.Errorf("record run %d: %w", id, dbbackup.ErrNotFound)
	default:
		return fmt.Errorf("record run %d: %w", id, err)
	}
}

// insertDetails writes the run's lists, each row with its position so
// that they read back in the order the run produced them.
func insertDetails(ctx context.Context, tx *sql.Tx, id int64, o *dbbackup.Outcome) error {
	for i, t := range o.Report.Tables {
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_tables (run_id, pos, schema_name, table_name, row_count)
			VALUES (?, ?, ?, ?, ?)`, id, i, t.Schema, t.Name, t.Rows); err != nil {
			return err
		}
	}
	for i, f := range o.Report.Files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_files (run_id, pos, name, set_id, format, size, sha256, md5, dest_id, link)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i, f.Name, f.SetID, f.Format, f.Size, f.SHA256, f.MD5, f.ID, f.Link); err != nil {
			return err
		}
	}
	for i, w := range o.Report.Warnings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_warnings (run_id, pos, message) VALUES (?, ?, ?)`, id, i, w); err != nil {
			return err
		}
	}
	for _, st := range o.Steps() {
		if err := setStep(ctx, tx, id, st); err != nil {
			return err
		}
	}
	if o.Retention == nil {
		return nil
	}
	for i, r := range retentionSets(o.Retention) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_retention (run_id, pos, set_id, set_time, size, complete, remove, reason, removed, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i, r.SetID, nullTime(r.Time), r.Size, r.Complete, r.Remove, r.Reason, r.Removed, r.Error); err != nil {
			return err
		}
	}
	return nil
}

// retentionSets flattens a retention result to one row per set: the
// policy's decision and, for a set to remove, whether that worked.
func retentionSets(r *dbbackup.RetentionResult) []RetentionSet {
	removed := map[string]bool{}
	for _, s := range r.Removed {
		removed[s.ID] = true
	}
	failed := map[string]string{}
	for _, f := range r.Failed {
		failed[f.Set.ID] = f.Err
	}
	var out []RetentionSet
	decided := map[string]bool{}
	for _, d := range r.Decisions {
		decided[d.Set.ID] = true
		out = append(out, RetentionSet{SetID: d.Set.ID, Time: d.Set.Time, Size: d.Set.Size(), Complete: d.Set.Complete,
			Remove: d.Remove, Reason: d.Reason, Removed: removed[d.Set.ID], Error: failed[d.Set.ID]})
	}
	// Prune removes only what it decided to; a result built otherwise
	// still loses no removal or failure.
	for _, s := range r.Removed {
		if !decided[s.ID] {
			out = append(out, RetentionSet{SetID: s.ID, Time: s.Time, Size: s.Size(), Complete: s.Complete, Remove: true, Removed: true})
		}
	}
	for _, f := range r.Failed {
		if !decided[f.Set.ID] {
			out = append(out, RetentionSet{SetID: f.Set.ID, Time: f.Set.Time, Size: f.Set.Size(), Complete: f.Set.Complete, Remove: true, Error: f.Err})
		}
	}
	return out
}

// SetReport keeps the report of run id as rendered, and its step: sent,
// or why not. A report that could not be sent stays readable in the
// history. Calling it again replaces the report.
func (s *Store) SetReport(ctx context.Context, id int64, subject, text, html string, delivery dbbackup.Step) (err error) {
	defer func() { err = s.explain(err) }()
	sent, sendErr := delivery.Status == dbbackup.StepOK, ""
	if !sent {
		sendErr = delivery.Detail
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("keep report of run %d: %w", id, err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO run_reports (run_id, subject, text, html, sent, error) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (run_id) DO UPDATE SET subject = excluded.subject, text = excluded.text, html = excluded.html,
		sent = excluded.sent, error = excluded.error`, id, subject, text, html, sent, sendErr)
	if err == nil {
		err = setStep(ctx, tx, id, delivery)
	}
	if err == nil {
		err = tx.Commit()
	}
	if isForeignKey(err) {
		return fmt.Errorf("keep report of run %d: %w", id, dbbackup.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("keep report of run %d: %w", id, err)
	}
	return nil
}

// setStep records step of run id: after the steps recorded so far, or in
// place of the one with its name.
func setStep(ctx context.Context, tx *sql.Tx, id int64, st dbbackup.Step) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO run_steps (run_id, pos, name, title, status, detail)
		VALUES (?, (SELECT coalesce(max(pos) + 1, 0) FROM run_steps WHERE run_id = ?), ?, ?, ?, ?)
		ON CONFLICT (run_id, name) DO UPDATE SET title = excluded.title, status = excluded.status, detail = excluded.detail`,
		id, id, st.Name, st.Title, st.Status, st.Detail)
	return err
}
