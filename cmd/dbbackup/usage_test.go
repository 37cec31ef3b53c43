package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestUnknownCommandAndFlagAgree: both are a command line the program
// cannot use: exit code 2, an Error line and a Try line.
func TestUnknownCommandAndFlagAgree(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"frob"}, []string{`Error: unknown command "frob" for "dbbackup"`, "Try: did you mean `dbbackup cron`? `dbbackup --help` lists the commands"}},
		{[]string{"drive", "frob"}, []string{`Error: unknown command "frob" for "dbbackup drive"`, "Try: `dbbackup drive --help` lists the commands"}},
		{[]string{"run", "--frob"}, []string{"Error: unknown flag: --frob", "Try: `dbbackup run --help` lists its flags"}},
	} {
		res := runCLI(t, map[string]string{"BACKUP_DIR": t.TempDir()}, tc.args...)
		if res.code != exitConfig {
			t.Errorf("%q: exit %d, want %d\n%s", tc.args, res.code, exitConfig, res.stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(res.stderr, w) {
				t.Errorf("%q: stderr lacks %q:\n%s", tc.args, w, res.stderr)
			}
		}
	}
	if res := runCLI(t, nil); res.code != 0 || !strings.Contains(res.stdout, "Available Commands") {
		t.Errorf("no command: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestUnknownSetAgrees: verify and restore say the same of a set that is
// not there, with the same exit code.
func TestUnknownSetAgrees(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	empty := pgtest.NewDatabase(t)
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "BACKUP_FORMATS": "dump"}
	if res := runCLI(t, env, "run"); res.code != 0 {
		t.Fatalf("run: exit %d\n%s", res.code, res.stderr)
	}
	verify := runCLI(t, env, "verify", "backup_20200101_000000")
	restore := runCLI(t, env, "restore", "backup_20200101_000000", "--target", empty)
	if verify.code != exitConfig || restore.code != verify.code || restore.stderr != verify.stderr ||
		!strings.Contains(verify.stderr, "Error: no set backup_20200101_000000 in ") {
		t.Errorf("verify: exit %d\n%s\nrestore: exit %d\n%s", verify.code, verify.stderr, restore.code, restore.stderr)
	}
}

// TestCheckChangesNothing: check reports a missing backup folder and run
// history as what the first run will create, and creates neither.
func TestCheckChangesNothing(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	root := t.TempDir()
	backups, data := filepath.Join(root, "backups"), filepath.Join(root, "data")
	res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": backups, "STATE_DIR": data, "BACKUP_FORMATS": "csv"}, "check")
	if res.code != 0 || !strings.Contains(res.stdout, "OK    backup folder: "+backups+" does not exist yet") ||
		!strings.Contains(res.stdout, "OK    run history: "+filepath.Join(data, "dbbackup.db")+" does not exist yet") {
		t.Errorf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("check created %s", entries[0].Name())
	}

	// A folder that cannot be made is a failed check, still without a trace.
	os.WriteFile(filepath.Join(root, "file"), nil, 0o600)
	res = runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": filepath.Join(root, "file", "backups"), "STATE_DIR": data,
		"BACKUP_FORMATS": "csv"}, "check")
	if res.code == 0 || !strings.Contains(res.stdout, "FAIL  backup folder: BACKUP_DIR: "+filepath.Join(root, "file")+" is a file") {
		t.Errorf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestSubjectCountsWarnings: a run that succeeded with warnings says so in
// the subject, so that the inbox alone tells it from a clean one.
func TestSubjectCountsWarnings(t *testing.T) {
	url := pgtest.NewDatabase(t) // no tables: the run warns that the files hold no rows
	mb := newMailbox(t)
	res := runCLI(t, mb.env(map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "BACKUP_FORMATS": "csv"}), "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if s := mb.subjects(); len(s) != 1 || !strings.HasPrefix(s[0], "[dbbackup] OK with 1 warning: ") {
		t.Errorf("subjects %q", s)
	}
	// Without dump in BACKUP_FORMATS no dump keeps the schema either.
	if !strings.Contains(res.stdout, "has no tables: the files hold no rows\n") {
		t.Errorf("the warning promises what the set does not hold:\n%s", res.stdout)
	}
}

// TestReadingBackupsCreatesNoFolder: list, verify and restore look for sets
// in BACKUP_DIR; a folder that is not there is said so (a mistyped path),
// never created empty.
func TestReadingBackupsCreatesNoFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	env := map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres", "BACKUP_DIR": dir}
	for _, args := range [][]string{{"list"}, {"verify"}, {"restore", "--target", pgtest.NewDatabase(t)}} {
		res := runCLI(t, env, args...)
		if res.code != exitConfig || !strings.Contains(res.stderr, "BACKUP_DIR: "+dir+" does not exist") {
			t.Errorf("%v: exit %d\n%s", args, res.code, res.stderr)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("%v created %s", args, dir)
		}
	}
}
