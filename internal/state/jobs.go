package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Job is a job made with `dbbackup job`: its name and the settings it
// sets, keyed by the .env variables' names. Secrets among them arrive
// sealed (internal/secret): this package stores text and knows no key.
// Names and settings are checked by internal/config, not here.
type Job struct {
	Name     string
	Settings map[string]string // never nil when read
	// Created is when the job was first stored, Updated when it was last
	// stored; both are set by PutJob and read in the local time zone.
	Created, Updated time.Time
}

// PutJob stores j, replacing the settings of a job of the same name as a
// whole (a key j leaves out is gone). j.Created and j.Updated are
// ignored: Updated becomes now, and Created stays that of the first store.
func (s *Store) PutJob(ctx context.Context, j Job) (err error) {
	defer func() { err = s.explain(err) }()
	settings := j.Settings
	if settings == nil {
		settings = map[string]string{} // an object, never JSON null
	}
	text, err := json.Marshal(settings)
	if err != nil {
		return fmt.Errorf("store job %s: %w", j.Name, err)
	}
	now := formatTime(time.Now())
	_, err = s.db.ExecContext(ctx, `INSERT INTO jobs (name, settings, created, updated) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET settings = excluded.settings, updated = excluded.updated`,
		j.Name, string(text), now, now)
	if err != nil {
		return fmt.Errorf("store job %s: %w", j.Name, err)
	}
	return nil
}

// Job returns the stored job name; ok is false when there is none.
func (s *Store) Job(ctx context.Context, name string) (j Job, ok bool, err error) {
	defer func() { err = s.explain(err) }()
	row := s.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE name = ?`, name)
	if err := scanJob(row, &j); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Job{}, false, nil
		}
		return Job{}, false, fmt.Errorf("read job %s: %w", name, err)
	}
	return j, true, nil
}

// Jobs returns every stored job, sorted by name.
func (s *Store) Jobs(ctx context.Context) (jobs []Job, err error) {
	defer func() { err = s.explain(err) }()
	err = each(ctx, s.db, `SELECT `+jobColumns+` FROM jobs ORDER BY name`, func(rows *sql.Rows) error {
		var j Job
		err := scanJob(rows, &j)
		jobs = append(jobs, j)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return jobs, nil
}

// RemoveJob deletes the stored job name; ok is false when there was none.
// Its runs stay in the history.
func (s *Store) RemoveJob(ctx context.Context, name string) (ok bool, err error) {
	defer func() { err = s.explain(err) }()
	res, err := s.db.ExecContext(ctx, `DELETE FROM jobs WHERE name = ?`, name)
	if err != nil {
		return false, fmt.Errorf("remove job %s: %w", name, err)
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
		return fmt.Errorf("settings of job %s: %w", j.Name, err)
	}
	var err error
	if j.Created, err = parseTime(created); err != nil {
		return err
	}
	j.Updated, err = parseTime(updated)
	return err
}
