package main

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// verify --restore restores a set into a throwaway database, compares it
// with the manifest's fingerprints, and drops the database: a set whose
// checksums were made to match data changed after the backup is caught
// by the fingerprints alone.
func TestVerifyRestoreCatchesChangedData(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2));
		INSERT INTO accounts VALUES (1, 'Anna', 100.50), (2, 'Boris', 7.00);
		CREATE TABLE notes (id serial PRIMARY KEY, body text);
		INSERT INTO notes (body) VALUES ('first'), (NULL);`)
	dir := t.TempDir()
	env := backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,json"})

	ok := runCLI(t, env, "verify", "--restore")
	if ok.code != 0 || !strings.Contains(ok.stdout, "OK    restore test: set backup_") || !strings.Contains(ok.stdout, "2 tables, 4 rows") {
		t.Fatalf("verify --restore of a good set: exit %d\n%s\n%s", ok.code, ok.stdout, ok.stderr)
	}

	// Boris's balance becomes 9.00 in the csv, and the file's checksums
	// in the manifest are made to match: only the rows can tell.
	zipPath := only(t, dir, ".csv.zip")
	rewriteZipEntry(t, zipPath, func(name string, b []byte) []byte {
		if !strings.Contains(name, "accounts") {
			return b
		}
		changed := bytes.Replace(b, []byte("7.00"), []byte("9.00"), 1)
		if bytes.Equal(changed, b) {
			t.Fatalf("no value to change in %s:\n%s", name, b)
		}
		return changed
	})
	rechecksum(t, only(t, dir, ".manifest.json"), zipPath)
	env = withEnv(env, "STATE_DIR", t.TempDir()) // a history that never saw the manifest
	if plain := runCLI(t, env, "verify"); plain.code != 0 {
		t.Fatalf("the checksums no longer match, the test is wrong: exit %d\n%s", plain.code, plain.stdout)
	}
	bad := runCLI(t, env, "verify", "--restore", "--json")
	if bad.code != 1 {
		t.Fatalf("verify --restore of a changed set: exit %d\n%s\n%s", bad.code, bad.stdout, bad.stderr)
	}
	var report verifyJSON
	if err := json.Unmarshal([]byte(bad.stdout), &report); err != nil {
		t.Fatalf("%v\n%s", err, bad.stdout)
	}
	r := report.Sets[0].Restore
	if report.OK || r == nil || r.OK || len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "public.accounts: its rows differ") {
		t.Fatalf("report %+v, restore %+v", report, r)
	}
	if r.Database == "" || count(t, pgtest.AdminURL(), "SELECT count(*) FROM pg_database WHERE datname = '"+r.Database+"'") != 0 {
		t.Fatalf("the throwaway database %q was not dropped", r.Database)
	}
}

// A set that fails to restore half way (its schema's post-data part no
// longer runs) fails verify --restore with the cause, and the throwaway
// database it was restored into is dropped all the same.
func TestVerifyRestoreFailingHalfWayDropsItsDatabase(t *testing.T) {
	url := pgtest.NewDatabase(t, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2);")
	dir := t.TempDir()
	env := backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv"})
	schema := only(t, dir, ".schema.sql")
	b, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(schema, append(b, []byte("\nALTER TABLE public.nowhere ADD PRIMARY KEY (id);\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	rechecksum(t, only(t, dir, ".manifest.json"), schema)
	env = withEnv(env, "STATE_DIR", t.TempDir())
	res := runCLI(t, env, "verify", "--restore")
	m := regexp.MustCompile(`restore test in the throwaway database (dbbackup_verify_[a-z0-9_]+)`).FindStringSubmatch(res.stdout)
	if res.code != 1 || m == nil || !strings.Contains(res.stdout, "nowhere") {
		t.Fatalf("verify --restore of a set that fails half way: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if count(t, pgtest.AdminURL(), "SELECT count(*) FROM pg_database WHERE datname = '"+m[1]+"'") != 0 {
		t.Fatalf("the throwaway database %s was not dropped", m[1])
	}
}

// rewriteZipEntry rewrites the zip at path with change applied to every
// entry's content.
func rewriteZipEntry(t *testing.T, path string, change func(name string, b []byte) []byte) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method, Modified: f.Modified})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(change(f.Name, b))
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// rechecksum makes the manifest's size and checksums of file match it.
func rechecksum(t *testing.T, manifest, file string) {
	t.Helper()
	var m map[string]any
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sha, md := sha256.Sum256(data), md5.Sum(data)
	found := false
	for _, f := range m["files"].([]any) {
		f := f.(map[string]any)
		if strings.HasSuffix(file, f["name"].(string)) {
			found = true
			f["size"], f["sha256"] = len(data), hex.EncodeToString(sha[:])
			if _, ok := f["md5"]; ok {
				f["md5"] = hex.EncodeToString(md[:])
			}
		}
	}
	if !found {
		t.Fatalf("the manifest does not list %s", file)
	}
	out, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(manifest, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// BACKUP_VERIFY=weekly restore-tests a run's set when the last test is a
// week old (here: never made), and not the next run's; after-run tests
// every run. Each test is in the run's summary and the history.
func TestRunRestoreTests(t *testing.T) {
	url := pgtest.NewDatabase(t, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 50);")
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "BACKUP_FORMATS": "csv", "STATE_DIR": t.TempDir(), "BACKUP_VERIFY": "weekly"}
	steps := func(res result) string {
		t.Helper()
		if res.code != 0 {
			t.Fatalf("run: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		for _, line := range strings.Split(res.stdout, "\n") {
			if strings.HasPrefix(line, "Restore test") {
				return line
			}
		}
		t.Fatalf("no restore test in the summary:\n%s", res.stdout)
		return ""
	}
	if got := steps(runCLI(t, env, "run")); !strings.Contains(got, "restored from csv into a throwaway database") || !strings.Contains(got, "50 rows") {
		t.Fatalf("first weekly run: %s", got)
	}
	if got := steps(runCLI(t, env, "run")); !strings.HasPrefix(got, "Restore test (skipped): not due") {
		t.Fatalf("second weekly run: %s", got)
	}
	env["BACKUP_VERIFY"] = "after-run"
	if got := steps(runCLI(t, env, "run")); !strings.Contains(got, "restored from csv") {
		t.Fatalf("after-run: %s", got)
	}
	env["BACKUP_VERIFY"] = "never"
	if got := steps(runCLI(t, env, "run")); !strings.Contains(got, "off (BACKUP_VERIFY=never)") {
		t.Fatalf("never: %s", got)
	}
}
