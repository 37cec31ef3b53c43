package web

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
)

// TestHintsPointToThePagesNotToCommands: a hint the pages show names the
// button or page that does what the command line's hint names a command
// for. The hints are the real ones, from dbbackup.Explain.
func TestHintsPointToThePagesNotToCommands(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&dbbackup.StageError{Stage: dbbackup.StageConnect, Err: errors.New("refused")},
			"press Run every check on the Settings page to test every part of the setup, then Run now on the Dashboard to try again"},
		{dbbackup.ErrReportNotSent, "Run every check on the Settings page tests it, the run's page shows the report"},
		{&app.NoSetError{ID: "backup_20250101_020000"}, "the Backups page shows the sets"},
		{&app.NoJobError{Name: "shop"}, "Admin → Jobs lists the jobs and adds one"},
		{&dbbackup.ConfigError{Var: "DATABASE_URL", Problem: "job shop2 has no database",
			Hint: "give it one: `dbbackup job edit shop2 --database-url -` reads it from stdin"}, "give it one in Admin → Jobs → shop2"},
		{&dbbackup.ConfigError{Var: "BACKUP_DIR", Problem: "./backups does not exist",
			Hint: "point BACKUP_DIR to the folder that holds the backups, or make the first one with `dbbackup run`"},
			"or make the first one with Run now on the Dashboard"},
		{dbbackup.WithHint(errors.New("revoked"), "run `dbbackup token` to authorize again"), "press Connect on the Google page to authorize again"},
	} {
		hint := webHint(dbbackup.Explain(c.err).Hint)
		if !strings.Contains(hint, c.want) || strings.Contains(hint, "`dbbackup") {
			t.Errorf("%v: the page's hint %q, want it to say %q and name no command", c.err, hint, c.want)
		}
	}
}

// TestAFormsHelpNamesNoStdin: a job setting's help, written for its
// command-line flag, says nothing of stdin on the form.
func TestAFormsHelpNamesNoStdin(t *testing.T) {
	for _, s := range config.JobSettings {
		if h := webHint(s.Usage); strings.Contains(h, "stdin") {
			t.Errorf("%s's help on the form: %q", s.Key, h)
		}
	}
}

// TestTheBackupsPageOfANewInstallationPointsToRunNow: before the first
// backup, the page says to press Run now, not to type a command.
func TestTheBackupsPageOfANewInstallationPointsToRunNow(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://127.0.0.1/shop", "BACKUP_DIR": filepath.Join(t.TempDir(), "not-yet")})
	page := body(t, in.ts.get(t, in.ts.signedIn(t, "bob"), "/backups"))
	if !strings.Contains(page, "make the first one with Run now on the Dashboard") || strings.Contains(page, "dbbackup run") {
		t.Errorf("the Backups page before the first backup:\n%s", page)
	}
}
