package main

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

func TestCheckCommand(t *testing.T) {
	admin := connect(t, pgtest.AdminURL())
	mustExec(t, admin, "DROP ROLE IF EXISTS dbbackup_check_reader")
	mustExec(t, admin, "CREATE ROLE dbbackup_check_reader LOGIN") // may connect, may not read
	url := pgtest.NewDatabase(t, ordersSQL)
	t.Cleanup(func() { admin.Exec(context.Background(), "DROP ROLE IF EXISTS dbbackup_check_reader") })
	g := newGoogle(t, url)
	mb := newMailbox(t)
	good := mb.env(withEnv(g.env, "BACKUP_FORMATS", "csv,dump"))

	res := runCLI(t, good, "check")
	if res.code != 0 || strings.Contains(res.stdout, "FAIL") {
		t.Fatalf("a good setup: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"OK    database:", "tables in scope: 2, all readable", "OK    pg_dump:", "OK    Google Drive: token valid",
		"OK    SMTP server: 127.0.0.1:" + mb.port, "OK    run history: ", "All 8 checks passed."} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	_, closed, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	g.fake.RevokeRefreshToken(googlefake.DefaultRefreshToken)
	reader := strings.Replace(url, "postgres@", "dbbackup_check_reader@", 1)
	bad := withEnv(good, "SMTP_PORT", closed, "DATABASE_URL", reader)
	res = runCLI(t, bad, "check")
	if res.code == 0 {
		t.Fatalf("a broken setup passed:\n%s", res.stdout)
	}
	for _, want := range []string{"FAIL  database: ", "may not read 2 of the", "pg_read_all_data", "FAIL  Google Drive: ", "invalid_grant",
		"FAIL  SMTP server: cannot reach 127.0.0.1:" + closed, "Try: "} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
}

func TestCronLine(t *testing.T) {
	res := runCLI(t, nil, "cron", "--schedule", "30 3 * * *")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "30 3 * * * cd ") || !strings.Contains(res.stdout, " run >> ") ||
		!strings.Contains(res.stdout, "logs/backup_cron.log' 2>&1") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if bad := runCLI(t, nil, "cron", "--schedule", "daily"); bad.code != exitConfig {
		t.Fatalf("a bad schedule: exit %d", bad.code)
	}
}
