package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Load is one restore into a Target, from a set's schema and CSV: all it
// does is one transaction, which only Commit keeps. An error, Rollback or
// a lost connection leaves the target as it was.
type Load struct {
	conn *pgx.Conn
	// match: the server checks a CSV header against the column list
	// (HEADER MATCH, PostgreSQL 15 and later).
	match bool
}

// Begin starts a restore's transaction on t. Nothing else may use t
// until the Load is committed or rolled back.
func (t *Target) Begin(ctx context.Context) (*Load, error) {
	var version int
	if err := t.conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		return nil, fmt.Errorf("read the target's server version: %w", err)
	}
	if _, err := t.conn.Exec(ctx, "BEGIN"); err != nil {
		return nil, fmt.Errorf("begin the restore's transaction: %w", err)
	}
	return &Load{conn: t.conn, match: version >= 150000}, nil
}

// Exec runs SQL of the set's schema (several statements; the
// connection's search_path is empty, as the schema expects). what names
// it in an error, e.g. "the schema's pre-data".
func (l *Load) Exec(ctx context.Context, what, sql string) error {
	if _, err := l.conn.PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		return fmt.Errorf("run %s: %s", what, describe(err, sql))
	}
	return nil
}

// ExecEach runs the statements one by one, each undone alone when it
// fails with one of the SQLSTATE codes skip; skipped is told each such
// statement and its error. Any other failure ends it.
func (l *Load) ExecEach(ctx context.Context, what string, statements []string, skip []string, skipped func(stmt string, err error)) error {
	for _, stmt := range statements {
		if _, err := l.conn.PgConn().Exec(ctx, "SAVEPOINT restore_statement; "+stmt).ReadAll(); err != nil {
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || !contains(skip, pe.Code) {
				return fmt.Errorf("run %s: %s", what, describe(err, stmt))
			}
			if _, err := l.conn.Exec(ctx, "ROLLBACK TO SAVEPOINT restore_statement"); err != nil {
				return fmt.Errorf("run %s: %w", what, err)
			}
			skipped(stmt, err)
			continue
		}
		if _, err := l.conn.Exec(ctx, "RELEASE SAVEPOINT restore_statement"); err != nil {
			return fmt.Errorf("run %s: %w", what, err)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Tables reads the tables the restore made so far (with their columns
// and kinds, as a Snapshot reads a source's).
func (l *Load) Tables(ctx context.Context) ([]dbbackup.Table, error) {
	return catalogTables(ctx, l.conn)
}

// Copy loads t's rows from r, CSV as COPY … TO (FORMAT csv) writes them
// (with a header line when header is true): the copied columns of t
// (generated ones left out), in t's order. r is streamed: memory stays
// flat whatever its size. A partitioned table is loaded through itself,
// its rows going to their partitions.
func (l *Load) Copy(ctx context.Context, t dbbackup.Table, r io.Reader, header bool) (int64, error) {
	t = t.Copied()
	var b strings.Builder
	b.WriteString("COPY " + quoteTable(t))
	if len(t.Columns) > 0 { // "()" is no valid list; without one COPY takes every copied column: none
		b.WriteString(" (")
		for i, c := range t.Columns {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pgx.Identifier{c.Name}.Sanitize())
		}
		b.WriteString(")")
	}
	b.WriteString(" FROM STDIN (FORMAT csv")
	switch {
	case header && l.match:
		b.WriteString(", HEADER MATCH") // a file of other columns fails at once, naming them
	case header:
		b.WriteString(", HEADER")
	}
	b.WriteString(")")
	tag, err := l.conn.PgConn().CopyFrom(ctx, r, b.String())
	if err != nil {
		return 0, fmt.Errorf("load %s: %w", t, err)
	}
	return tag.RowsAffected(), nil
}

// Drop drops tables (and what depends on them, such as their
// partitions): a restore of some tables made every table of the set.
func (l *Load) Drop(ctx context.Context, tables []dbbackup.Table) error {
	if len(tables) == 0 {
		return nil
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = quoteTable(t)
	}
	if _, err := l.conn.Exec(ctx, "DROP TABLE "+strings.Join(names, ", ")+" CASCADE"); err != nil {
		return fmt.Errorf("drop the tables left out: %w", err)
	}
	return nil
}

// Commit keeps what the restore did.
func (l *Load) Commit(ctx context.Context) error {
	tag, err := l.conn.Exec(ctx, "COMMIT")
	if err != nil {
		return fmt.Errorf("commit the restore: %w", err)
	}
	if tag.String() != "COMMIT" { // the server rolled back a failed transaction
		return fmt.Errorf("commit the restore: the transaction had failed and was rolled back")
	}
	return nil
}

// Rollback undoes everything the restore did. It runs even when ctx is
// done: a cancelled restore is undone too (and closing the connection
// would undo it anyway).
func (l *Load) Rollback(ctx context.Context) error {
	if _, err := l.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
		return fmt.Errorf("roll back the restore: %w", err)
	}
	return nil
}

// describe is a server error with the line of sql it points at, when it
// points at one.
func describe(err error, sql string) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Position <= 0 || int(pe.Position) > len(sql) {
		return err.Error()
	}
	runes := []rune(sql) // Position counts characters, from 1
	if int(pe.Position) > len(runes) {
		return err.Error()
	}
	pos := len(string(runes[:pe.Position-1]))
	start := strings.LastIndexByte(sql[:pos], '\n') + 1
	end := strings.IndexByte(sql[pos:], '\n')
	if end < 0 {
		end = len(sql)
	} else {
		end += pos
	}
	return fmt.Sprintf("%s, at: %s", err, strings.TrimSpace(sql[start:end]))
}
