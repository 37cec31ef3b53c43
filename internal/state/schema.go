package state

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations builds the schema. Entry i brings the file from version i to
// version i+1 (PRAGMA user_version). Entries are never edited once
// released: a later version appends one (ALTER TABLE … ADD COLUMN …), so
// a history file of any age is brought up to date when it is opened.
var migrations = []string{
	// 1: runs and what each run recorded.
	`
CREATE TABLE runs (
	id             INTEGER PRIMARY KEY,
	started        TEXT    NOT NULL,
	finished       TEXT,
	status         TEXT    NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
	set_id         TEXT    NOT NULL DEFAULT '',
	stage          TEXT    NOT NULL DEFAULT '',
	error          TEXT    NOT NULL DEFAULT '',
	hint           TEXT    NOT NULL DEFAULT '',
	destination    TEXT    NOT NULL DEFAULT '',
	database_name  TEXT    NOT NULL DEFAULT '',
	server_version TEXT    NOT NULL DEFAULT '',
	server_major   INTEGER NOT NULL DEFAULT 0,
	snapshot_time  TEXT,
	time_zone      TEXT    NOT NULL DEFAULT '',
	quota_used     INTEGER,
	quota_limit    INTEGER,
	retention_ran  INTEGER NOT NULL DEFAULT 0,
	retention_dry  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_start ON runs (started, id);
CREATE INDEX runs_by_status ON runs (status);

CREATE TABLE run_tables (
	run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	pos         INTEGER NOT NULL,
	schema_name TEXT    NOT NULL,
	table_name  TEXT    NOT NULL,
	row_count   INTEGER NOT NULL,
	PRIMARY KEY (run_id, pos)
);

CREATE TABLE run_files (
	run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	pos     INTEGER NOT NULL,
	name    TEXT    NOT NULL,
	set_id  TEXT    NOT NULL,
	format  TEXT    NOT NULL,
	size    INTEGER NOT NULL,
	sha256  TEXT    NOT NULL,
	md5     TEXT    NOT NULL,
	dest_id TEXT    NOT NULL,
	link    TEXT    NOT NULL,
	PRIMARY KEY (run_id, pos)
);

CREATE TABLE run_warnings (
	run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	pos     INTEGER NOT NULL,
	message TEXT    NOT NULL,
	PRIMARY KEY (run_id, pos)
);

CREATE TABLE run_retention (
	run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	pos      INTEGER NOT NULL,
	set_id   TEXT    NOT NULL,
	set_time TEXT,
	size     INTEGER NOT NULL,
	complete INTEGER NOT NULL,
	remove   INTEGER NOT NULL,
	reason   TEXT    NOT NULL,
	removed  INTEGER NOT NULL,
	error    TEXT    NOT NULL,
	PRIMARY KEY (run_id, pos)
);

CREATE TABLE run_reports (
	run_id  INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
	subject TEXT    NOT NULL,
	text    TEXT    NOT NULL,
	html    TEXT    NOT NULL,
	sent    INTEGER NOT NULL,
	error   TEXT    NOT NULL
);
`,
	// 2: a run locked out by another is recorded as skipped. SQLite cannot
	// alter a CHECK constraint; widening it in the stored schema is the
	// documented safe edit (every row satisfies the new one). Recreating an
	// index changes the schema cookie, so other connections reload it.
	`
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''failed'', ''interrupted'')', '''failed'', ''interrupted'', ''skipped'')')
	WHERE type = 'table' AND name = 'runs';
PRAGMA writable_schema = RESET;
DROP INDEX runs_by_status;
CREATE INDEX runs_by_status ON runs (status);
`,
	// 3: the jobs made with `dbbackup job` (the .env's job "default" is
	// not stored). settings is a JSON object of setting key → value, with
	// secrets already sealed; times as in runs.
	`
CREATE TABLE jobs (
	name     TEXT NOT NULL PRIMARY KEY,
	settings TEXT NOT NULL CHECK (json_type(settings) = 'object'),
	created  TEXT NOT NULL,
	updated  TEXT NOT NULL
);
`,
	// 4: every run belongs to a job; the runs made before jobs are the
	// job default's.
	`
ALTER TABLE runs ADD COLUMN job TEXT NOT NULL DEFAULT 'default';
CREATE INDEX runs_by_job ON runs (job, started, id);
`,
	// 5: the steps of a run as its views show them (dbbackup.Step), one
	// row each: a step a later version adds needs no new column.
	`
CREATE TABLE run_steps (
	run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	pos    INTEGER NOT NULL,
	name   TEXT    NOT NULL,
	title  TEXT    NOT NULL,
	status TEXT    NOT NULL,
	detail TEXT    NOT NULL,
	PRIMARY KEY (run_id, pos),
	UNIQUE (run_id, name)
);
`,
	// 6: the web UI's users, their sessions (only a token's SHA-256 is
	// kept: the file never holds what a cookie holds), the audit log of
	// what admins did, and each run's log lines. The audit log keeps a
	// user's name as text: it outlives the user. The runs indexes let the
	// web's runs list filter and sort 10,000 runs without a full sort.
	`
CREATE TABLE users (
	name    TEXT NOT NULL PRIMARY KEY,
	role    TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
	hash    TEXT NOT NULL,
	created TEXT NOT NULL,
	updated TEXT NOT NULL
);

CREATE TABLE sessions (
	token_sha256 BLOB NOT NULL PRIMARY KEY CHECK (length(token_sha256) = 32),
	user_name    TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
	created      TEXT NOT NULL,
	last_seen    TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_name);

CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	user_name TEXT NOT NULL,
	action    TEXT NOT NULL,
	detail    TEXT NOT NULL
);
CREATE INDEX audit_by_at ON audit (at, id);
CREATE INDEX audit_by_user ON audit (user_name, at, id);
CREATE INDEX audit_by_action ON audit (action, at, id);

CREATE TABLE run_log (
	run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL,
	at      TEXT    NOT NULL,
	level   TEXT    NOT NULL,
	message TEXT    NOT NULL,
	PRIMARY KEY (run_id, seq)
);

DROP INDEX runs_by_status;
CREATE INDEX runs_by_status ON runs (status, started, id);
CREATE INDEX runs_by_database ON runs (database_name, started, id);
`,
	// 7: what the runs list sorts and filters by, kept beside each run so
	// that 10,000 runs sort without a sum or a date parse per run. The
	// triggers keep the sums right whoever writes the files or warnings.
	`
ALTER TABLE runs ADD COLUMN files_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN warning_count INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET
	files_size = (SELECT coalesce(sum(f.size), 0) FROM run_files f WHERE f.run_id = runs.id),
	warning_count = (SELECT count(*) FROM run_warnings w WHERE w.run_id = runs.id);
CREATE TRIGGER run_files_added AFTER INSERT ON run_files BEGIN
	UPDATE runs SET files_size = files_size + NEW.size WHERE id = NEW.run_id;
END;
CREATE TRIGGER run_files_removed AFTER DELETE ON run_files BEGIN
	UPDATE runs SET files_size = files_size - OLD.size WHERE id = OLD.run_id;
END;
CREATE TRIGGER run_files_resized AFTER UPDATE OF size ON run_files BEGIN
	UPDATE runs SET files_size = files_size - OLD.size + NEW.size WHERE id = NEW.run_id;
END;
CREATE TRIGGER run_warnings_added AFTER INSERT ON run_warnings BEGIN
	UPDATE runs SET warning_count = warning_count + 1 WHERE id = NEW.run_id;
END;
CREATE TRIGGER run_warnings_removed AFTER DELETE ON run_warnings BEGIN
	UPDATE runs SET warning_count = warning_count - 1 WHERE id = OLD.run_id;
END;
-- A run without an end (running, interrupted) has no duration: NULL,
-- which sorts first.
ALTER TABLE runs ADD COLUMN duration REAL GENERATED ALWAYS AS (julianday(finished) - julianday(started)) VIRTUAL;
CREATE INDEX runs_by_size ON runs (files_size, started, id);
CREATE INDEX runs_by_duration ON runs (duration, started, id);
`,
	// 8: each verification of a set (dbbackup verify, the web's Verify),
	// so that the dashboard says when a job's backups were last proven.
	`
CREATE TABLE verifications (
	id            INTEGER PRIMARY KEY,
	at            TEXT    NOT NULL,
	job           TEXT    NOT NULL,
	set_id        TEXT    NOT NULL,
	database_name TEXT    NOT NULL DEFAULT '',
	ok            INTEGER NOT NULL,
	problems      INTEGER NOT NULL DEFAULT 0,
	by_whom       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX verifications_by_job ON verifications (job, at, id);
`,
	// 9: Google Sheets sync jobs (`dbbackup sheets add`; the .env's sync
	// job "default" is not stored), and their runs: a run's kind tells a
	// backup from a sync, whose job is a sync job's name (a backup job and
	// a sync job may share one); what a sync did to each tab is a row of
	// run_sheets. last_key is NULL when the tab has no row or no key.
	`
CREATE TABLE sheet_jobs (
	name     TEXT NOT NULL PRIMARY KEY,
	settings TEXT NOT NULL CHECK (json_type(settings) = 'object'),
	created  TEXT NOT NULL,
	updated  TEXT NOT NULL
);

ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'backup' CHECK (kind IN ('backup', 'sheets'));
CREATE INDEX runs_by_kind ON runs (kind, job, started, id);

CREATE TABLE run_sheets (
	run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	pos         INTEGER NOT NULL,
	spreadsheet TEXT    NOT NULL,
	sheet       TEXT    NOT NULL,
	url         TEXT    NOT NULL,
	source      TEXT    NOT NULL,
	mode        TEXT    NOT NULL,
	key_column  TEXT    NOT NULL,
	rows        INTEGER NOT NULL,
	sheet_rows  INTEGER NOT NULL,
	last_key    TEXT,
	requests    INTEGER NOT NULL,
	retries     INTEGER NOT NULL,
	cut         TEXT    NOT NULL CHECK (json_type(cut) = 'array'),
	error       TEXT    NOT NULL,
	PRIMARY KEY (run_id, pos)
);
`,
	// 10: a verification may restore the set into a throwaway database and
	// compare every table with the manifest (verify --restore,
	// BACKUP_VERIFY): restored tells it from a checksum check; skipped says
	// why a restore test was not made (an encrypted set without a key);
	// detail is what did not match.
	`
ALTER TABLE verifications ADD COLUMN restored INTEGER NOT NULL DEFAULT 0;
ALTER TABLE verifications ADD COLUMN tables INTEGER NOT NULL DEFAULT 0;
ALTER TABLE verifications ADD COLUMN rows_restored INTEGER NOT NULL DEFAULT 0;
ALTER TABLE verifications ADD COLUMN skipped TEXT NOT NULL DEFAULT '';
ALTER TABLE verifications ADD COLUMN detail TEXT NOT NULL DEFAULT '';
CREATE INDEX verifications_restored ON verifications (job, restored, at, id);
`,
}

// migrate brings db up to len(steps). Each step commits together with its
// new version number, so a crash leaves the file at a whole version. The
// version is read inside the write transaction: two processes opening the
// file at once cannot both apply the same step.
func migrate(ctx context.Context, db *sql.DB, steps []string) error {
	for {
		done, err := migrateOne(ctx, db, steps)
		if err != nil || done {
			return err
		}
	}
}

func migrateOne(ctx context.Context, db *sql.DB, steps []string) (done bool, err error) {
	// Write transactions are BEGIN IMMEDIATE (see dsn): the write lock is
	// held before the version is read.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return false, err
	}
	switch {
	case version > len(steps):
		return false, fmt.Errorf("%w: schema version %d, this dbbackup knows up to %d", errNewer, version, len(steps))
	case version == len(steps):
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, steps[version]); err != nil {
		return false, fmt.Errorf("schema version %d: %w", version+1, err)
	}
	// PRAGMA takes no parameters; version+1 is an int, not user input.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version+1)); err != nil {
		return false, err
	}
	return false, tx.Commit()
}
