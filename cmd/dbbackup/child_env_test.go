package main

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// pgDumpSpy writes a PG_DUMP that records its environment and its passfile
// (mode and line) in dir, then runs the real pg_dump.
func pgDumpSpy(t *testing.T, dir string) string {
	t.Helper()
	real := "/usr/lib/postgresql/15/bin/pg_dump"
	if _, err := os.Stat(real); err != nil {
		if real, err = exec.LookPath("pg_dump"); err != nil {
			t.Fatal("no pg_dump")
		}
	}
	spy := filepath.Join(dir, "pg_dump")
	script := `#!/bin/sh
if [ "$1" = "--version" ]; then
	env > ` + dir + `/version.env
else
	env > ` + dir + `/env
	[ -n "$PGPASSFILE" ] && stat -c %a "$PGPASSFILE" > ` + dir + `/mode && cat "$PGPASSFILE" > ` + dir + `/passfile
	echo "$PGPASSFILE" > ` + dir + `/passfile.path
fi
exec ` + real + ` "$@"
`
	if err := os.WriteFile(spy, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return spy
}

// pg_dump gets the connection's settings, sslmode and sslsni included, and
// its password in a passfile of its own; not SMTP_PASSWORD, not
// DATABASE_URL, not the password in its environment.
func TestPgDumpGetsOnlyWhatItNeeds(t *testing.T) {
	db := pgtest.NewDatabase(t, "CREATE TABLE t (id integer); INSERT INTO t VALUES (1);")
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "db:secret") // trust auth takes any password
	q := u.Query()
	q.Set("sslmode", "disable")
	q.Set("sslsni", "0")
	u.RawQuery = q.Encode()
	spyDir := t.TempDir()
	env := map[string]string{"DATABASE_URL": u.String(), "BACKUP_DIR": t.TempDir(), "BACKUP_FORMATS": "dump",
		"PG_DUMP": pgDumpSpy(t, spyDir), "SMTP_PASSWORD": "smtp-secret"}
	if res := runCLI(t, env, "run"); res.code != 0 {
		t.Fatalf("run: exit %d\n%s", res.code, res.stderr)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(spyDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	childEnv := read("env")
	for _, secret := range []string{"smtp-secret", "db:secret", "DATABASE_URL", "SMTP_", "PGPASSWORD"} {
		if strings.Contains(childEnv, secret) {
			t.Errorf("pg_dump's environment holds %s:\n%s", secret, childEnv)
		}
		if strings.Contains(read("version.env"), secret) {
			t.Errorf("pg_dump --version's environment holds %s", secret)
		}
	}
	for _, want := range []string{"PGSSLMODE=disable\n", "PGSSLSNI=0\n", "PGHOST=", "PGUSER="} {
		if !strings.Contains(childEnv, want) {
			t.Errorf("pg_dump's environment lacks %s:\n%s", want, childEnv)
		}
	}
	if mode := strings.TrimSpace(read("mode")); mode != "600" {
		t.Errorf("the passfile's mode is %s, want 600", mode)
	}
	if line := strings.TrimSpace(read("passfile")); line != `*:*:*:*:db\:secret` {
		t.Errorf("the passfile holds %q", line)
	}
	if _, err := os.Stat(strings.TrimSpace(read("passfile.path"))); !os.IsNotExist(err) {
		t.Errorf("the passfile is still there after the run: %v", err)
	}
}

// A setting the main connection honours and pg_dump 15 would ignore is
// refused, not dropped.
func TestPgDumpRefusesASettingItWouldIgnore(t *testing.T) {
	db := pgtest.NewDatabase(t, "CREATE TABLE t (id integer);")
	sep := "?"
	if strings.Contains(db, "?") {
		sep = "&"
	}
	env := map[string]string{"DATABASE_URL": db + sep + "require_auth=none", "BACKUP_DIR": t.TempDir(), "BACKUP_FORMATS": "dump",
		"PG_DUMP": pgDumpSpy(t, t.TempDir())}
	res := runCLI(t, env, "run")
	if res.code != exitConfig || !strings.Contains(res.stderr, "require_auth") || !strings.Contains(res.stderr, "PG_DUMP") {
		t.Fatalf("run with require_auth and pg_dump 15: exit %d\n%s", res.code, res.stderr)
	}
	if check := runCLI(t, env, "check"); check.code == 0 || !strings.Contains(check.stdout+check.stderr, "require_auth") {
		t.Errorf("check with require_auth and pg_dump 15: exit %d\n%s%s", check.code, check.stdout, check.stderr)
	}
}
