package dbbackup

import (
	"context"
	"io"
)

// Database opens consistent snapshots of the database being backed up.
type Database interface {
	// Snapshot opens a REPEATABLE READ, READ ONLY transaction and exports
	// its snapshot. Everything read through the returned Snapshot, and
	// every process given its SnapshotID, sees the same data. The caller
	// must Close it. Errors say which server could not be reached but never
	// carry the connection string or password.
	Snapshot(ctx context.Context) (Snapshot, error)
}

// Snapshot is a Source that also lists the tables it can read.
type Snapshot interface {
	Source

	// Tables lists every ordinary and partitioned table outside the
	// system schemas, sorted by schema and name. A partitioned table is
	// listed once, as its parent, with its partitions in Partitions.
	Tables(ctx context.Context) ([]Table, error)

	// Close ends the transaction and the connection. It is safe to call
	// more than once.
	Close(ctx context.Context) error
}

// Relation is a relation of the database that is not a table a backup
// reads: a view, a materialized view, a foreign table.
type Relation struct {
	Table
	Kind string // "view", "materialized view", "foreign table"
}

// Catalog is what a Snapshot may also tell, so that a run whose scope
// cannot be backed up stops before it exports anything. Scope.SelectFrom uses
// it when the Snapshot implements it.
type Catalog interface {
	// Relations lists the views, materialized views and foreign tables
	// outside the system schemas: a scope that names one is told so.
	Relations(ctx context.Context) ([]Relation, error)
	// CheckReadable returns an error naming every table of tables the
	// session may not read, with what to grant, or nil. It reads no rows.
	CheckReadable(ctx context.Context, tables []Table) error
}

// SchemaWriter is what a Snapshot may also do: write the schema of the
// tables it reads, so that every set can be loaded back into an empty
// database whatever its formats. The Runner stores what it writes as the
// set's <set>.schema.sql (FormatSchema), before the data files.
type SchemaWriter interface {
	// WriteSchema writes, as plain SQL a person can read and run with
	// psql, what tables need before and after their rows are loaded, read
	// from the snapshot's own transaction: after a header comment, the
	// line SchemaPreData, then schemas, extensions and types the tables
	// use, sequences, the tables with their columns, defaults, NOT NULL,
	// identity and generated columns, and partitions at every level; then
	// the line SchemaPostData, then keys, checks, foreign keys between
	// tables, indexes, and the value of every sequence. Every name is
	// schema-qualified and quoted, so it runs with an empty search_path.
	// Partitions come with their partitioned table: tables lists only the
	// parent, as Tables does. Functions, views, triggers, policies, owners
	// and grants are left out (a dump keeps them).
	WriteSchema(ctx context.Context, tables []Table, w io.Writer) error
}

// Fingerprinter is what a Snapshot may also do: fingerprint the rows of a
// table (TableCount.Fingerprint), so that a restore of the set can be
// proven row for row. The Runner records a fingerprint of every table in
// the manifest when the Snapshot implements it.
type Fingerprinter interface {
	// Fingerprint returns the fingerprint of t's rows in the snapshot. A
	// table the Snapshot already read in full for CopyCSV costs nothing
	// more; any other is read once more.
	Fingerprint(ctx context.Context, t Table) (string, error)
}
