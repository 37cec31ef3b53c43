package dump

import (
	"context"
	"os"
	"strings"
	"testing"
)

// A child gets the connection, PATH and the locale, the password in a
// passfile of its own (0600, removed afterwards), and none of this
// process's secrets.
func TestChildEnvironment(t *testing.T) {
	t.Setenv("SMTP_PASSWORD", "smtp-secret")
	t.Setenv("DATABASE_URL", "postgres://u:db-secret@h/db")
	t.Setenv("PGPASSWORD", "env-secret")
	conn := Conn{Env: []string{"PGHOST=h", "PGSSLMODE=verify-full"}, Password: `p:w\d`}
	cmd, done, err := conn.command(context.Background(), "/bin/sh",
		[]string{"-c", `env; echo "mode=$(stat -c %a "$PGPASSFILE")"; printf "line=%s\\n" "$(cat "$PGPASSFILE")"`}, "PGDATABASE=shop")
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.Output()
	done()
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, secret := range []string{"smtp-secret", "db-secret", "env-secret", "SMTP_", "DATABASE_URL", "PGPASSWORD"} {
		if strings.Contains(got, secret) {
			t.Errorf("the child's environment holds %s:\n%s", secret, got)
		}
	}
	for _, want := range []string{"PGHOST=h\n", "PGSSLMODE=verify-full\n", "PGDATABASE=shop\n", "PATH=", "mode=600\n", `line=*:*:*:*:p\:w\\d` + "\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("the child's environment lacks %q:\n%s", want, got)
		}
	}
	for _, kv := range cmd.Env {
		if path, ok := strings.CutPrefix(kv, "PGPASSFILE="); ok {
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("the passfile %s is still there: %v", path, err)
			}
		}
	}
}

// A client older than a setting needs is refused, naming the setting.
func TestOlderClientRefused(t *testing.T) {
	conn := Conn{Env: []string{"PGHOST=h", "PGREQUIREAUTH=scram-sha-256", "PGSSLSNI=1"}}
	if err := conn.check("pg_dump", "/bin/pg_dump", 16, "PG_DUMP"); err != nil {
		t.Errorf("pg_dump 16: %v", err)
	}
	err := conn.check("pg_dump", "/bin/pg_dump", 15, "PG_DUMP")
	if err == nil || !strings.Contains(err.Error(), "require_auth") || strings.Contains(err.Error(), "sslsni") {
		t.Errorf("pg_dump 15: %v, want a refusal naming require_auth alone", err)
	}
}
