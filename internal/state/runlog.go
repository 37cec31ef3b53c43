package state

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/dbbackup/dbbackup"
)

// LogLine is one line a run logged, kept with the run for its web page.
type LogLine struct {
	Seq     int       // its place in the run's log, from 0; set by the store
	Time    time.Time // local time zone when read
	Level   string    // as slog names it: DEBUG, INFO, WARN, ERROR
	Message string    // the message with its attributes, as printed
}

// AddRunLog appends lines to the log of run id, after the lines it has;
// their Seq is ignored. Lines may be added while the run is going, in as
// many calls as suit the writer. An unknown run is an error wrapping
// dbbackup.ErrNotFound.
func (s *Store) AddRunLog(ctx context.Context, id int64, lines []LogLine) (err error) {
	defer func() { err = s.explain(err) }()
	if len(lines) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("keep log of run %d: %w", id, err)
	}
	defer tx.Rollback()
	var next int
	err = tx.QueryRowContext(ctx, `SELECT coalesce(max(seq) + 1, 0) FROM run_log WHERE run_id = ?`, id).Scan(&next)
	for i, l := range lines {
		if err != nil {
			break
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO run_log (run_id, seq, at, level, message) VALUES (?, ?, ?, ?, ?)`,
			id, next+i, formatTime(l.Time), l.Level, l.Message)
	}
	if err == nil {
		err = tx.Commit()
	}
	if isForeignKey(err) {
		err = dbbackup.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("keep log of run %d: %w", id, err)
	}
	return nil
}

// RunLog returns the log lines of run id in the order they were added;
// none for a run that kept none (or does not exist).
func (s *Store) RunLog(ctx context.Context, id int64) (lines []LogLine, err error) {
	defer func() { err = s.explain(err) }()
	err = each(ctx, s.db, `SELECT seq, at, level, message FROM run_log WHERE run_id = ? ORDER BY seq`, func(rows *sql.Rows) error {
		var l LogLine
		var at string
		err := rows.Scan(&l.Seq, &at, &l.Level, &l.Message)
		if err == nil {
			l.Time, err = parseTime(at)
		}
		lines = append(lines, l)
		return err
	}, id)
	if err != nil {
		return nil, fmt.Errorf("read log of run %d: %w", id, err)
	}
	return lines, nil
}
