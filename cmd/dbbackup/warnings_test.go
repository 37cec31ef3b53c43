package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestSettingWarningsReachTheReport: what the settings warn about (a
// misspelt variable, a token file others can read) is in the email and the
// summary, not only in a log nobody reads under cron.
func TestSettingWarningsReachTheReport(t *testing.T) {
	g := newGoogle(t, pgtest.NewDatabase(t, ordersSQL))
	mb := newMailbox(t)
	os.Chmod(g.env["GOOGLE_TOKEN_FILE"], 0o644)
	envFile := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(envFile, []byte("BACKUP_RETENTON_DAYS=7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, mb.env(g.with("BACKUP_FORMATS", "csv")), "--env-file", envFile, "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	texts := mb.texts(t)
	if len(texts) != 1 {
		t.Fatalf("%d emails", len(texts))
	}
	for _, want := range []string{"BACKUP_RETENTION_DAYS", "readable by other users"} {
		if !strings.Contains(texts[0], want) {
			t.Errorf("the email does not warn about %s:\n%s", want, texts[0])
		}
		if !strings.Contains(res.stdout, want) {
			t.Errorf("the summary does not warn about %s:\n%s", want, res.stdout)
		}
	}
	if subj := mb.subjects()[0]; !strings.Contains(subj, "OK with 2 warnings") {
		t.Errorf("subject %q", subj)
	}
}
