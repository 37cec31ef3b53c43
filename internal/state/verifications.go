package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Verification is one reading back of a set against its manifest.
type Verification struct {
	At       time.Time // local time zone when read
	Job      string
	SetID    string
	Database string
	OK       bool // every file, and the manifest, matched (and, restored, every table)
	Problems int  // how many did not
	By       string
	// Restored: the set was also restored into a throwaway database and
	// every table compared with the manifest (verify --restore,
	// BACKUP_VERIFY), Tables tables and Rows rows of it.
	Restored bool
	Tables   int
	Rows     int64
	// Skipped says why a restore test was asked for and not made (an
	// encrypted set without BACKUP_VERIFY_IDENTITY); the checksums were
	// still checked.
	Skipped string
	// Detail is what did not match, for people.
	Detail string
}

// RecordVerification keeps v.
func (s *Store) RecordVerification(ctx context.Context, v Verification) (err error) {
	defer func() { err = s.explain(err) }()
	_, err = s.db.ExecContext(ctx, `INSERT INTO verifications (at, job, set_id, database_name, ok, problems, by_whom,
		restored, tables, rows_restored, skipped, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, formatTime(v.At), jobOrDefault(v.Job), v.SetID, v.Database, v.OK, v.Problems, v.By,
		v.Restored, v.Tables, v.Rows, v.Skipped, v.Detail)
	if err != nil {
		return fmt.Errorf("record the verification of %s: %w", v.SetID, err)
	}
	return nil
}

const verificationColumns = `at, job, set_id, database_name, ok, problems, by_whom, restored, tables, rows_restored, skipped, detail`

// LastVerification is the newest verification of a set of job; ok is
// false when none was ever made.
func (s *Store) LastVerification(ctx context.Context, job string) (v Verification, ok bool, err error) {
	return s.lastVerification(ctx, job, false)
}

// LastRestore is the newest verification of a set of job that restored
// it (whatever its result); ok is false when none did. BACKUP_VERIFY=weekly
// goes by it.
func (s *Store) LastRestore(ctx context.Context, job string) (v Verification, ok bool, err error) {
	return s.lastVerification(ctx, job, true)
}

func (s *Store) lastVerification(ctx context.Context, job string, restored bool) (v Verification, ok bool, err error) {
	defer func() { err = s.explain(err) }()
	q := `SELECT ` + verificationColumns + ` FROM verifications WHERE job = ?`
	if restored {
		q += ` AND restored`
	}
	var at string
	err = s.db.QueryRowContext(ctx, q+` ORDER BY at DESC, id DESC LIMIT 1`, jobOrDefault(job)).
		Scan(&at, &v.Job, &v.SetID, &v.Database, &v.OK, &v.Problems, &v.By, &v.Restored, &v.Tables, &v.Rows, &v.Skipped, &v.Detail)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("read the last verification of job %s: %w", job, err)
	}
	v.At, err = parseTime(at)
	return v, err == nil, err
}
