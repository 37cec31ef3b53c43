package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// recipients are the To headers of the messages the mailbox received.
func (mb *mailbox) recipients() []string {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []string
	for _, m := range mb.msgs {
		out = append(out, m.Header.Get("To"))
	}
	return out
}

// TestAJobThatCannotBeReadReportsToItsOwn: a stored job whose secrets the
// key cannot open fails, and its failure goes to the job's own
// recipients, not the .env's.
func TestAJobThatCannotBeReadReportsToItsOwn(t *testing.T) {
	url := withPassword(t, pgtest.NewDatabase(t, ordersSQL), "pw-of-crm")
	mb := newMailbox(t)
	env := mb.env(map[string]string{"BACKUP_DIR": t.TempDir(), "STATE_DIR": t.TempDir(), "DBBACKUP_SECRET_KEY": newKey(t)})
	if res := runCLI(t, env, "job", "add", "crm", "--database-url", url, "--email-to", "crm-team@example.com"); res.code != 0 {
		t.Fatalf("add: exit %d\n%s", res.code, res.stderr)
	}
	res := runCLI(t, withEnv(env, "DBBACKUP_SECRET_KEY", newKey(t)), "run", "--job", "crm")
	if res.code != exitConfig {
		t.Fatalf("run with another key: exit %d\n%s", res.code, res.stderr)
	}
	if to := mb.recipients(); len(to) != 1 || !strings.Contains(to[0], "crm-team@example.com") || strings.Contains(to[0], "owner@example.com") {
		t.Errorf("the failure went to %q, want the job's own crm-team@example.com", to)
	}
	if subjects := mb.subjects(); len(subjects) != 1 || !strings.Contains(subjects[0], "FAILED") || !strings.Contains(subjects[0], "job crm") {
		t.Errorf("subjects: %q", subjects)
	}
}

// TestJobMistakes: settings a job cannot use are refused when stored, and
// a job that does not exist is neither run nor recorded.
func TestJobMistakes(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	dir, stateDir := t.TempDir(), t.TempDir()
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "STATE_DIR": stateDir, "BACKUP_FORMATS": "csv",
		"BACKUP_NAME_PREFIX": "shop", "DBBACKUP_SECRET_KEY": newKey(t)}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"job", "add", "crm", "--database-url", "postgres://u@h:abc/db"}, "DATABASE_URL"},
		{[]string{"job", "add", "crm", "--database-url", "postgres://u:********@h/db"}, "the mask `dbbackup job export` writes"},
		{[]string{"job", "edit", "default", "--formats", "csv"}, "the job default is the .env file"},
	} {
		if res := runCLI(t, env, bad.args...); res.code != exitConfig || !strings.Contains(res.stderr, bad.want) {
			t.Errorf("%v: exit %d, want 2 and %q\n%s", bad.args, res.code, bad.want, res.stderr)
		}
	}
	if res := runCLI(t, env, "run", "--job", "nosuch"); res.code != exitConfig {
		t.Errorf("run --job nosuch: exit %d\n%s", res.code, res.stderr)
	}
	if s, err := state.Open(stateDir); err == nil {
		runs, _ := s.Runs(context.Background(), "", 0)
		s.Close()
		if len(runs) != 0 {
			t.Errorf("a run of a job that does not exist was recorded: %+v", runs)
		}
	}
	// The .env's prefix is the job default's own: job crm names its sets
	// after itself.
	if res := runCLI(t, env, "job", "add", "crm", "--database-url", url); res.code != 0 {
		t.Fatalf("add: exit %d\n%s", res.code, res.stderr)
	}
	for _, job := range []string{"default", "crm"} {
		if res := runCLI(t, env, "run", "--job", job); res.code != 0 {
			t.Fatalf("run --job %s: exit %d\n%s", job, res.code, res.stderr)
		}
	}
	shop, _ := filepath.Glob(filepath.Join(dir, "shop_*.manifest.json"))
	crm, _ := filepath.Glob(filepath.Join(dir, "crm_*.manifest.json"))
	if len(shop) != 1 || len(crm) != 1 {
		t.Errorf("manifests: %v of job default (shop_…), %v of job crm (crm_…)", shop, crm)
	}
	if res := runCLI(t, env, "verify", "--all", "--job", "crm"); res.code != 0 || strings.Contains(res.stdout, "shop_") || !strings.Contains(res.stdout, "crm_") {
		t.Errorf("verify --all --job crm: exit %d, want crm's sets alone:\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, args := range [][]string{{"job", "add"}, {"job", "remove"}, {"history", "a", "b"}, {"history", "999"}, {"restore", "a", "b"}} {
		if res := runCLI(t, env, args...); res.code != exitConfig || !strings.Contains(res.stderr, "Try: ") {
			t.Errorf("%v: exit %d, want 2 with advice\n%s", args, res.code, res.stderr)
		}
	}
	// A job the key cannot open: jobs lists it, says why, and exits 1.
	jobs := runCLI(t, withEnv(env, "DBBACKUP_SECRET_KEY", newKey(t)), "jobs")
	if jobs.code != 0 {
		t.Errorf("jobs with another key, no job holding a secret: exit %d\n%s", jobs.code, jobs.stderr)
	}
	if res := runCLI(t, env, "job", "edit", "crm", "--smtp-password", "x"); res.code != 0 {
		t.Fatalf("edit: exit %d\n%s", res.code, res.stderr)
	}
	jobs = runCLI(t, withEnv(env, "DBBACKUP_SECRET_KEY", newKey(t)), "jobs")
	if jobs.code != exitFailed || !strings.Contains(jobs.stdout, "Job crm: DBBACKUP_SECRET_KEY") || !strings.Contains(jobs.stderr, "cannot be used (crm)") {
		t.Errorf("jobs with a job the key cannot open: exit %d\n%s%s", jobs.code, jobs.stdout, jobs.stderr)
	}
}

// TestSecretsFromStdin: secrets given as - are read from stdin, one line
// each, in order, and never warned about; a connection string without a
// password is no secret.
func TestSecretsFromStdin(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	env := map[string]string{"BACKUP_DIR": t.TempDir(), "STATE_DIR": t.TempDir(), "DBBACKUP_SECRET_KEY": newKey(t)}
	res := runCLIWithInput(t, env, withPassword(t, url, "db-pw")+"\nsmtp-pw\n",
		"job", "add", "crm", "--database-url", "-", "--smtp-password", "-", "--smtp-username", "u")
	if res.code != 0 || strings.Contains(res.stderr, "process list") {
		t.Fatalf("add with two secrets on stdin: exit %d\n%s", res.code, res.stderr)
	}
	clear := runCLI(t, env, "job", "export", "--with-secrets")
	if !strings.Contains(clear.stdout, ":db-pw@") || !strings.Contains(clear.stdout, `"SMTP_PASSWORD": "smtp-pw"`) {
		t.Errorf("stored secrets:\n%s", clear.stdout)
	}
	if res := runCLI(t, env, "job", "add", "shop", "--database-url", url); res.code != 0 || strings.Contains(res.stderr, "process list") {
		t.Errorf("a URL without a password: exit %d, warned:\n%s", res.code, res.stderr)
	}
	if res := runCLI(t, env, "job", "edit", "shop", "--smtp-password", "-"); res.code != exitConfig || !strings.Contains(res.stderr, "no line on stdin") {
		t.Errorf("no line on stdin: exit %d\n%s", res.code, res.stderr)
	}
}

// TestCronLineOfAZonedSchedule: a schedule with CRON_TZ= cannot be a
// crontab line (cron reads lines in the machine's zone): it is printed
// commented out with what to do, and the other jobs' lines stay usable.
func TestCronLineOfAZonedSchedule(t *testing.T) {
	url := pgtest.NewDatabase(t)
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "STATE_DIR": t.TempDir()}
	if res := runCLI(t, env, "job", "add", "tz", "--database-url", url, "--schedule", "CRON_TZ=Europe/Moscow 30 1 * * *"); res.code != 0 {
		t.Fatalf("add: exit %d\n%s", res.code, res.stderr)
	}
	res := runCLI(t, env, "cron")
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if res.code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "0 2 * * * ") ||
		!strings.HasPrefix(lines[1], `# job tz runs at "30 1 * * *", in Europe/Moscow`) || !strings.HasPrefix(lines[2], "# 30 1 * * * cd ") ||
		!strings.Contains(res.stderr, "CRON_TZ=Europe/Moscow") {
		t.Errorf("cron: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}
