package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// readOnlyDir is a folder no write reaches, for real: a read-only bind
// mount when the tests run as root (whom permissions do not stop), else a
// folder without write permission.
func readOnlyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	} else {
		if err := syscall.Mount(dir, dir, "", syscall.MS_BIND, ""); err != nil {
			t.Skipf("root without a read-only bind mount (%v): nothing here makes a folder read-only for root", err)
		}
		t.Cleanup(func() { syscall.Unmount(dir, 0) }) // runs before TempDir's removal
		if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
			t.Skipf("remount read-only: %v", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "probe"), nil, 0o600); err == nil {
		t.Fatalf("%s is writable: the test would prove nothing", dir)
	}
	return dir
}

// history is every run recorded in stateDir, newest first.
func history(t *testing.T, stateDir string) []state.Run {
	t.Helper()
	s, err := state.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs, err := s.Runs(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// lockedBackupDir is a BACKUP_DIR whose lock another run holds until the
// test ends.
func lockedBackupDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	held, err := lock.Acquire(filepath.Join(dir, ".dbbackup.lock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { held.Release() })
	return dir
}

// fileNotFolder is a file where a folder belongs.
func fileNotFolder(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "backups")
	if err := os.WriteFile(file, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestEveryFailureIsReportedAndRecorded: a run that fails before it starts
// (its settings, its folder, another run holding the lock) sends its
// report and leaves a history row, so that a nightly run's silence means
// success. The history lives in STATE_DIR, apart from BACKUP_DIR.
func TestEveryFailureIsReportedAndRecorded(t *testing.T) {
	lockedDir, file := lockedBackupDir(t), fileNotFolder(t)
	badEnv := filepath.Join(t.TempDir(), "bad.env")
	os.WriteFile(badEnv, []byte("BACKUP_FORMATS=csv\nBACKUP_DIR='unterminated\n"), 0o600)

	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		subject string // its start, after "[dbbackup] "
		status  state.Status
		stage   dbbackup.Stage
		stderr  string
	}{
		{"BACKUP_DIR is a file", map[string]string{"BACKUP_DIR": file}, nil,
			exitConfig, "FAILED shop — config: BACKUP_DIR: ", state.StatusFailed, dbbackup.StageConfig, file + " is a file, not a folder"},
		{"BACKUP_DIR is read-only", map[string]string{"BACKUP_DIR": readOnlyDir(t)}, nil,
			exitConfig, "FAILED shop — config: BACKUP_DIR: cannot write in", state.StatusFailed, dbbackup.StageConfig, "Try: "},
		{"unknown format", map[string]string{"BACKUP_FORMATS": "csv,xml"}, nil,
			exitConfig, "FAILED database — config: BACKUP_FORMATS", state.StatusFailed, dbbackup.StageConfig, "Error: config: BACKUP_FORMATS"},
		{".env syntax error", nil, []string{"--env-file", badEnv},
			exitConfig, "FAILED database — config: " + badEnv, state.StatusFailed, dbbackup.StageConfig, "bad.env: line 2: "},
		{"another run holds the lock", map[string]string{"BACKUP_DIR": lockedDir}, nil,
			exitLocked, "SKIPPED shop — lock: another backup is running (pid", state.StatusSkipped, dbbackup.StageLock, "Error: lock: another backup is running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mb := newMailbox(t)
			stateDir := t.TempDir()
			env := mb.env(withEnv(map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/shop", "BACKUP_DIR": t.TempDir(),
				"STATE_DIR": stateDir, "BACKUP_FORMATS": "csv"}, "EMAIL_ON", "failure"))
			for k, v := range tt.env {
				env[k] = v
			}
			res := runCLI(t, env, append([]string{"run"}, tt.args...)...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.stderr) {
				t.Errorf("exit %d, want %d; stderr:\n%s", res.code, tt.code, res.stderr)
			}
			if subjects := mb.subjects(); len(subjects) != 1 || !strings.HasPrefix(subjects[0], "[dbbackup] "+tt.subject) {
				t.Errorf("emails %q, want one starting %q", subjects, "[dbbackup] "+tt.subject)
			}
			runs := history(t, stateDir)
			if len(runs) != 1 || runs[0].Status != tt.status || runs[0].Stage != tt.stage || !runs[0].ReportSent {
				t.Fatalf("history %+v, want one %s run at stage %s with its report sent", runs, tt.status, tt.stage)
			}
			if hist := runCLI(t, map[string]string{"STATE_DIR": stateDir}, "history"); !strings.Contains(hist.stdout, string(tt.status)) {
				t.Errorf("history command:\n%s%s", hist.stdout, hist.stderr)
			}
		})
	}
}

// TestUnrecordedRunSaysSo: when the history cannot be opened at all, the
// run goes on and its report says that it is not in the history.
func TestUnrecordedRunSaysSo(t *testing.T) {
	mb := newMailbox(t)
	notADir := filepath.Join(t.TempDir(), "state")
	os.WriteFile(notADir, nil, 0o600)
	res := runCLI(t, mb.env(map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/shop", "BACKUP_DIR": t.TempDir(),
		"STATE_DIR": notADir, "BACKUP_FORMATS": "csv"}), "run")
	if res.code != exitFailed {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if texts := mb.texts(t); len(texts) != 1 || !strings.Contains(texts[0], "this run could not be recorded in the history: ") {
		t.Errorf("the report does not say the run is not recorded:\n%q", texts)
	}
}

// TestStageNamesAgree: the error, the summary, the email and the history
// name the same stage; a failed connection's report names the database
// the settings give.
func TestStageNamesAgree(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	tests := []struct {
		name  string
		env   map[string]string
		code  int
		stage dbbackup.Stage
		db    string
	}{
		{"a table the database lacks", map[string]string{"DATABASE_URL": url, "BACKUP_TABLES": "public.invoices"}, exitConfig, dbbackup.StageConfig, ""},
		{"the server is down", map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/shop?connect_timeout=5"}, exitFailed, dbbackup.StageConnect, "shop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mb := newMailbox(t)
			stateDir := t.TempDir()
			env := mb.env(withEnv(tt.env, "BACKUP_DIR", t.TempDir(), "STATE_DIR", stateDir, "BACKUP_FORMATS", "csv"))
			res := runCLI(t, env, "run")
			stage := string(tt.stage)
			if res.code != tt.code || !strings.Contains(res.stderr, "Error: "+stage+": ") || !strings.Contains(res.stdout, "FAILED at stage "+stage+" ") {
				t.Errorf("exit %d, want %d, stage %s:\n%s%s", res.code, tt.code, stage, res.stdout, res.stderr)
			}
			subjects := mb.subjects()
			if len(subjects) != 1 || !strings.Contains(subjects[0], "— "+stage+": ") || !strings.Contains(subjects[0], "FAILED "+tt.db) {
				t.Errorf("emails %q", subjects)
			}
			if runs := history(t, stateDir); len(runs) != 1 || runs[0].Stage != tt.stage || !strings.HasPrefix(runs[0].Error, stage+": ") {
				t.Errorf("history %+v", runs)
			}
		})
	}
}
