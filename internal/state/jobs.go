package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Job is a job made with `dbbackup job` (or a sync job made with
// `dbbackup sheets add`): its name and the settings it sets, keyed by the
// .env variables' names. Secrets among them arrive sealed
// (internal/secret): this package stores text and knows no key. Names and
// settings are checked by internal/config, not here.
type Job struct {
	Name     string
	Settings map[string]string // never nil when read
	// Created is when the job was first stored, Updated when it was last
	// stored; both are set by PutJob and read in the local time zone.
	Created, Updated time.Time
}

// jobTable is a table of jobs: backup jobs, or sync jobs. Both keep a
// name and its settings, the same way.
type jobTable struct {
	table string // a constant, never user input
	what  string // "job", "sync job": for messages
}

var (
	backupJobs = jobTable{"jobs", "job"}
	syncJobs   = jobTable{"sheet_jobs", "sync job"}
)

// PutJob stores jobs in one transaction (all or none: an import never
// stops half-stored), each replacing the settings of a job of the same
// name as a whole (a key it leaves out is gone). Created and Updated are
// ignored: Updated becomes now, and Created stays that of the first store.
func (s *Store) PutJob(ctx context.Context, jobs ...Job) error {
	return s.putJob(ctx, backupJobs, jobs...)
}

// Job returns the stored job name; ok is false when there is none.
func (s *Store) Job(ctx context.Context, name string) (Job, bool, error) {
	return s.readJob(ctx, backupJobs, name)
}

// Jobs returns every stored job, sorted by name.
func (s *Store) Jobs(ctx context.Context) ([]Job, error) { return s.readJobs(ctx, backupJobs) }

// RemoveJob deletes the stored job name; ok is false when there was none.
// Its runs stay in the history.
func (s *Store) RemoveJob(ctx context.Context, name string) (bool, error) {
	return s.removeJob(ctx, backupJobs, name)
}

// PutSyncJob stores the Google Sheets sync job j as PutJob stores a job.
// Sync jobs have names of their own: a sync job may be called as a
// backup job is.
func (s *Store) PutSyncJob(ctx context.Context, j Job) error { return s.putJob(ctx, syncJobs, j) }

// SyncJob returns the stored sync job name; ok is false when there is none.
func (s *Store) SyncJob(ctx context.Context, name string) (Job, bool, error) {
	return s.readJob(ctx, syncJobs, name)
}

// SyncJobs returns every stored sync job, sorted by name.
func (s *Store) SyncJobs(ctx context.Context) ([]Job, error) { return s.readJobs(ctx, syncJobs) }

// RemoveSyncJob deletes the stored sync job name; ok is false when there
// was none. Its runs stay in the history.
func (s *Store) RemoveSyncJob(ctx context.Context, name string) (bool, error) {
	return s.removeJob(ctx, syncJobs, name)
}

func (s *Store) putJob(ctx context.Context, t jobTable, jobs ...Job) (err error) {
	defer func() { err = s.explain(err) }()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store %ss: %w", t.what, err)
	}
	defer tx.Rollback()
	now := formatTime(time.Now())
	for _, j := range jobs {
		settings := j.Settings
		if settings == nil {
			settings = map[string]string{} // an object, never JSON null
		}
		text, err := json.Marshal(settings)
		if err != nil {
			return fmt.Errorf("store %s %s: %w", t.what, j.Name, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO `+t.table+` (name, settings, created, updated) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET settings = excluded.settings, updated = excluded.updated`,
			j.Name, string(text), now, now)
		if err != nil {
			return fmt.Errorf("store %s %s: %w", t.what, j.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store %ss: %w", t.what, err)
	}
	return nil
}

func (s *Store) readJob(ctx context.Context, t jobTable, name string) (j Job, ok bool, err error) {
	defer func() { err = s.explain(err) }()
	row := s.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM `+t.table+` WHERE name = ?`, name)
	if err := scanJob(row, &j); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Job{}, false, nil
		}
		return Job{}, false, fmt.Errorf("read %s %s: %w", t.what, name, err)
	}
	return j, true, nil
}

func (s *Store) readJobs(ctx context.Context, t jobTable) (jobs []Job, err error) {
	defer func() { err = s.explain(err) }()
	err = each(ctx, s.db, `SELECT `+jobColumns+` FROM `+t.table+` ORDER BY name`, func(rows *sql.Rows) error {
		var j Job
		err := scanJob(rows, &j)
		jobs = append(jobs, j)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list %ss: %w", t.what, err)
	}
	return jobs, nil
}

func (s *Store) removeJob(ctx context.Context, t jobTable, name string) (ok bool, err error) {
	defer func() { err = s.explain(err) }()
	res, err := s.db.ExecContext(ctx, `DELETE FROM `+t.table+` WHERE name = ?`, name)
	if err != nil {
		return false, fmt.Errorf("remove %s %s: %w", t.what, name, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

const jobColumns = `name, settings, created, updated`

func scanJob(row interface{ Scan(...any) error }, j *Job) error {
	var settings, created, updated string
	if err := row.Scan(&j.Name, &settings, &created, &updated); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(settings), &j.Settings); err != nil {
		return fmt.Errorf("settings of %s: %w", j.Name, err)
	}
	var err error
	if j.Created, err = parseTime(created); err != nil {
		return err
	}
	j.Updated, err = parseTime(updated)
	return err
}
