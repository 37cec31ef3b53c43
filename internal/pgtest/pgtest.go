// Package pgtest gives tests scratch PostgreSQL databases on the server the
// test suite runs against (TEST_DATABASE_URL, default the local server).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// AdminURL is the connection string of a database tests may create others from.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// NewDatabase creates an empty database, runs the scripts in it, and drops
// it when the test ends. It returns the database's connection string.
func NewDatabase(t testing.TB, scripts ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("pgtest: PostgreSQL is needed for this test (start it, or set TEST_DATABASE_URL): %v", err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "dbbackup_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		admin, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	cfg, err := pgx.ParseConfig(AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = name
	url := replaceDatabase(AdminURL(), name)
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", name, err)
	}
	defer conn.Close(ctx)
	for _, s := range scripts {
		// The simple protocol runs a whole script of statements at once.
		if _, err := conn.Exec(ctx, s, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("pgtest: load script into %s: %v", name, err)
		}
	}
	return url
}

// Connect connects to url for the length of the test.
func Connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// replaceDatabase swaps the database of a URL connection string.
func replaceDatabase(url, name string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url + " dbname=" + name
	}
	authority, query := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority = rest[:i]
		if j := strings.IndexByte(rest, '?'); j >= 0 {
			query = rest[j:]
		}
	}
	return scheme + "://" + authority + "/" + name + query
}

// Testdata reads a file from the module's testdata folder.
func Testdata(t testing.TB, name string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Chinook is the Chinook sample database's script, without its own
// CREATE DATABASE and \c lines, ready for NewDatabase.
func Chinook(t testing.TB) string {
	t.Helper()
	s := Testdata(t, "Chinook_PostgreSql.sql")
	_, rest, ok := strings.Cut(s, `\c chinook;`)
	if !ok {
		t.Fatal(`pgtest: Chinook script without "\c chinook;"`)
	}
	return rest
}
