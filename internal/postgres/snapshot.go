package postgres

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtext"
	"github.com/jackc/pgx/v5"
)

// Snapshot is one open REPEATABLE READ, READ ONLY transaction.
type Snapshot struct {
	conn *pgx.Conn
	info dbbackup.SnapshotInfo

	mu           sync.Mutex
	fingerprints map[fingerprintKey]string // of the tables CopyCSV read in full
}

var _ dbbackup.Snapshot = (*Snapshot)(nil)

// Info implements dbbackup.Source.
func (s *Snapshot) Info() dbbackup.SnapshotInfo { return s.info }

// Rows implements dbbackup.Source. Values come in the text format, exactly
// as the server prints them; long values come from temporary files (see
// spillConn).
func (s *Snapshot) Rows(ctx context.Context, t dbbackup.Table, opt dbbackup.RowsOptions, fn func(values [][]byte, long []*io.SectionReader) error) (int64, error) {
	sc, _ := s.conn.PgConn().Conn().(*spillConn)
	if sc != nil {
		sc.arm(true)
		defer sc.arm(false)
	}
	rr := s.conn.PgConn().ExecParams(ctx, selectSQL(t, opt), nil, nil, nil, []int16{pgx.TextFormatCode})
	var n int64
	var fnErr error
	var long []*io.SectionReader
	var files []*os.File
	for rr.NextRow() {
		values := rr.Values()
		if sc != nil && sc.waiting.Load() > 0 {
			long, files = longValues(sc, values, files[:0])
		}
		fnErr = fn(values, long)
		for _, f := range files {
			f.Close()
		}
		long, files = nil, files[:0]
		if fnErr != nil {
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

// longValues finds the markers of spilled values in a row: long[i] reads
// value i, which values[i] no longer holds (it is set to nil). long stays
// nil when the row has none.
func longValues(sc *spillConn, values [][]byte, files []*os.File) (long []*io.SectionReader, _ []*os.File) {
	for i, v := range values {
		sv, ok := sc.value(v)
		if !ok {
			continue
		}
		if long == nil {
			long = make([]*io.SectionReader, len(values))
		}
		long[i] = io.NewSectionReader(sv.f, 0, sv.size)
		values[i] = nil
		files = append(files, sv.f)
	}
	return long, files
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
		if opt.ArraysAsJSON && !opt.ArraysAlsoAsJSON && c.Kind == dbbackup.KindArray {
			col = arrayAsJSON(col, c.Type)
		}
		b.WriteString(col)
	}
	if opt.ArraysAlsoAsJSON {
		for _, c := range t.Columns {
			if c.Kind != dbbackup.KindArray {
				continue
			}
			if b.Len() > len("SELECT ") {
				b.WriteString(", ")
			}
			b.WriteString(arrayAsJSON(pgx.Identifier{c.Name}.Sanitize(), c.Type))
		}
	}
	b.WriteString(" FROM ")
	if !t.Partitioned {
		b.WriteString("ONLY ")
	}
	b.WriteString(quoteTable(t))
	return b.String()
}

// arrayAsJSON is the select expression of an array column for
// RowsOptions.ArraysAsJSON: to_json, unless to_json would lose something,
// when the array literal (see RowsOptions): an array whose lower bounds
// are not all 1 (to_json drops them), and an array of json or jsonb
// (to_json writes an SQL NULL element and a JSON null alike, and nested
// JSON arrays like a second dimension). The test is per row, in the one
// read of the table.
func arrayAsJSON(col, typ string) string {
	if pgtext.JSONArrayType(typ) {
		return col + "::text"
	}
	// array_dims is NULL for an empty array, whose to_json is [].
	return "CASE WHEN array_dims(" + col + `) !~ '^(\[1:[0-9]+\])+$' THEN ` + col + "::text ELSE to_json(" + col + ")::text END"
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
