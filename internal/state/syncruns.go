package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
)

// Kind is what a run did.
type Kind string

// The kinds of run.
const (
	KindBackup Kind = "backup"
	// KindSheets is a Google Sheets sync: its job is a sync job's name.
	KindSheets Kind = "sheets"
)

// SheetRun is what a sync did to one tab, as recorded.
type SheetRun struct {
	Spreadsheet, Sheet, URL string
	Source, Mode, Key       string
	Rows, SheetRows         int64
	// LastKey is the key of the tab's last row; nil when the tab has no
	// row or the sync no key.
	LastKey           *string
	Requests, Retries int
	Cut               []dbbackup.CutCells
	Error             string // why the tab failed; "" when it was written
}

// BeginSync records a run of the sync job name that started at started,
// with status "running", and returns its id, as Begin does for a backup.
func (s *Store) BeginSync(ctx context.Context, name string, started time.Time) (int64, error) {
	return s.begin(ctx, KindSheets, name, started)
}

// MarkSyncInterrupted is MarkInterrupted for the runs of the sync job
// name: call it while holding that sync job's lock.
func (s *Store) MarkSyncInterrupted(ctx context.Context, name string) (int64, error) {
	return s.markInterrupted(ctx, KindSheets, name)
}

// SyncStatusOf is the status a finished sync is recorded with.
func SyncStatusOf(o *dbbackup.SyncOutcome) Status {
	switch {
	case o.OK():
		return StatusOK
	case o.Skipped:
		return StatusSkipped
	case o.Interrupted():
		return StatusInterrupted
	}
	return StatusFailed
}

// FinishSync records what the sync run id did, in one transaction, as
// Finish does for a backup: its status, error and hint, the database
// read, its warnings and steps, and a row per tab. It fails for a run
// that is not "running".
func (s *Store) FinishSync(ctx context.Context, id int64, o *dbbackup.SyncOutcome) (err error) {
	defer func() { err = s.explain(err) }()
	errText := ""
	if !o.OK() {
		errText = o.Err.Error()
	}
	finished := o.Finished
	if finished.IsZero() {
		finished = time.Now()
	}
	dest := ""
	if o.Spreadsheet != "" {
		dest = "Google Sheets spreadsheet " + o.Spreadsheet
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, finished = ?, error = ?, hint = ?, destination = ?, database_name = ?
		WHERE id = ? AND status = ? AND kind = ?`,
		SyncStatusOf(o), formatTime(finished), errText, o.Hint(), dest, o.Database, id, StatusRunning, KindSheets)
	if err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return s.notRunning(ctx, tx, id, err)
	}
	if err := insertSyncDetails(ctx, tx, id, o); err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record run %d: %w", id, err)
	}
	return nil
}

func insertSyncDetails(ctx context.Context, tx *sql.Tx, id int64, o *dbbackup.SyncOutcome) error {
	for i, t := range o.Tabs {
		cut, err := json.Marshal(append([]dbbackup.CutCells{}, t.Cut...))
		if err != nil {
			return err
		}
		var last sql.NullString
		if t.HasLastKey {
			last = sql.NullString{String: t.LastKey, Valid: true}
		}
		tabErr := ""
		if t.Err != nil {
			tabErr = t.Err.Error()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_sheets (run_id, pos, spreadsheet, sheet, url, source, mode, key_column,
			rows, sheet_rows, last_key, requests, retries, cut, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, i, o.Spreadsheet, t.Sheet, t.URL, t.Source, t.Mode, t.Key, t.Rows, t.SheetRows, last, t.Requests, t.Retries,
			string(cut), tabErr); err != nil {
			return err
		}
	}
	for i, w := range o.Warnings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_warnings (run_id, pos, message) VALUES (?, ?, ?)`, id, i, w); err != nil {
			return err
		}
	}
	for _, st := range o.Steps() {
		if err := setStep(ctx, tx, id, st); err != nil {
			return err
		}
	}
	return nil
}

// SyncTarget is a tab as a sync writes it: the same spreadsheet, tab
// (Google matches titles without case), source and key.
type SyncTarget struct {
	Spreadsheet, Sheet, Source, Key string
}

// LastSyncKey returns the key of the last row the sync job name left in
// the tab t, as its newest run that wrote t recorded it; ok is false when
// no run of the job wrote t with that source and key, or left no key.
// A tab that failed is skipped: its key says nothing sure. A run of the
// job before it was changed to another tab or source is not t's.
func (s *Store) LastSyncKey(ctx context.Context, name string, t SyncTarget) (key string, ok bool, err error) {
	defer func() { err = s.explain(err) }()
	var last sql.NullString
	err = s.db.QueryRowContext(ctx, `SELECT s.last_key FROM run_sheets s JOIN runs r ON r.id = s.run_id
		WHERE r.kind = ? AND r.job = ? AND s.error = '' AND r.status <> ?
			AND s.spreadsheet = ? AND lower(s.sheet) = lower(?) AND s.source = ? AND s.key_column = ?
		ORDER BY r.started DESC, r.id DESC, s.pos LIMIT 1`,
		KindSheets, name, StatusRunning, t.Spreadsheet, t.Sheet, t.Source, t.Key).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read the last key synced by %s: %w", name, err)
	}
	return last.String, last.Valid, nil
}

// readSheets reads the tabs of sync run id, in order.
func readSheets(ctx context.Context, tx *sql.Tx, id int64) ([]SheetRun, error) {
	var out []SheetRun
	err := each(ctx, tx, `SELECT spreadsheet, sheet, url, source, mode, key_column, rows, sheet_rows, last_key, requests, retries, cut, error
		FROM run_sheets WHERE run_id = ? ORDER BY pos`, func(rows *sql.Rows) error {
		var r SheetRun
		var last sql.NullString
		var cut string
		err := rows.Scan(&r.Spreadsheet, &r.Sheet, &r.URL, &r.Source, &r.Mode, &r.Key, &r.Rows, &r.SheetRows, &last,
			&r.Requests, &r.Retries, &cut, &r.Error)
		if err == nil {
			err = json.NewDecoder(strings.NewReader(cut)).Decode(&r.Cut)
		}
		if last.Valid {
			r.LastKey = &last.String
		}
		out = append(out, r)
		return err
	}, id)
	return out, err
}
