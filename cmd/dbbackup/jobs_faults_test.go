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
}
