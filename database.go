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
