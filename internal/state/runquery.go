package state

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// StatusWarning selects, in RunQuery.Status, the runs that ended ok with
// warnings. No run is recorded with it.
const StatusWarning Status = "warning"

// RunQuery selects and orders runs for the web's runs list. Zero fields
// select everything: Job and Status match exactly (Status may also be
// StatusWarning); Job names a backup job, or a sync job with Kind
// KindSheets, and Kind alone selects the runs of that kind. Search is a case-insensitive substring of the set id,
// the database or the error, From and To bound the start (To excluded).
// Sort is "started", "status", "job", "database", "size" or "duration"
// (newest first among equals), and Desc reverses it; Sort "" is newest
// first. Limit <= 0 returns every run after Offset.
type RunQuery struct {
	Job, Status, Search string
	Kind                Kind
	From, To            time.Time
	Sort                string
	Desc                bool
	Offset, Limit       int
}

// runOrder is each sort's ORDER BY; %s is ASC or DESC. Every one ends in
// the id, so that paging never shows a run twice or skips one.
var runOrder = map[string]string{
	"started":  "r.started %s, r.id %[1]s",
	"status":   "r.status %s, r.started DESC, r.id DESC",
	"job":      "r.job %s, r.started DESC, r.id DESC",
	"database": "r.database_name %s, r.started DESC, r.id DESC",
	"size":     "r.files_size %s, r.started DESC, r.id DESC",
	// A run without an end (running, interrupted) sorts as the shortest.
	"duration": "r.duration %s, r.started DESC, r.id DESC",
}

// QueryRuns returns the runs q selects, in its order, and how many it
// selects in all (for paging). It reads in one transaction, so the page
// and the total agree. A sort or status it does not know is an error
// wrapping ErrBadQuery.
func (s *Store) QueryRuns(ctx context.Context, q RunQuery) (runs []Run, total int, err error) {
	defer func() { err = s.explain(err) }()
	if q.Sort == "" {
		q.Sort, q.Desc = "started", true
	}
	order, ok := runOrder[q.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("runs: sort by %q: %w (use started, status, job, database, size or duration)", q.Sort, ErrBadQuery)
	}
	w, err := runFilter(q)
	if err != nil {
		return nil, 0, err
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("runs: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM runs r`+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("runs: %w", err)
	}
	// The page's ids first, then their columns: the counts and sums of a
	// Run are computed for one page, not for every run sorted.
	var ids []any
	err = each(ctx, tx, `SELECT r.id FROM runs r`+w.sql()+` ORDER BY `+fmt.Sprintf(order, direction(q.Desc))+` LIMIT ? OFFSET ?`,
		func(rows *sql.Rows) error {
			var id int64
			err := rows.Scan(&id)
			ids = append(ids, id)
			return err
		}, append(w.args, limitOf(q.Limit), max(q.Offset, 0))...)
	if err != nil || len(ids) == 0 {
		if err != nil {
			err = fmt.Errorf("runs: %w", err)
		}
		return nil, total, err
	}
	byID := make(map[int64]Run, len(ids))
	err = each(ctx, tx, `SELECT `+runColumns+runFrom+` WHERE r.id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`,
		func(rows *sql.Rows) error {
			var r Run
			err := scanRun(rows, &r)
			byID[r.ID] = r
			return err
		}, ids...)
	if err != nil {
		return nil, 0, fmt.Errorf("runs: %w", err)
	}
	runs = make([]Run, 0, len(ids))
	for _, id := range ids {
		runs = append(runs, byID[id.(int64)])
	}
	return runs, total, nil
}

// runFilter is the WHERE clause of q's filters.
func runFilter(q RunQuery) (where, error) {
	var w where
	kind := q.Kind
	if kind == "" && q.Job != "" {
		kind = KindBackup // a job's name alone is a backup job's
	}
	switch kind {
	case "", KindBackup, KindSheets:
	default:
		return w, fmt.Errorf("runs: kind %q: %w (use backup or sheets)", q.Kind, ErrBadQuery)
	}
	w.add(kind != "", "r.kind = ?", kind)
	w.add(q.Job != "", "r.job = ?", q.Job)
	switch st := Status(q.Status); st {
	case "":
	case StatusWarning:
		w.add(true, "r.status = ? AND r.warning_count > 0", StatusOK)
	case StatusRunning, StatusOK, StatusFailed, StatusInterrupted, StatusSkipped:
		w.add(true, "r.status = ?", st)
	default:
		return w, fmt.Errorf("runs: status %q: %w (use ok, warning, failed, interrupted, skipped or running)", q.Status, ErrBadQuery)
	}
	w.add(!q.From.IsZero(), "r.started >= ?", formatTime(q.From))
	w.add(!q.To.IsZero(), "r.started < ?", formatTime(q.To))
	if q.Search != "" {
		like := likePattern(q.Search)
		w.add(true, `(r.set_id LIKE ? ESCAPE '\' OR r.database_name LIKE ? ESCAPE '\' OR r.error LIKE ? ESCAPE '\')`, like, like, like)
	}
	return w, nil
}
