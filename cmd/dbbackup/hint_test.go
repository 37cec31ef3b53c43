package main

import (
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestFailureHintIsTheSameEverywhere: whatever a run failed of, the
// terminal's "Try:", the email's "What to do" and `dbbackup history RUN`
// give the same advice, so a user who reads one of them reads them all.
func TestFailureHintIsTheSameEverywhere(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 300000) g;`)
	lockedDir, file := lockedBackupDir(t), fileNotFolder(t)
	failingDump := script(t, `case "$1" in --version) echo "pg_dump (PostgreSQL) 99.1";; *) echo "pg_dump: error: out of memory" >&2; exit 1;; esac`)

	tests := []struct {
		name string
		env  map[string]string
		hint string // a part of the advice
	}{
		{"a setting", map[string]string{"BACKUP_DIR": file}, "point BACKUP_DIR to a folder"},
		{"another run holds the lock", map[string]string{"BACKUP_DIR": lockedDir}, "wait for it to finish"},
		{"the server is down", map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/shop?connect_timeout=5"}, "DATABASE_URL"},
		{"a timeout", map[string]string{"BACKUP_FORMATS": "xlsx", "BACKUP_TIMEOUT": "100ms"}, "raise BACKUP_TIMEOUT"},
		{"an error with no advice of its own", map[string]string{"BACKUP_FORMATS": "csv,dump", "PG_DUMP": failingDump}, "dbbackup check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mb := newMailbox(t)
			stateDir := t.TempDir()
			env := mb.env(map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "STATE_DIR": stateDir, "BACKUP_FORMATS": "csv"})
			for k, v := range tt.env {
				env[k] = v
			}
			res := runCLI(t, env, "run")
			_, hint, found := strings.Cut(res.stderr, "\nTry: ")
			hint, _, _ = strings.Cut(hint, "\n")
			if res.code == exitOK || !found || !strings.Contains(hint, tt.hint) {
				t.Fatalf("exit %d, want a failure whose advice mentions %q:\n%s", res.code, tt.hint, res.stderr)
			}
			if texts := mb.texts(t); len(texts) != 1 || !strings.Contains(texts[0], "What to do:\n"+hint+"\n") {
				t.Errorf("the email does not advise %q:\n%s", hint, texts)
			}
			runs := history(t, stateDir)
			if len(runs) != 1 {
				t.Fatalf("history %+v, want one run", runs)
			}
			if shown := runCLI(t, map[string]string{"STATE_DIR": stateDir}, "history", "1"); !strings.Contains(shown.stdout, "\nTry: "+hint+"\n") {
				t.Errorf("`dbbackup history 1` does not advise %q:\n%s%s", hint, shown.stdout, shown.stderr)
			}
		})
	}
}
