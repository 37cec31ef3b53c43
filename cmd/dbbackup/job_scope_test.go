package main

import (
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestSavingAJobWarnsOfATableTheDatabaseDoesNotHave: the typo is told
// when the job is saved, not at its first run at 02:00; a database that
// does not answer now is said, and the job is saved all the same.
func TestSavingAJobWarnsOfATableTheDatabaseDoesNotHave(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	env := map[string]string{"BACKUP_DIR": t.TempDir(), "STATE_DIR": t.TempDir()}
	res := runCLI(t, env, "job", "add", "shop", "--database-url", url, "--tables", "public.order")
	if res.code != 0 || !strings.Contains(res.stderr, "Warning: the job is saved, but its next run will fail: BACKUP_TABLES:") ||
		!strings.Contains(res.stderr, "did you mean public.orders?") {
		t.Errorf("a typo in --tables: exit %d\n%s", res.code, res.stderr)
	}
	if res := runCLI(t, env, "job", "edit", "shop", "--tables", "public.orders"); res.code != 0 || strings.Contains(res.stderr, "Warning") {
		t.Errorf("the fix: exit %d\n%s", res.code, res.stderr)
	}
	res = runCLI(t, env, "job", "add", "down", "--database-url", "postgres://u@127.0.0.1:1/down")
	if res.code != 0 || !strings.Contains(res.stderr, "its database could not be checked now") {
		t.Errorf("a database that does not answer: exit %d\n%s", res.code, res.stderr)
	}
	if jobs := runCLI(t, env, "jobs"); !strings.Contains(jobs.stdout, "down") || !strings.Contains(jobs.stdout, "shop") {
		t.Errorf("the jobs were not saved:\n%s%s", jobs.stdout, jobs.stderr)
	}
}
