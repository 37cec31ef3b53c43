package dbbackup

import (
	"context"
	"io"
	"time"

	"github.com/dbbackup/dbbackup/internal/fsutil"
)

// Source is one consistent, read-only view of the database: every call reads
// the same snapshot, so files written from it agree with each other.
// A Source is not safe for concurrent use.
type Source interface {
	// Info describes the database and the snapshot.
	Info() SnapshotInfo

	// CopyCSV writes table t to w in PostgreSQL's own CSV format (COPY … CSV
	// HEADER): a header line, NULL as an unquoted empty field, an empty
	// string as "". It returns the number of rows written.
	CopyCSV(ctx context.Context, t Table, w io.Writer) (rows int64, err error)

	// Rows calls fn once per row of t, in the order of t.Columns. values[i]
	// is PostgreSQL's text form of column i (DateStyle ISO, bytea as hex,
	// floats with full precision) or nil for SQL NULL. A value too long to
	// hold in memory comes as long[i] instead, a reader of the same text
	// form (values[i] is then nil); long is nil when the row has none, as
	// nearly every row. The slices and readers are only valid during the
	// call. An error from fn stops the scan and is returned as is. It
	// returns the number of rows read.
	Rows(ctx context.Context, t Table, opt RowsOptions, fn func(values [][]byte, long []*io.SectionReader) error) (rows int64, err error)
}

// SnapshotInfo describes the database and the snapshot a Source reads.
type SnapshotInfo struct {
	Database      string    // current_database()
	ServerVersion string    // server_version, e.g. "15.20 (Debian 15.20-0+deb12u1)"
	ServerMajor   int       // e.g. 15
	SnapshotID    string    // pg_export_snapshot(), for pg_dump --snapshot
	SnapshotTime  time.Time // the snapshot transaction's start (now())
	TimeZone      string    // the session's TimeZone: timestamptz values are printed in it
}

// RowsOptions changes how Source.Rows renders values.
type RowsOptions struct {
	// ArraysAsJSON renders KindArray columns as JSON arrays (PostgreSQL's
	// to_json) instead of PostgreSQL's array literal, but for the values
	// to_json would not keep whole, which stay array literals: an array
	// whose lower bounds are not all 1 ("[0:2]={7,8,9}") and every array
	// of json or jsonb (pgtext.JSONArrayType). pgtext.IsArrayLiteral tells
	// the two forms apart.
	ArraysAsJSON bool
	// ArraysAlsoAsJSON keeps KindArray columns as array literals and adds,
	// after t's columns, one value per KindArray column of t, in order:
	// that column as a JSON array (to_json), so that formats wanting
	// either form share one read of the table (see the fan-out). It
	// overrides ArraysAsJSON.
	ArraysAlsoAsJSON bool
}

// Exporter writes one format of a backup set. internal/exporttest.Run,
// which each exporter's tests run, checks the promises below but
// streaming, which needs millions of rows: the formats' own tests measure it.
type Exporter interface {
	// Format is the format this exporter writes, one LookupFormat knows.
	Format() Format

	// Extension is the file name extension, with its dot, of the file
	// Export writes for these tables: Format().Suffix(len(tables)) (".csv"
	// for one table, ".csv.zip" for several, …), so that listing knows the
	// file by its name.
	Extension(tables []Table) string

	// Export writes tables, read from src, into a new file at path, which
	// it creates readable by its owner alone (mode 0600, whatever the
	// umask: internal/fsutil.CreatePrivate), so that no crash leaves a backup
	// others can read. The caller owns path: it is a temporary name that
	// the caller fsyncs, checksums and renames, or removes when Export fails.
	// So when Export returns, the file is closed and complete, and nothing
	// else it made is left (no other file, in path's folder or in TMPDIR).
	// Export must stream: memory may not grow with the number of rows.
	//
	// Rows are read through src alone, one call at a time (a Source is not
	// safe for concurrent use), each table once: the caller wraps src to
	// report progress. A format the registry marks PgDump is the
	// exception: pg_dump reads src's snapshot by its id.
	//
	// No tables, or a table with no rows, still make a valid file: a
	// database may have none. When ctx is cancelled, Export stops reading
	// and returns an error that errors.Is ctx's error; when src fails, an
	// error that wraps src's and names the table.
	Export(ctx context.Context, src Source, tables []Table, path string) (ExportResult, error)
}

// StreamExporter is an Exporter that writes its file from the first byte
// to the last and never goes back to change one (csv and json; pg_dump
// and the xlsx writer patch what they wrote). A run then makes the file
// itself and hands ExportTo a writer to it that checksums every byte on
// its way to the file: the sums are the file's without reading it again
// once written, and an exporter holding a writer, not the file, cannot go
// back. Its Export is ExportFile.
type StreamExporter interface {
	Exporter
	// ExportTo writes to w what Export writes into its file, with the
	// same promises, all of it before it returns (it flushes its
	// buffers). It never writes to w after it returned.
	ExportTo(ctx context.Context, src Source, tables []Table, w io.Writer) (ExportResult, error)
}

// ExportFile writes e's file at path as Export promises: it creates the
// file readable by its owner alone, writes it with e.ExportTo, also
// writing every byte to tee when tee is not nil (the writer is the file's
// first: tee sees the bytes the file took), and closes it.
func ExportFile(ctx context.Context, e StreamExporter, src Source, tables []Table, path string, tee io.Writer) (ExportResult, error) {
	f, err := fsutil.CreatePrivate(path)
	if err != nil {
		return ExportResult{}, err
	}
	var w io.Writer = f
	if tee != nil {
		w = io.MultiWriter(f, tee)
	}
	res, err := e.ExportTo(ctx, src, tables, w)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ExportResult{}, err
	}
	return res, nil
}

// ExportResult is what an export saw.
type ExportResult struct {
	// Tables holds the row count of each table written, in order, each
	// the number of rows src gave for it. Formats that do not count rows
	// (the registry's PgDump) leave it empty.
	Tables []TableCount
	// Warnings are facts the user must know about this file, e.g. a cell
	// cut to the format's limit.
	Warnings []string
	// Parts maps each part of the file that holds one table's rows (a zip
	// entry, a sheet) to that table, for formats with parts: their names
	// are made safe and unique, so a name alone cannot say which table it
	// holds.
	Parts []Part
}

// Part is a zip entry or a sheet of a file, and the table whose rows it
// holds. The manifest lists them with the file.
type Part struct {
	Name   string `json:"name"`
	Schema string `json:"schema"`
	Table  string `json:"table"`
}
