package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// fakeSet is a whole set of database as a run would store it: a csv file
// and the manifest that lists it, by file name.
func fakeSet(id, database string) map[string][]byte {
	csv := []byte("id\n1\n" + id + "\n")
	sum := md5.Sum(csv)
	m := &dbbackup.Manifest{Format: dbbackup.ManifestFormat, SetID: id, Database: database,
		Files: []dbbackup.File{{Name: id + ".csv", Format: dbbackup.FormatCSV, Size: int64(len(csv)), MD5: hex.EncodeToString(sum[:])}}}
	var b bytes.Buffer
	m.WriteTo(&b)
	return map[string][]byte{id + ".csv": csv, dbbackup.ManifestName(id): b.Bytes()}
}

// seedSet writes a whole set of database into the folder dir.
func seedSet(t *testing.T, dir, id, database string) {
	t.Helper()
	for name, content := range fakeSet(id, database) {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// seedDriveSet puts a whole set of database in the Drive folder, tagged as
// the tool tags its files; rename gives a file another name, as a user
// renaming it in Drive would.
func (g *google) seedDriveSet(id, database string, rename map[string]string) {
	for name, content := range fakeSet(id, database) {
		_, format, _ := dbbackup.ParseFileName(name)
		if n, ok := rename[name]; ok {
			name = n
		}
		g.fake.AddFile(googlefake.FileSpec{Name: name, Parents: []string{g.folder}, Content: content,
			AppProperties: map[string]string{"dbbackup": "test", "dbbackup_set": id, "dbbackup_format": string(format)}})
	}
}

// dbName is the database name in a connection URL.
func dbName(url string) string {
	name, _, _ := strings.Cut(url[strings.LastIndex(url, "/")+1:], "?")
	return name
}

func exists(t *testing.T, path string) bool {
	t.Helper()
	_, err := os.Stat(path)
	return err == nil
}

// TestOnlyWholeSetsCount: with BACKUP_RETENTION_MIN_KEEP=1, a newer set
// missing a file does not count, so the only whole set stays; a manifest
// holding {} makes nothing a set; list says what is wrong.
func TestOnlyWholeSetsCount(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	db := dbName(url)
	dir := t.TempDir()
	now := time.Now()
	whole := dbbackup.SetIDAt("backup", now.AddDate(0, 0, -41), 1)
	seedSet(t, dir, whole, db)
	broken := dbbackup.SetIDAt("backup", now.AddDate(0, 0, -40), 1)
	seedSet(t, dir, broken, db)
	os.Truncate(filepath.Join(dir, broken+".csv"), 3) // damaged: shorter than its manifest says
	mine := dbbackup.SetIDAt("backup", now.AddDate(0, 0, -90), 1)
	os.WriteFile(filepath.Join(dir, mine+".csv"), []byte("my own file"), 0o600)
	os.WriteFile(filepath.Join(dir, dbbackup.ManifestName(mine)), []byte("{}"), 0o600)
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_RETENTION_MIN_KEEP": "1"}

	res := runCLI(t, env, "prune")
	if res.code != 0 {
		t.Fatalf("prune: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, name := range []string{whole + ".csv", broken + ".csv", mine + ".csv"} {
		if !exists(t, filepath.Join(dir, name)) {
			t.Errorf("%s was deleted:\n%s", name, res.stdout)
		}
	}
	if !strings.Contains(res.stdout, "NOT WHOLE") {
		t.Errorf("prune does not say the set is not whole:\n%s", res.stdout)
	}
	list := runCLI(t, env, "list")
	if list.code != 0 || !strings.Contains(list.stdout, "BROKEN: "+broken+".csv holds 3 bytes") ||
		!strings.Contains(list.stdout, "BROKEN: set "+mine) || strings.Count(list.stdout, "complete") != 1 {
		t.Errorf("list: exit %d\n%s%s", list.code, list.stdout, list.stderr)
	}
}

// TestDriveDeletesOnlyWhatTheManifestLists: a file of a set that the user
// renamed in Drive makes the set not whole (list says so) and is never
// deleted, not even when the rest of its set expires.
func TestDriveDeletesOnlyWhatTheManifestLists(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	db := dbName(url)
	g := newGoogle(t, url)
	now := time.Now()
	renamed := dbbackup.SetIDAt("backup", now.AddDate(0, 0, -50), 1)
	g.seedDriveSet(renamed, db, map[string]string{renamed + ".csv": "orders for the auditor.csv"})
	expired := dbbackup.SetIDAt("backup", now.AddDate(0, 0, -51), 1)
	g.seedDriveSet(expired, db, nil)

	list := runCLI(t, g.env, "list")
	if !strings.Contains(list.stdout, "BROKEN: "+renamed+".csv is missing") {
		t.Errorf("list:\n%s%s", list.stdout, list.stderr)
	}
	res := runCLI(t, g.with("BACKUP_FORMATS", "csv", "BACKUP_RETENTION_MIN_KEEP", "1"), "run")
	if res.code != 0 || !strings.Contains(res.stdout, "Retention: deleted 2 expired sets") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	stored := g.stored()
	if _, ok := stored["orders for the auditor.csv"]; !ok {
		t.Error("the file the user renamed was deleted")
	}
	if _, ok := stored[expired+".csv"]; ok {
		t.Error("the whole expired set was not deleted")
	}
}

// TestTwoDatabasesOneFolder is the README's quick start: two databases
// backed up into one folder with one history. Deltas compare with the same
// database's last run, verify picks its own database's newest set, list
// and history name the database, and a run never deletes the other
// database's expired set.
func TestTwoDatabasesOneFolder(t *testing.T) {
	big := pgtest.NewDatabase(t, ordersSQL)
	small := pgtest.NewDatabase(t, `CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (1);`)
	mb := newMailbox(t)
	dir, stateDir := t.TempDir(), t.TempDir()
	// A third database's only set, long expired.
	other := dbbackup.SetIDAt("backup", time.Now().AddDate(0, 0, -60), 1)
	seedSet(t, dir, other, "crm")
	env := mb.env(map[string]string{"BACKUP_DIR": dir, "STATE_DIR": stateDir, "BACKUP_FORMATS": "csv,json,dump",
		"BACKUP_RETENTION_MIN_KEEP": "1"})

	for _, url := range []string{big, small, small} {
		if res := runCLI(t, withEnv(env, "DATABASE_URL", url), "run"); res.code != 0 {
			t.Fatalf("run %s: exit %d\n%s%s", dbName(url), res.code, res.stdout, res.stderr)
		}
	}
	if !exists(t, filepath.Join(dir, other+".csv")) {
		t.Error("a run of one database deleted the other database's set")
	}
	hist := runCLI(t, withEnv(env, "DATABASE_URL", small), "history")
	if strings.Count(hist.stdout, dbName(small)) != 2 || strings.Count(hist.stdout, dbName(big)) != 1 {
		t.Errorf("history does not name the databases:\n%s", hist.stdout)
	}
	second := runCLI(t, withEnv(env, "DATABASE_URL", small), "history", "2")
	for _, wrong := range []string{"shrank", "was in the previous backup"} {
		if strings.Contains(second.stdout, wrong) {
			t.Errorf("the first run of %s is compared with %s's: %q in\n%s", dbName(small), dbName(big), wrong, second.stdout)
		}
	}
	third := runCLI(t, withEnv(env, "DATABASE_URL", small), "history", "3")
	if !strings.Contains(third.stdout, "public.notes") || strings.Contains(third.stdout, "public.orders") {
		t.Errorf("report of the third run:\n%s", third.stdout)
	}

	list := runCLI(t, env, "list")
	if strings.Count(list.stdout, dbName(big)) != 1 || strings.Count(list.stdout, dbName(small)) != 2 || !strings.Contains(list.stdout, "crm") {
		t.Errorf("list does not name the databases:\n%s", list.stdout)
	}
	// The big database's set is the oldest run, yet verify and restore
	// pick it for its database.
	ver := runCLI(t, withEnv(env, "DATABASE_URL", big), "verify")
	if ver.code != 0 || !strings.Contains(ver.stdout, ".csv.zip") {
		t.Fatalf("verify: exit %d\n%s%s", ver.code, ver.stdout, ver.stderr)
	}
	target := pgtest.NewDatabase(t)
	if res := runCLI(t, withEnv(env, "DATABASE_URL", big), "restore", "--target", target); res.code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	var n int
	if err := connect(t, target).QueryRow(context.Background(), "SELECT count(*) FROM orders").Scan(&n); err != nil || n != 200 {
		t.Fatalf("the restored database holds %d orders (%v), want 200", n, err)
	}
}

// TestKeepLocalCopiesArePruned: the local copy beside Drive
// (BACKUP_KEEP_LOCAL) gets the same retention as Drive.
func TestKeepLocalCopiesArePruned(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	g := newGoogle(t, url)
	dir := g.env["BACKUP_DIR"]
	now := time.Now()
	for day := 40; day < 50; day++ {
		seedSet(t, dir, dbbackup.SetIDAt("backup", now.AddDate(0, 0, -day), 1), dbName(url))
	}
	seedSet(t, dir, dbbackup.SetIDAt("backup", now.AddDate(0, 0, -70), 1), "crm")
	env := newMailbox(t).env(g.with("BACKUP_FORMATS", "csv", "BACKUP_KEEP_LOCAL", "true", "BACKUP_RETENTION_MIN_KEEP", "3",
		"STATE_DIR", t.TempDir()))
	res := runCLI(t, env, "run")
	if res.code != 0 || !strings.Contains(res.stdout, "Retention of the local copy: deleted 8 expired sets") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	report := runCLI(t, env, "history", "1")
	if _, email, _ := strings.Cut(report.stdout, "\nReport ("); !strings.Contains(email, "Retention of the local copy") ||
		!strings.Contains(email, "deleted 8 expired sets of database "+dbName(url)+" in local folder "+dir) {
		t.Errorf("the report does not tell of the local copy:\n%s", report.stdout)
	}
	list := runCLI(t, withEnv(g.env, "DRIVE_BACKUP_FOLDER_ID", ""), "list") // the local folder
	if !strings.Contains(list.stdout, "4 backup sets") || !strings.Contains(list.stdout, "crm") {
		t.Errorf("left in the local copy:\n%s%s", list.stdout, list.stderr)
	}
}

// TestClockAheadSkipsRetention: a machine clock a year ahead of the
// database server's would make every set look old; retention is skipped
// and the report says why.
func TestClockAheadSkipsRetention(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	dir := t.TempDir()
	now := time.Now()
	for day := 1; day <= 21; day++ {
		seedSet(t, dir, dbbackup.SetIDAt("backup", now.AddDate(0, 0, -day), 1), dbName(url))
	}
	clock = func() time.Time { return time.Now().AddDate(1, 0, 0) }
	t.Cleanup(func() { clock = time.Now })
	res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv"}, "run")
	if res.code != 0 || !strings.Contains(res.stdout, "Warning: retention skipped: this machine's clock is") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := len(setFiles(t, dir)); n != 21*2+3 {
		t.Errorf("%d files left, want every one of the 21 sets and the new one", n)
	}
}

// TestPruneRefusesWhileTheClockIsOff: the prune command, like the run,
// deletes nothing while this machine's clock and the database server's
// disagree; its dry run only warns.
func TestPruneRefusesWhileTheClockIsOff(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	dir := t.TempDir()
	now := time.Now()
	for day := 1; day <= 5; day++ {
		seedSet(t, dir, dbbackup.SetIDAt("backup", now.AddDate(0, 0, -day), 1), dbName(url))
	}
	clock = func() time.Time { return time.Now().AddDate(1, 0, 0) }
	t.Cleanup(func() { clock = time.Now })
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_RETENTION_MIN_KEEP": "1"}
	res := runCLI(t, env, "prune")
	if res.code != exitFailed || !strings.Contains(res.stderr, "this machine's clock is") || !strings.Contains(res.stderr, "Try: prune deletes nothing") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := len(setFiles(t, dir)); n != 5*2 {
		t.Errorf("%d files left, want every one of the 5 sets", n)
	}
	if res := runCLI(t, env, "prune", "--dry-run"); res.code != 0 || !strings.Contains(res.stderr, "clock") {
		t.Errorf("dry run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	clock = time.Now
	if res := runCLI(t, env, "prune"); res.code != 0 {
		t.Errorf("prune with the right clock: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}
