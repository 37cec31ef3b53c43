package state

import (
	"context"
	"database/sql"

	"github.com/dbbackup/dbbackup"
)

// readRun reads the runs row of id, with its report, into d.
func readRun(ctx context.Context, tx *sql.Tx, id int64, d *RunDetail) error {
	row := tx.QueryRowContext(ctx, `SELECT `+runColumns+`, r.hint, r.destination,
		r.database_name, r.server_version, r.server_major, r.snapshot_time, r.time_zone,
		r.quota_used, r.quota_limit, r.retention_ran, r.retention_dry,
		coalesce(p.subject, ''), coalesce(p.text, ''), coalesce(p.html, ''), coalesce(p.error, '')`+
		runFrom+` WHERE r.id = ?`, id)
	var (
		snapTime          sql.NullString
		used, limit       sql.NullInt64
		retention, dryRun bool
		rep               Report
	)
	err := scanRun(scanAlso{row, []any{&d.Hint, &d.Destination,
		&d.Snapshot.Database, &d.Snapshot.ServerVersion, &d.Snapshot.ServerMajor, &snapTime, &d.Snapshot.TimeZone,
		&used, &limit, &retention, &dryRun,
		&rep.Subject, &rep.Text, &rep.HTML, &rep.Error}}, &d.Run)
	if err != nil {
		return err
	}
	if d.Snapshot.SnapshotTime, err = parseNullTime(snapTime); err != nil {
		return err
	}
	if used.Valid {
		d.Quota = &dbbackup.Quota{Used: used.Int64, Limit: limit.Int64}
	}
	if retention {
		d.Retention = &Retention{DryRun: dryRun}
	}
	if d.HasReport {
		rep.Sent = d.ReportSent
		d.Report = &rep
	}
	return nil
}

// scanAlso lets a scan function (scanRun, scanUser) read a row that has
// more columns after its own.
type scanAlso struct {
	row  *sql.Row
	more []any
}

func (s scanAlso) Scan(dest ...any) error { return s.row.Scan(append(dest, s.more...)...) }

// readTables reads the row counts of run id in the run's order.
func readTables(ctx context.Context, tx *sql.Tx, id int64) ([]dbbackup.TableCount, error) {
	var out []dbbackup.TableCount
	err := each(ctx, tx, `SELECT schema_name, table_name, row_count FROM run_tables WHERE run_id = ? ORDER BY pos`,
		func(rows *sql.Rows) error {
			var t dbbackup.TableCount
			err := rows.Scan(&t.Schema, &t.Name, &t.Rows)
			out = append(out, t)
			return err
		}, id)
	return out, err
}

// readLists reads the files, warnings, steps and retention sets of d's run.
func readLists(ctx context.Context, tx *sql.Tx, d *RunDetail) error {
	err := each(ctx, tx, `SELECT name, set_id, format, size, sha256, md5, dest_id, link
		FROM run_files WHERE run_id = ? ORDER BY pos`, func(rows *sql.Rows) error {
		var f dbbackup.File
		err := rows.Scan(&f.Name, &f.SetID, &f.Format, &f.Size, &f.SHA256, &f.MD5, &f.ID, &f.Link)
		d.Files = append(d.Files, f)
		return err
	}, d.ID)
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT message FROM run_warnings WHERE run_id = ? ORDER BY pos`, func(rows *sql.Rows) error {
		var w string
		err := rows.Scan(&w)
		d.Warnings = append(d.Warnings, w)
		return err
	}, d.ID)
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT name, title, status, detail FROM run_steps WHERE run_id = ? ORDER BY pos`, func(rows *sql.Rows) error {
		var st dbbackup.Step
		err := rows.Scan(&st.Name, &st.Title, &st.Status, &st.Detail)
		d.Steps = append(d.Steps, st)
		return err
	}, d.ID)
	if err != nil || d.Retention == nil {
		return err
	}
	return each(ctx, tx, `SELECT set_id, set_time, size, complete, remove, reason, removed, error
		FROM run_retention WHERE run_id = ? ORDER BY pos`, func(rows *sql.Rows) error {
		var r RetentionSet
		var at sql.NullString
		err := rows.Scan(&r.SetID, &at, &r.Size, &r.Complete, &r.Remove, &r.Reason, &r.Removed, &r.Error)
		if err == nil {
			r.Time, err = parseNullTime(at)
		}
		d.Retention.Sets = append(d.Retention.Sets, r)
		return err
	}, d.ID)
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// each runs query with args and calls scan for every row.
func each(ctx context.Context, q querier, query string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
