// Package postgres reads a PostgreSQL database through one consistent,
// read-only snapshot, with pgx. It never writes to the database.
package postgres

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtext"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// sessionParams fix how values are printed (see pgtext.SessionSettings),
// so every export sees the same text forms whatever the server's defaults.
var sessionParams = func() map[string]string {
	m := pgtext.SessionSettings()
	m["application_name"] = "dbbackup"
	return m
}()

// DB opens snapshots of one database.
type DB struct {
	config *pgx.ConnConfig
}

var _ dbbackup.Database = (*DB)(nil)

// New parses connString (a URL or key=value string; empty means libpq's
// PG* environment variables alone). limit is the longest a run may take
// (BACKUP_TIMEOUT): no statement, and no pause inside the snapshot's
// transaction, may last longer on the server, so a run that hangs or dies
// never leaves a session holding its snapshot.
func New(connString string, limit time.Duration) (*DB, error) {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		// pgx's message may quote the connection string: keep only the kind of problem.
		return nil, fmt.Errorf("parse connection string: %s", parseProblem(err, connString))
	}
	for k, v := range sessionParams {
		if _, set := cfg.RuntimeParams[k]; !set || k != "application_name" {
			cfg.RuntimeParams[k] = v
		}
	}
	if limit > 0 {
		ms := strconv.FormatInt(limit.Milliseconds(), 10)
		cfg.RuntimeParams["statement_timeout"] = ms
		cfg.RuntimeParams["idle_in_transaction_session_timeout"] = ms
	}
	cfg.AfterNetConnect = func(_ context.Context, _ *pgconn.Config, conn net.Conn) (net.Conn, error) {
		return &spillConn{Conn: conn}, nil
	}
	return &DB{config: cfg}, nil
}

// Target names the database for people: user@host:port/database, without
// the password.
func (db *DB) Target() string {
	c := db.config
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, db.Name())
}

// User is the role the connection logs in as.
func (db *DB) User() string { return db.config.User }

// Host is the server's host name, address or socket folder.
func (db *DB) Host() string { return db.config.Host }

// Name is the name of the database the connection string reaches:
// its database, or, as for libpq, the user's name when it names none.
func (db *DB) Name() string {
	if db.config.Database != "" {
		return db.config.Database
	}
	return db.config.User
}

// Snapshot implements dbbackup.Database.
func (db *DB) Snapshot(ctx context.Context) (dbbackup.Snapshot, error) {
	conn, err := pgx.ConnectConfig(ctx, db.config)
	if err != nil {
		return nil, connectError(db.Target(), err)
	}
	s := &Snapshot{conn: conn}
	if err := s.begin(ctx); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

func (s *Snapshot) begin(ctx context.Context) error {
	if _, err := s.conn.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"); err != nil {
		return fmt.Errorf("begin snapshot transaction: %w", err)
	}
	var num string
	err := s.conn.QueryRow(ctx, `SELECT pg_export_snapshot(), now(), current_database(),
		current_setting('server_version'), current_setting('server_version_num'),
		current_setting('TimeZone')`).Scan(&s.info.SnapshotID, &s.info.SnapshotTime,
		&s.info.Database, &s.info.ServerVersion, &num, &s.info.TimeZone)
	if err != nil {
		return fmt.Errorf("export snapshot: %w", err)
	}
	n, _ := strconv.Atoi(num)
	s.info.ServerMajor = n / 10000
	if loc, err := time.LoadLocation(s.info.TimeZone); err == nil {
		s.info.SnapshotTime = s.info.SnapshotTime.In(loc)
	}
	return nil
}

// redact removes secret from msg.
func redact(msg, secret string) string {
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, "[connection string]")
}

// quoteTable returns t's schema-qualified name quoted for SQL.
func quoteTable(t dbbackup.Table) string {
	return pgx.Identifier{t.Schema, t.Name}.Sanitize()
}
