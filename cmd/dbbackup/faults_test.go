package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// script writes an executable shell script that stands in for pg_dump.
func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pg_dump")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadInputExitsTwoAndNamesTheVariable(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	oldDump := script(t, `echo "pg_dump (PostgreSQL) 11.22"`)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // in stderr
	}{
		{"unknown format", map[string]string{"BACKUP_FORMATS": "csv,xml"}, nil, []string{"BACKUP_FORMATS", `"xml"`, "Try:"}},
		{"table that does not exist", map[string]string{"BACKUP_TABLES": "public.orders,public.invoices"}, nil, []string{"BACKUP_TABLES", "public.invoices"}},
		{"schema that does not exist", map[string]string{"BACKUP_SCHEMAS": "sales"}, nil, []string{"BACKUP_SCHEMAS", `"sales"`}},
		{"missing env file", nil, []string{"--env-file", "/nonexistent/prod.env"}, []string{"/nonexistent/prod.env", "does not exist"}},
		{"old pg_dump", map[string]string{"BACKUP_FORMATS": "dump", "PG_DUMP": oldDump}, nil, []string{"PG_DUMP", "11.22", "older than the server", "PostgreSQL 15"}},
		{"unknown flag", nil, []string{"--frobnicate"}, []string{"frobnicate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir}
			for k, v := range tt.env {
				env[k] = v
			}
			res := runCLI(t, env, append([]string{"run"}, tt.args...)...)
			if res.code != exitConfig {
				t.Fatalf("exit %d, want %d\n%s", res.code, exitConfig, res.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, res.stderr)
				}
			}
			if files := setFiles(t, dir); len(files) != 0 {
				t.Errorf("a refused run left %v", files)
			}
		})
	}
}

func TestFailuresExitOneAndLeaveNothing(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"database down", map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/nodb?connect_timeout=5"},
			[]string{"connect", "127.0.0.1"}},
		{"pg_dump fails after writing half a file", map[string]string{"BACKUP_FORMATS": "csv,dump",
			"PG_DUMP": script(t, `case "$1" in --version) echo "pg_dump (PostgreSQL) 99.1";; *) for a; do case "$a" in --file=*) echo partial > "${a#--file=}";; esac; done; echo "pg_dump: error: query failed: server closed the connection" >&2; exit 1;; esac`)},
			[]string{"pg_dump failed", "server closed the connection"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir}
			for k, v := range tt.env {
				env[k] = v
			}
			res := runCLI(t, env, "run")
			if res.code != exitFailed {
				t.Fatalf("exit %d, want %d\n%s", res.code, exitFailed, res.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, res.stderr)
				}
			}
			if !strings.Contains(res.stdout, "FAILED") {
				t.Errorf("the summary does not say FAILED:\n%s", res.stdout)
			}
			if files := setFiles(t, dir); len(files) != 0 {
				t.Errorf("a failed run left %v", files)
			}
		})
	}
}

// TestNoSecretInOutput runs with a password in DATABASE_URL (the local
// server trusts and ignores it) and a failing run, and looks for it
// everywhere the program writes.
func TestNoSecretInOutput(t *testing.T) {
	const secret = "Sup3rS3cretPassw0rd"
	url := pgtest.NewDatabase(t, ordersSQL)
	withPassword := strings.Replace(url, "postgres@", "postgres:"+secret+"@", 1)
	if withPassword == url {
		t.Fatalf("cannot place a password in %s", url)
	}
	for _, env := range []map[string]string{
		{"DATABASE_URL": withPassword, "BACKUP_FORMATS": "csv,json,dump", "LOG_LEVEL": "debug"},
		{"DATABASE_URL": strings.Replace(withPassword, "127.0.0.1:5432", "127.0.0.1:1", 1), "LOG_LEVEL": "debug"},
		{"DATABASE_URL": "postgres://u:" + secret + "@[bad"},
	} {
		dir := t.TempDir()
		env["BACKUP_DIR"] = dir
		res := runCLI(t, env, "run")
		all := res.stdout + res.stderr
		for _, f := range setFiles(t, dir) {
			if strings.HasSuffix(f, ".manifest.json") {
				b, _ := os.ReadFile(filepath.Join(dir, f))
				all += string(b)
			}
		}
		if strings.Contains(all, secret) {
			t.Errorf("the password appears in the output (exit %d):\n%s", res.code, all)
		}
	}
}

// killingSnapshot ends the backup's own connection from the server side
// when the second table is read (every format reads rows through Rows, at
// once: see the fan-out): the database going away mid-export.
type killingSnapshot struct {
	dbbackup.Snapshot
	admin *pgx.Conn
	reads *int
}

func (s killingSnapshot) Rows(ctx context.Context, t dbbackup.Table, opt dbbackup.RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
	if *s.reads++; *s.reads == 2 {
		_, err := s.admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = $1 AND application_name = 'dbbackup'`, s.Info().Database)
		if err != nil {
			return 0, err
		}
	}
	return s.Snapshot.Rows(ctx, t, opt, fn)
}

type killingDB struct {
	dbbackup.Database
	admin *pgx.Conn
}

func (d killingDB) Snapshot(ctx context.Context) (dbbackup.Snapshot, error) {
	s, err := d.Database.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return killingSnapshot{s, d.admin, new(int)}, nil
}

func TestDatabaseGoneMidExport(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", url)
	t.Setenv("BACKUP_DIR", dir)
	t.Setenv("BACKUP_FORMATS", "csv,json")
	cfg, err := config.Load(filepath.Join(dir, "none"), false)
	if err != nil {
		t.Fatal(err)
	}
	r, err := (&app.App{}).Runner(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r.DB = killingDB{r.DB, connect(t, pgtest.AdminURL())}
	_, err = r.Run(context.Background(), nil)
	var se *dbbackup.StageError
	if !errors.As(err, &se) || se.Stage != dbbackup.StageExport {
		t.Fatalf("got %v, want an export failure", err)
	}
	if !strings.Contains(err.Error(), "terminat") && !strings.Contains(err.Error(), "closed") && !strings.Contains(err.Error(), "EOF") {
		t.Errorf("the error does not say the connection went away: %v", err)
	}
	if files := setFiles(t, dir); len(files) != 0 {
		t.Errorf("a failed run left %v", files)
	}
	if code := report(io.Discard, err); code != exitFailed {
		t.Errorf("exit code %d, want %d", code, exitFailed)
	}
}
