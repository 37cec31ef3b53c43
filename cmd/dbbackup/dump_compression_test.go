package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// A dump made with BACKUP_DUMP_COMPRESSION=0 holds its rows as they are
// (one made by default is gzip'd), and restore reads it back whole.
func TestRestoreOfAnUncompressedDump(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE notes (id integer PRIMARY KEY, body text);
		INSERT INTO notes SELECT g, 'note number ' || g || ' of the compression test' FROM generate_series(1, 2000) g;`)
	const row = "note number 1999 of the compression test"
	for _, c := range []struct {
		setting string
		plain   bool
	}{{"", false}, {"0", true}, {"gzip:9", false}} {
		dir := t.TempDir()
		env := backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "dump", "BACKUP_DUMP_COMPRESSION": c.setting})
		b, err := os.ReadFile(only(t, dir, ".dump"))
		if err != nil {
			t.Fatal(err)
		}
		if plain := bytes.Contains(b, []byte(row)); plain != c.plain {
			t.Errorf("BACKUP_DUMP_COMPRESSION=%q: the dump holds the rows as plain text: %v, want %v", c.setting, plain, c.plain)
		}
		target := pgtest.NewDatabase(t)
		if res := runCLI(t, env, "restore", "--target", target); res.code != 0 {
			t.Fatalf("BACKUP_DUMP_COMPRESSION=%q: restore: exit %d\n%s%s", c.setting, res.code, res.stdout, res.stderr)
		}
		if a, b := fingerprint(t, connect(t, url), "public", "notes"), fingerprint(t, connect(t, target), "public", "notes"); a != b {
			t.Errorf("BACKUP_DUMP_COMPRESSION=%q: source %s, restored %s", c.setting, a, b)
		}
	}
}

// check says before any run when the pg_dump in use cannot compress as
// BACKUP_DUMP_COMPRESSION asks; a job cannot store a compression that is
// none.
func TestCheckSaysWhenPgDumpCannotCompress(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "STATE_DIR": t.TempDir(), "BACKUP_FORMATS": "csv,dump",
		"BACKUP_DUMP_COMPRESSION": "1", "DBBACKUP_SECRET_KEY": newKey(t)}
	res := runCLI(t, env, "check")
	if !strings.Contains(res.stdout, "OK    pg_dump: ") || !strings.Contains(res.stdout, "compresses with BACKUP_DUMP_COMPRESSION=1") {
		t.Errorf("level 1: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if pgDumpMajor(t) < 16 {
		res = runCLI(t, withEnv(env, "BACKUP_DUMP_COMPRESSION", "zstd"), "check")
		if res.code == 0 || !strings.Contains(res.stdout, "FAIL  pg_dump: ") || !strings.Contains(res.stdout, "BACKUP_DUMP_COMPRESSION: zstd: pg_dump") ||
			!strings.Contains(res.stdout, "has no zstd") || !strings.Contains(res.stdout, "from version 16") {
			t.Errorf("zstd with pg_dump 15: exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
	}
	res = runCLI(t, env, "job", "add", "crm", "--database-url", url, "--dump-compression", "fastest")
	if res.code != exitConfig || !strings.Contains(res.stderr, "BACKUP_DUMP_COMPRESSION") || !strings.Contains(res.stderr, `"fastest"`) {
		t.Errorf("job add --dump-compression fastest: exit %d\n%s", res.code, res.stderr)
	}
	if res = runCLI(t, env, "job", "add", "crm", "--database-url", url, "--dump-compression", "9"); res.code != 0 {
		t.Errorf("job add --dump-compression 9: exit %d\n%s", res.code, res.stderr)
	}
}

// pgDumpMajor is the major version of the pg_dump on PATH.
func pgDumpMajor(t *testing.T) int {
	t.Helper()
	out, err := exec.Command("pg_dump", "--version").Output()
	if err != nil {
		t.Fatalf("pg_dump --version: %v", err)
	}
	m := regexp.MustCompile(`\) (\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pg_dump --version said %q", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
