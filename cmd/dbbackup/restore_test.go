package main

import (
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

func TestRestoreIntoAnEmptyDatabase(t *testing.T) {
	url := pgtest.NewDatabase(t, pgtest.Testdata(t, "types.sql"))
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,dump"}
	if res := runCLI(t, env, "run"); res.code != 0 {
		t.Fatalf("backup: exit %d\n%s", res.code, res.stderr)
	}
	target := pgtest.NewDatabase(t)
	res := runCLI(t, env, "restore", "--target", target)
	if res.code != 0 || !strings.Contains(res.stdout, "Restored set backup_") {
		t.Fatalf("restore: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	src, dst := connect(t, url), connect(t, target)
	for _, tb := range tables(t, src) {
		if a, b := fingerprint(t, src, tb.Schema, tb.Name), fingerprint(t, dst, tb.Schema, tb.Name); a != b {
			t.Errorf("%s: source %s, restored %s", tb, a, b)
		}
	}
	// A database that holds tables is never restored over.
	again := runCLI(t, env, "restore", "--target", target)
	if again.code != exitConfig || !strings.Contains(again.stderr, "holds") {
		t.Fatalf("restore over data: exit %d\n%s", again.code, again.stderr)
	}
	if none := runCLI(t, env, "restore", "backup_20000101_000000", "--target", pgtest.NewDatabase(t)); none.code == 0 {
		t.Fatal("restore of a set that does not exist succeeded")
	}
}
