// Package state keeps the run history in a local SQLite file: each run,
// where it stopped, its tables, files with links, retention actions and
// the report with whether it was sent. `dbbackup history` and the web UI
// read it; backups never depend on it, so a damaged file costs history,
// not backups. The same file keeps the jobs made with `dbbackup job`.
//
// Runs of different jobs may write at once (each holds its own job's
// lock): writers queue for SQLite's write lock; any number of processes
// may read meanwhile, since the file is in WAL mode.
// Nothing secret is stored in the clear: the Outcome carries no
// credentials, error texts are stored as given, which the rest of the
// program already keeps free of passwords, and a job's secrets arrive
// sealed.
package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/dbbackup/dbbackup"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// FileName is the history file's name inside the state directory.
const FileName = "dbbackup.db"

// busyTimeout is how long a write waits for another writer. Writes are a
// handful of rows, so a longer wait means something is stuck.
const busyTimeout = 10 * time.Second

// ErrCorrupt means the history file is not a usable SQLite database. The
// error names the file and carries a hint (a *dbbackup.HintError) that
// says what to do.
var ErrCorrupt = errors.New("the file is damaged")

// errNewer means a newer dbbackup wrote the file.
var errNewer = errors.New("the run history was written by a newer dbbackup")

// Store is the run history. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens the history in dir, creating dir (mode 0700) and the file
// (mode 0600) when missing, and brings its schema up to date. It does not
// touch runs left "running": see MarkInterrupted.
func Open(dir string) (*Store, error) {
	// An absolute path makes every message that names the file usable
	// from any working directory.
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// SQLite would create the file with 0644 minus umask; creating it
	// first fixes the mode, and SQLite gives the -wal and -shm files the
	// mode of the database file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open run history: %w", err)
	}
	f.Close()

	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open run history %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	// Opening must not hang on a stuck writer for longer than a write would.
	ctx, cancel := context.WithTimeout(context.Background(), 2*busyTimeout)
	defer cancel()
	err = useWAL(ctx, db)
	if err == nil {
		err = migrate(ctx, db, migrations)
	}
	if err != nil {
		db.Close()
		return nil, s.explain(fmt.Errorf("open run history %s: %w", path, err))
	}
	return s, nil
}

// dsn is the driver's connection string for an absolute path (a relative
// one would read as a URI host). The pragmas run on every new
// connection of the pool, which matters for foreign_keys and
// busy_timeout: they are per connection. WAL mode is kept by the file
// (useWAL).
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	// NORMAL is durable in WAL mode except for the last commits before a
	// power loss, which is fine for a history.
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Writers take the write lock when they begin, so two writers queue
	// under busy_timeout instead of one failing when it upgrades from a
	// read lock. Read-only transactions stay deferred and never wait.
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}

// useWAL puts the file in WAL mode, which the file then keeps: readers
// never wait for a writer. Only the first change needs the file to itself,
// and for it SQLite answers "locked" at once instead of waiting as
// busy_timeout says, so two processes making a new file at the same moment
// would see one fail: it is tried again until ctx ends.
func useWAL(ctx context.Context, db *sql.DB) error {
	for {
		var mode string
		err := db.QueryRowContext(ctx, "PRAGMA journal_mode(WAL)").Scan(&mode)
		switch {
		case err == nil && mode != "wal":
			return fmt.Errorf("journal mode is %s, not wal", mode)
		case err == nil || !isBusy(err):
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Path is the history file's path.
func (s *Store) Path() string { return s.path }

// Close closes the history. Runs still "running" stay so until
// MarkInterrupted is called by a later run.
func (s *Store) Close() error { return s.db.Close() }

// explain turns SQLite's "not a database" and "malformed" into an error
// that names the file and says what to do; other errors pass unchanged.
func (s *Store) explain(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary code; extended codes add high bits
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			// SQLite's own words are enough next to the path; what the
			// caller was doing does not matter to the fix.
			return dbbackup.WithHint(fmt.Errorf("run history %s: %w: %w", s.path, ErrCorrupt, se),
				"move it aside (mv %s %s.broken) and run again: a new, empty history is started; backups do not need the history", s.path, s.path)
		}
	}
	if errors.Is(err, errNewer) {
		return dbbackup.WithHint(err, "use the newer dbbackup, or move %s aside to start a new history", s.path)
	}
	return err
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// isForeignKey reports whether err is a foreign key violation: a row for a
// run that does not exist.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}
