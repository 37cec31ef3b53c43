package dbbackup

import "context"

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
