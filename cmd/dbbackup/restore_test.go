package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

func TestRestoreIntoAnEmptyDatabase(t *testing.T) {
	url := pgtest.NewDatabase(t, pgtest.Testdata(t, "types.sql"))
	dir := t.TempDir()
	env := backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,dump"})
	target := pgtest.NewDatabase(t)
	res := runCLI(t, env, "restore", "--target", target)
	if res.code != 0 || !strings.Contains(res.stdout, "Restored set backup_") {
		t.Fatalf("restore: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	src, dst := connect(t, url), connect(t, target)
	for _, tb := range tables(t, src) {
		if a, b := fingerprint(t, src, tb.Schema, tb.Name), fingerprint(t, dst, tb.Schema, tb.Name); a != b {
			t.Errorf("%s: source %s, restored %s", tb, a, b)
		}
	}
	// The last line names the database, with the tables and rows of the
	// set's manifest.
	m := readManifestFile(t, only(t, dir, ".manifest.json"))
	var rows int64
	for _, tc := range m.Tables {
		rows += tc.Rows
	}
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	want := fmt.Sprintf("into the database %s: %d tables, %d rows.", dbName(target), len(m.Tables), rows)
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, want) {
		t.Errorf("last line %q, want it to end with %q", last, want)
	}
	// A database that holds tables is never restored over.
	again := runCLI(t, env, "restore", "--target", target)
	if again.code != exitConfig || !strings.Contains(again.stderr, "not empty") {
		t.Fatalf("restore over data: exit %d\n%s", again.code, again.stderr)
	}
	if none := runCLI(t, env, "restore", "backup_20000101_000000", "--target", pgtest.NewDatabase(t)); none.code == 0 {
		t.Fatal("restore of a set that does not exist succeeded")
	}
}

// Anything a user made in the target refuses it, not only tables; a target
// that names no database is refused; the target may come from
// RESTORE_TARGET, and a password in --target is warned about.
func TestRestoreTarget(t *testing.T) {
	url := pgtest.NewDatabase(t, "CREATE TABLE t (id integer); INSERT INTO t VALUES (1), (2);")
	dir := t.TempDir()
	env := backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "dump"})
	for what, sql := range map[string]string{
		"view public.v":     "CREATE VIEW v AS SELECT 1 AS one",
		"function public.f": "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
		"type public.mood":  "CREATE TYPE mood AS ENUM ('ok')",
		"schema s":          "CREATE SCHEMA s",
		"sequence public.q": "CREATE SEQUENCE q",
	} {
		target := pgtest.NewDatabase(t, sql)
		res := runCLI(t, env, "restore", "--target", target)
		if res.code != exitConfig || !strings.Contains(res.stderr, "not empty") || !strings.Contains(res.stderr, what) {
			t.Errorf("restore into a database holding %s: exit %d\n%s", what, res.code, res.stderr)
		}
		if n := count(t, target, "SELECT count(*) FROM pg_class WHERE relname = 't'"); n != 0 {
			t.Errorf("restore into a database holding %s restored t", what)
		}
	}
	// An extension's objects are not the user's: the dump recreates it
	// IF NOT EXISTS.
	withExt := pgtest.NewDatabase(t, "CREATE EXTENSION IF NOT EXISTS pg_trgm")
	if res := runCLI(t, env, "restore", "--target", withExt); res.code != 0 {
		t.Errorf("restore into a database holding only an extension: exit %d\n%s", res.code, res.stderr)
	}

	admin := pgtest.AdminURL()
	slash := strings.LastIndex(admin, "/")
	_, query, _ := strings.Cut(admin[slash:], "?")
	noName := admin[:slash] + "?" + query
	res := runCLI(t, env, "restore", "--target", noName)
	if res.code != exitConfig || !strings.Contains(res.stderr, "names no database") {
		t.Errorf("restore --target %s: exit %d\n%s%s", noName, res.code, res.stdout, res.stderr)
	}

	target := pgtest.NewDatabase(t)
	res = runCLI(t, withEnv(env, "RESTORE_TARGET", target), "restore")
	if res.code != 0 || !strings.Contains(res.stdout, "into the database "+dbName(target)+": 1 tables, 2 rows.") {
		t.Errorf("restore to RESTORE_TARGET: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stderr, "Warning") {
		t.Errorf("a warning without a password in --target:\n%s", res.stderr)
	}
	withPassword := strings.Replace(pgtest.NewDatabase(t), "://postgres@", "://postgres:pw@", 1)
	res = runCLI(t, env, "restore", "--target", withPassword)
	if res.code != 0 || !strings.Contains(res.stderr, "Warning: --target holds a password") || !strings.Contains(res.stderr, "RESTORE_TARGET") {
		t.Errorf("restore --target with a password: exit %d\n%s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, "pw") {
		t.Errorf("the password is printed:\n%s", res.stderr)
	}
}

// A restore that fails half-way leaves the target as empty as it was.
func TestRestoreIsAllOrNothing(t *testing.T) {
	// The check's function changed after the rows went in: the load of
	// checked fails after every table was made and other was loaded.
	url := pgtest.NewDatabase(t, `
CREATE TABLE other (id integer); INSERT INTO other VALUES (1), (2);
CREATE FUNCTION allowed(x integer) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE TABLE checked (x integer CHECK (allowed(x))); INSERT INTO checked VALUES (1);
CREATE OR REPLACE FUNCTION allowed(x integer) RETURNS boolean LANGUAGE sql AS 'SELECT false';`)
	dir := t.TempDir()
	env := backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "dump"})
	target := pgtest.NewDatabase(t)
	res := runCLI(t, env, "restore", "--target", target)
	if res.code == 0 || !strings.Contains(res.stderr, "nothing was restored") {
		t.Fatalf("a failing restore: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := count(t, target, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`); n != 0 {
		t.Errorf("the failed restore left %d relations in the target", n)
	}
	if n := count(t, target, `SELECT count(*) FROM pg_proc WHERE proname = 'allowed'`); n != 0 {
		t.Errorf("the failed restore left its function in the target")
	}
}

// A run started while a restore is under way leaves the restore's files
// alone: the restore has its own folder.
func TestRunDuringRestore(t *testing.T) {
	url := pgtest.NewDatabase(t, "CREATE TABLE t (id integer); INSERT INTO t SELECT generate_series(1, 1000);")
	dir, stateDir := t.TempDir(), t.TempDir()
	env := backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "STATE_DIR": stateDir, "BACKUP_FORMATS": "dump"})
	target := pgtest.NewDatabase(t)
	// An uncommitted table of the same name makes pg_restore wait, with
	// the archive already fetched.
	blocker := connect(t, target)
	ctx := context.Background()
	if _, err := blocker.Exec(ctx, "BEGIN; CREATE TABLE public.t (id integer)"); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(t.TempDir(), "none.env")
	os.WriteFile(envFile, nil, 0o600)
	cmd := exec.Command(os.Args[0], "restore", "--env-file", envFile, "--target", target)
	cmd.Env = append(os.Environ(), "DBBACKUP_TEST_MAIN=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(60 * time.Second)
	for count(t, url, fmt.Sprintf(`SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' AND wait_event_type = 'Lock'`, dbName(target))) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("pg_restore never waited\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if res := runCLI(t, env, "run"); res.code != 0 {
		t.Fatalf("run during the restore: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := blocker.Exec(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the restore failed after a run: %v\n%s", err, out.String())
	}
	if n := count(t, target, "SELECT count(*) FROM t"); n != 1000 {
		t.Errorf("restored %d rows, want 1000", n)
	}
}

// backUp makes a set with env and returns env.
func backUp(t *testing.T, env map[string]string) map[string]string {
	t.Helper()
	if res := runCLI(t, env, "run"); res.code != 0 {
		t.Fatalf("backup: exit %d\n%s", res.code, res.stderr)
	}
	return env
}

func count(t *testing.T, url, query string) int64 {
	t.Helper()
	var n int64
	if err := connect(t, url).QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestRestoreFromXLSXSaysHowToGetASetThatRestores: xlsx is for people;
// restore says so and what to change, instead of only that no set is there.
func TestRestoreFromXLSXSaysHowToGetASetThatRestores(t *testing.T) {
	url := pgtest.NewDatabase(t, "CREATE TABLE t (id integer); INSERT INTO t VALUES (1);")
	env := backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "BACKUP_FORMATS": "xlsx"})
	res := runCLI(t, env, "restore", "--target", pgtest.NewDatabase(t))
	if res.code != exitFailed || !strings.Contains(res.stderr, "it has xlsx") || !strings.Contains(res.stderr, "Try: xlsx is for people, not for restore: keep csv, json or dump in BACKUP_FORMATS") {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
}

// TestAKilledRestoreLeavesNoData: the folder of a restore killed with -9
// holds a copy of a backup; the next run removes it, and leaves alone the
// folder of a restore that is still running (its lock is held).
func TestAKilledRestoreLeavesNoData(t *testing.T) {
	url := pgtest.NewDatabase(t, "CREATE TABLE t (id integer);")
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	folder := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "backup_20260101_020000.dump"), []byte("data"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
		return p
	}
	killed, running := folder(".restore-111"), folder(".restore-222")
	held, err := lock.Acquire(filepath.Join(running, ".lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	os.Chtimes(running, old, old)
	if res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv"}, "run"); res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(killed); !os.IsNotExist(err) {
		t.Errorf("the killed restore's folder is still there (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(running, "backup_20260101_020000.dump")); err != nil {
		t.Errorf("the running restore's archive is gone: %v", err)
	}
}
