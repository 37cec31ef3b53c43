package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// libpqNames are libpq's variables a test about .env clears, so that only
// the file gives them.
var libpqNames = []string{"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE", "PGSSLMODE"}

func clearLibpq(t *testing.T) {
	t.Helper()
	for _, k := range libpqNames {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// The .env file's PG* variables reach the connection and pg_dump without
// being put into the process environment, and a misspelt setting in it is
// a warning that names the right one.
func TestEnvFileLibpqVariablesWithoutTheEnvironment(t *testing.T) {
	u, err := url.Parse(pgtest.NewDatabase(t, ordersSQL))
	if err != nil {
		t.Fatal(err)
	}
	clearLibpq(t)
	dir := t.TempDir()
	pass, _ := u.User.Password()
	envFile := filepath.Join(dir, "backup.env")
	content := "PGHOST=" + u.Hostname() + "\nPGPORT=" + u.Port() + "\nPGUSER=" + u.User.Username() + "\nPGPASSWORD=" + pass +
		"\nPGDATABASE=" + strings.TrimPrefix(u.Path, "/") + "\nBACKUP_DIR=" + dir + "/b\nBACKUP_FORMATS=csv,dump\nBACKUP_RETENTON_DAYS=3\n"
	if err := os.WriteFile(envFile, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, map[string]string{}, "--env-file", envFile, "run")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "public.orders") || !strings.Contains(r.stdout, ".dump") {
		t.Errorf("summary lacks the table or the dump:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "BACKUP_RETENTON_DAYS (in "+envFile+") is not a dbbackup setting and is ignored: did you mean BACKUP_RETENTION_DAYS?") {
		t.Errorf("no warning about the misspelt setting:\n%s", r.stderr)
	}
	for _, k := range append(libpqNames, "BACKUP_DIR") {
		if v, set := os.LookupEnv(k); set {
			t.Errorf("run set %s=%q in its own environment", k, v)
		}
	}
}

func TestEnvFileSyntaxErrorGivesTheLine(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(envFile, []byte("BACKUP_DIR=/tmp/x\n# fine\nDATABASE_URL=\"postgres://h/db\nEMAIL_TO=a@b.c\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, map[string]string{}, "--env-file", envFile, "check")
	if r.code != exitConfig || !strings.Contains(r.stderr, envFile+": line 3: ") {
		t.Errorf("exit %d, want %d and the line:\n%s%s", r.code, exitConfig, r.stdout, r.stderr)
	}
}
