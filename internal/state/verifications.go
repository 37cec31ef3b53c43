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
	OK       bool // every file, and the manifest, matched
	Problems int  // how many did not
	By       string
}

// RecordVerification keeps v.
func (s *Store) RecordVerification(ctx context.Context, v Verification) (err error) {
	defer func() { err = s.explain(err) }()
	_, err = s.db.ExecContext(ctx, `INSERT INTO verifications (at, job, set_id, database_name, ok, problems, by_whom)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, formatTime(v.At), jobOrDefault(v.Job), v.SetID, v.Database, v.OK, v.Problems, v.By)
	if err != nil {
		return fmt.Errorf("record the verification of %s: %w", v.SetID, err)
	}
	return nil
}

// LastVerification is the newest verification of a set of job; ok is
// false when none was ever made.
func (s *Store) LastVerification(ctx context.Context, job string) (v Verification, ok bool, err error) {
	defer func() { err = s.explain(err) }()
	var at string
	err = s.db.QueryRowContext(ctx, `SELECT at, job, set_id, database_name, ok, problems, by_whom FROM verifications
		WHERE job = ? ORDER BY at DESC, id DESC LIMIT 1`, jobOrDefault(job)).
		Scan(&at, &v.Job, &v.SetID, &v.Database, &v.OK, &v.Problems, &v.By)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("read the last verification of job %s: %w", job, err)
	}
	v.At, err = parseTime(at)
	return v, err == nil, err
}
