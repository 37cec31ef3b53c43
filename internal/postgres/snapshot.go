package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/jackc/pgx/v5"
)

// Snapshot is one open REPEATABLE READ, READ ONLY transaction.
type Snapshot struct {
	conn *pgx.Conn
	info dbbackup.SnapshotInfo
}

var _ dbbackup.Snapshot = (*Snapshot)(nil)

// Info implements dbbackup.Source.
func (s *Snapshot) Info() dbbackup.SnapshotInfo { return s.info }

// Rows implements dbbackup.Source. Values come in the text format, exactly
// as the server prints them.
func (s *Snapshot) Rows(ctx context.Context, t dbbackup.Table, opt dbbackup.RowsOptions, fn func([][]byte) error) (int64, error) {
	rr := s.conn.PgConn().ExecParams(ctx, selectSQL(t, opt), nil, nil, nil, []int16{pgx.TextFormatCode})
	var n int64
	var fnErr error
	for rr.NextRow() {
		if fnErr = fn(rr.Values()); fnErr != nil {
			break
		}
		n++
	}
	_, err := rr.Close()
	if fnErr != nil {
		return n, fnErr
	}
	if err != nil {
		return n, fmt.Errorf("read %s: %w", t, err)
	}
	return n, nil
}

// selectSQL reads every column of t in order. ONLY keeps rows of
// inheritance children out: each child is a table of its own in the set.
func selectSQL(t dbbackup.Table, opt dbbackup.RowsOptions) string {
	var b strings.Builder
	b.WriteString("SELECT ") // an empty list is valid: a table without columns still has rows
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		col := pgx.Identifier{c.Name}.Sanitize()
		if opt.ArraysAsJSON && c.Kind == dbbackup.KindArray {
			col = "to_json(" + col + ")"
		}
		b.WriteString(col)
	}
	b.WriteString(" FROM ")
	if !t.Partitioned {
		b.WriteString("ONLY ")
	}
	b.WriteString(quoteTable(t))
	return b.String()
}

// Close implements dbbackup.Snapshot.
func (s *Snapshot) Close(ctx context.Context) error {
	if s.conn == nil {
		return nil
	}
	conn := s.conn
	s.conn = nil
	// The transaction only read: ending it with the connection is enough.
	return conn.Close(context.WithoutCancel(ctx))
}
