package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// withPassword puts a password into a test database's URL (the test
// server trusts every connection, so any password works).
func withPassword(t *testing.T, dbURL, password string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), password)
	return u.String()
}

// newKey is what `dbbackup secret-key` prints.
func newKey(t *testing.T) string {
	t.Helper()
	res := runCLI(t, map[string]string{}, "secret-key")
	if res.code != 0 {
		t.Fatalf("secret-key: exit %d\n%s", res.code, res.stderr)
	}
	return strings.TrimSpace(res.stdout)
}

// stateBytes is every file of the state database (the WAL too).
func stateBytes(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// TestJobSecretsAreSealed: a job's password is kept in the state database
// in no readable form, opens only with the key, and a wrong or missing
// key is a clear error naming DBBACKUP_SECRET_KEY.
func TestJobSecretsAreSealed(t *testing.T) {
	const password = "Tr0ub4dor-Horse-77"
	dbURL := withPassword(t, pgtest.NewDatabase(t, ordersSQL), password)
	stateDir, dir := t.TempDir(), t.TempDir()
	env := map[string]string{"STATE_DIR": stateDir, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv"}

	noKey := runCLI(t, env, "job", "add", "shop", "--database-url", dbURL)
	if noKey.code != exitConfig || !strings.Contains(noKey.stderr, "DBBACKUP_SECRET_KEY") || !strings.Contains(noKey.stderr, "dbbackup secret-key") {
		t.Fatalf("add without a key: exit %d\n%s", noKey.code, noKey.stderr)
	}
	if strings.Contains(noKey.stderr, password) {
		t.Errorf("the error shows the password:\n%s", noKey.stderr)
	}
	env["DBBACKUP_SECRET_KEY"] = newKey(t)
	add := runCLI(t, env, "job", "add", "shop", "--database-url", dbURL, "--formats", "csv,json")
	if add.code != 0 {
		t.Fatalf("add: exit %d\n%s%s", add.code, add.stdout, add.stderr)
	}
	if !strings.Contains(add.stderr, "process list") {
		t.Errorf("no warning about a password on the command line:\n%s", add.stderr)
	}
	stored := stateBytes(t, stateDir)
	for _, form := range []string{password, url.QueryEscape(password), base64.StdEncoding.EncodeToString([]byte(password)),
		base64.RawURLEncoding.EncodeToString([]byte(password)), strings.ToLower(password)} {
		if bytes.Contains(bytes.ToLower(stored), []byte(strings.ToLower(form))) {
			t.Errorf("the state files hold the password as %q", form)
		}
	}

	run := runCLI(t, env, "run", "--job", "shop")
	if run.code != 0 {
		t.Fatalf("run --job shop: exit %d\n%s%s", run.code, run.stdout, run.stderr)
	}
	if files := setFiles(t, dir); len(files) != 4 || !strings.HasPrefix(files[0], "shop_") {
		t.Errorf("the job's files are %v, want shop_….csv, .json, .schema.sql, .manifest.json", files)
	}
	if strings.Contains(run.stdout+run.stderr, password) {
		t.Errorf("run shows the password:\n%s%s", run.stdout, run.stderr)
	}

	wrong := runCLI(t, withEnv(env, "DBBACKUP_SECRET_KEY", newKey(t)), "run", "--job", "shop")
	if wrong.code != exitConfig || !strings.Contains(wrong.stderr, "DBBACKUP_SECRET_KEY is not the key it was stored with") {
		t.Errorf("run with a wrong key: exit %d\n%s", wrong.code, wrong.stderr)
	}
	missing := runCLI(t, withEnv(env, "DBBACKUP_SECRET_KEY", ""), "run", "--job", "shop")
	if missing.code != exitConfig || !strings.Contains(missing.stderr, "DBBACKUP_SECRET_KEY") {
		t.Errorf("run without the key: exit %d\n%s", missing.code, missing.stderr)
	}
}

// TestJobCommands: add, edit, list, export (masked and not), import into
// another installation, remove.
func TestJobCommands(t *testing.T) {
	const password = "s3cr3t-pw"
	dbURL := withPassword(t, pgtest.NewDatabase(t, ordersSQL), password)
	mb := newMailbox(t)
	env := mb.env(map[string]string{"STATE_DIR": t.TempDir(), "BACKUP_DIR": t.TempDir(), "DBBACKUP_SECRET_KEY": newKey(t)})

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"job", "add", "Shop!", "--database-url", dbURL}, "NAME"},
		{[]string{"job", "add", "default", "--database-url", dbURL}, "job of the .env file"},
		{[]string{"job", "add", "shop"}, "--database-url is required"},
		{[]string{"job", "add", "shop", "--database-url", dbURL, "--formats", "csv,pdf"}, "BACKUP_FORMATS"},
		{[]string{"job", "add", "shop", "--database-url", dbURL, "--schedule", "0 25 * * *"}, "BACKUP_SCHEDULE"},
		{[]string{"job", "add", "shop", "--database-url", dbURL, "--prefix", "backup"}, "BACKUP_NAME_PREFIX"},
		{[]string{"job", "edit", "nosuch", "--formats", "csv"}, "there is no job \"nosuch\""},
	} {
		res := runCLI(t, env, bad.args...)
		if res.code != exitConfig || !strings.Contains(res.stderr, bad.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", bad.args, res.code, bad.want, res.stderr)
		}
	}
	if jobs := runCLI(t, env, "jobs"); strings.Contains(jobs.stdout, "shop") {
		t.Fatalf("a refused job was stored:\n%s", jobs.stdout)
	}

	if res := runCLI(t, env, "job", "add", "shop", "--database-url", dbURL, "--formats", "csv", "--schedule", "30 1 * * *"); res.code != 0 {
		t.Fatalf("add: exit %d\n%s", res.code, res.stderr)
	}
	if res := runCLI(t, env, "job", "edit", "shop", "--formats", "json,dump", "--email-to", "dba@example.com"); res.code != 0 {
		t.Fatalf("edit: exit %d\n%s", res.code, res.stderr)
	}
	var listed []jobJSON
	jobs := runCLI(t, env, "jobs", "--json")
	if err := json.Unmarshal([]byte(jobs.stdout), &listed); err != nil || len(listed) != 2 {
		t.Fatalf("jobs --json: %v\n%s%s", err, jobs.stdout, jobs.stderr)
	}
	shop := listed[1]
	if listed[0].Name != "default" || listed[0].Source != "env" || shop.Name != "shop" || shop.Source != "stored" ||
		strings.Join(shop.Formats, ",") != "json,dump" || shop.Schedule != "30 1 * * *" || shop.Prefix != "shop" || shop.Database != dbName(dbURL) {
		t.Errorf("jobs --json: %+v", listed)
	}

	masked := runCLI(t, env, "job", "export")
	if masked.code != 0 || strings.Contains(masked.stdout, password) || !strings.Contains(masked.stdout, ":********@") {
		t.Fatalf("export: exit %d\n%s%s", masked.code, masked.stdout, masked.stderr)
	}
	clear := runCLI(t, env, "job", "export", "--with-secrets")
	if !strings.Contains(clear.stdout, password) {
		t.Fatalf("export --with-secrets:\n%s%s", clear.stdout, clear.stderr)
	}

	// A masked export imports into an installation that has the job: the
	// stored password is kept.
	file := filepath.Join(t.TempDir(), "jobs.json")
	if err := os.WriteFile(file, []byte(strings.Replace(masked.stdout, `"json,dump"`, `"csv"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := runCLI(t, env, "job", "import", file); res.code != 0 {
		t.Fatalf("import: exit %d\n%s", res.code, res.stderr)
	}
	again := runCLI(t, env, "job", "export", "--with-secrets")
	if !strings.Contains(again.stdout, password) || !strings.Contains(again.stdout, `"BACKUP_FORMATS": "csv"`) {
		t.Errorf("after import:\n%s", again.stdout)
	}
	// Into a new installation, a masked password has nothing to keep.
	fresh := withEnv(env, "STATE_DIR", t.TempDir())
	if res := runCLI(t, fresh, "job", "import", file); res.code != exitConfig || !strings.Contains(res.stderr, "masked") {
		t.Errorf("masked import into a new installation: exit %d\n%s", res.code, res.stderr)
	}
	full := filepath.Join(t.TempDir(), "full.json")
	os.WriteFile(full, []byte(clear.stdout), 0o600)
	if res := runCLI(t, fresh, "job", "import", full); res.code != 0 {
		t.Fatalf("import with secrets: exit %d\n%s", res.code, res.stderr)
	}
	if res := runCLI(t, fresh, "run", "--job", "shop", "--formats", "csv"); res.code != 0 {
		t.Fatalf("run of the imported job: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	if res := runCLI(t, env, "job", "remove", "shop"); res.code != 0 {
		t.Fatalf("remove: exit %d\n%s", res.code, res.stderr)
	}
	if res := runCLI(t, env, "run", "--job", "shop"); res.code != exitConfig || !strings.Contains(res.stderr, `there is no job "shop"`) {
		t.Errorf("run of a removed job: exit %d\n%s", res.code, res.stderr)
	}
}

// TestTwoJobsOneFolder: two jobs of two databases share one folder. Each
// one's retention, deltas, restore default and history are its own; one
// job's expired sets are never touched by the other's run.
func TestTwoJobsOneFolder(t *testing.T) {
	shopURL := pgtest.NewDatabase(t, ordersSQL)
	crmURL := pgtest.NewDatabase(t, `CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (1);`)
	mb := newMailbox(t)
	dir := t.TempDir()
	env := mb.env(map[string]string{"DATABASE_URL": shopURL, "BACKUP_DIR": dir, "STATE_DIR": t.TempDir(),
		"BACKUP_FORMATS": "csv,dump", "BACKUP_RETENTION_MIN_KEEP": "1", "DBBACKUP_SECRET_KEY": newKey(t)})
	if res := runCLI(t, env, "job", "add", "crm", "--database-url", crmURL, "--formats", "json", "--retention-days", "1"); res.code != 0 {
		t.Fatalf("add: exit %d\n%s", res.code, res.stderr)
	}
	// The job default's only set is long expired, of the crm database
	// too: job crm must neither count it nor delete it.
	old := dbbackup.SetIDAt(dbbackup.DefaultPrefix, time.Now().AddDate(0, 0, -60), 1)
	seedSet(t, dir, old, dbName(crmURL))

	all := runCLI(t, env, "run", "--all")
	if all.code != 0 || !strings.Contains(all.stdout, "== job default ==") || !strings.Contains(all.stdout, "== job crm ==") {
		t.Fatalf("run --all: exit %d\n%s%s", all.code, all.stdout, all.stderr)
	}
	if res := runCLI(t, env, "run", "--job", "crm"); res.code != 0 {
		t.Fatalf("second crm run: exit %d\n%s", res.code, res.stderr)
	}
	if !exists(t, filepath.Join(dir, old+".csv")) {
		t.Error("job crm's retention deleted a set of job default")
	}
	var shop, crm int
	for _, f := range setFiles(t, dir) {
		switch {
		case strings.HasPrefix(f, "backup_") && strings.HasSuffix(f, ".manifest.json"):
			shop++
		case strings.HasPrefix(f, "crm_") && strings.HasSuffix(f, ".manifest.json"):
			crm++
		}
	}
	if shop != 2 || crm != 2 { // the seeded set and a new one; two runs of crm
		t.Errorf("manifests: %d of default, %d of crm, want 2 and 2: %v", shop, crm, setFiles(t, dir))
	}
	// Emails: the crm run's second report compares with crm's first only.
	texts := mb.texts(t)
	if len(texts) != 3 {
		t.Fatalf("emails: %q", mb.subjects())
	}
	if last := texts[2]; !strings.Contains(last, "public.notes") || strings.Contains(last, "public.orders") || strings.Contains(last, "shrank") {
		t.Errorf("the second crm report is compared with another job's run:\n%s", last)
	}
	hist := runCLI(t, env, "history", "--job", "crm")
	if strings.Count(hist.stdout, dbName(crmURL)) != 2 || strings.Contains(hist.stdout, dbName(shopURL)) {
		t.Errorf("history --job crm:\n%s", hist.stdout)
	}
	// restore and verify pick the job's own newest set.
	if res := runCLI(t, env, "verify", "--job", "crm"); res.code != 0 || !strings.Contains(res.stdout, "crm_") {
		t.Errorf("verify --job crm: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	target := pgtest.NewDatabase(t)
	if res := runCLI(t, env, "restore", "--target", target); res.code != 0 || !strings.Contains(res.stdout, "Restored set backup_") {
		t.Fatalf("restore of job default: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// cron: one line a job, at its schedule.
	cron := runCLI(t, env, "cron")
	lines := strings.Split(strings.TrimSpace(cron.stdout), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], " run >> ") || !strings.Contains(lines[1], " run --job crm >> ") ||
		!strings.HasPrefix(lines[1], "0 2 * * * ") {
		t.Errorf("cron:\n%s", cron.stdout)
	}
}

// seedJobDriveSet puts a whole set of job and database in the Drive
// folder, tagged as a run of that job tags its files.
func (g *google) seedJobDriveSet(id, job, database string) {
	for name, content := range fakeSet(id, database) {
		_, format, _ := dbbackup.ParseFileName(name)
		if format == dbbackup.FormatManifest {
			var m dbbackup.Manifest
			json.Unmarshal(content, &m)
			m.Job = job
			var b bytes.Buffer
			m.WriteTo(&b)
			content = b.Bytes()
		}
		g.fake.AddFile(googlefake.FileSpec{Name: name, Parents: []string{g.folder}, Content: content,
			AppProperties: map[string]string{"dbbackup": "test", "dbbackup_set": id, "dbbackup_format": string(format),
				"dbbackup_database": database, "dbbackup_job": job}})
	}
}

// TestJobRetentionKeepsToItself: two jobs back up the same database into
// one Drive folder. Every set of one is long expired; the other's runs,
// retention and prune never delete, count or compare them, and its own
// retention still works.
func TestJobRetentionKeepsToItself(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	g := newGoogle(t, url)
	env := g.with("STATE_DIR", t.TempDir(), "BACKUP_FORMATS", "csv", "BACKUP_RETENTION_DAYS", "7", "BACKUP_RETENTION_MIN_KEEP", "1",
		"DBBACKUP_SECRET_KEY", newKey(t))
	if res := runCLI(t, env, "job", "add", "hourly", "--database-url", url, "--formats", "json"); res.code != 0 {
		t.Fatalf("add: exit %d\n%s", res.code, res.stderr)
	}
	var hourly []string
	for i := 1; i <= 3; i++ {
		id := dbbackup.SetIDAt("hourly", time.Now().AddDate(0, 0, -30-i), 1)
		g.seedJobDriveSet(id, "hourly", dbName(url))
		hourly = append(hourly, id)
	}
	for i := 0; i < 2; i++ {
		if res := runCLI(t, env, "run"); res.code != 0 {
			t.Fatalf("run of job default: exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
	}
	if res := runCLI(t, env, "prune"); res.code != 0 || strings.Contains(res.stdout, "hourly_") {
		t.Errorf("prune of job default: exit %d, or it lists job hourly's sets:\n%s%s", res.code, res.stdout, res.stderr)
	}
	stored := g.stored()
	for _, id := range hourly {
		if _, ok := stored[id+".csv"]; !ok {
			t.Errorf("job default's retention deleted job hourly's set %s", id)
		}
	}
	// Job hourly's own run keeps its new set and deletes its expired ones.
	if res := runCLI(t, env, "run", "--job", "hourly"); res.code != 0 {
		t.Fatalf("run --job hourly: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	stored = g.stored()
	for _, id := range hourly {
		if _, ok := stored[id+".csv"]; ok {
			t.Errorf("job hourly's retention kept its expired set %s", id)
		}
	}
	defaults := 0
	for name := range stored {
		if strings.HasPrefix(name, "backup_") && strings.HasSuffix(name, ".manifest.json") {
			defaults++
		}
	}
	if defaults != 2 {
		t.Errorf("job default has %d sets left, want its 2: %v", defaults, stored)
	}
}

// TestJSONOutputs: jobs, list, history, verify and check print JSON with
// the field names the README documents, for scripts to rely on.
func TestJSONOutputs(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "STATE_DIR": t.TempDir(), "BACKUP_FORMATS": "csv,json",
		"DBBACKUP_SECRET_KEY": newKey(t)}
	if res := runCLI(t, env, "job", "add", "other", "--database-url", url, "--formats", "json"); res.code != 0 {
		t.Fatalf("add: exit %d\n%s", res.code, res.stderr)
	}
	for _, job := range []string{"default", "other"} {
		if res := runCLI(t, env, "run", "--job", job); res.code != 0 {
			t.Fatalf("run --job %s: exit %d\n%s", job, res.code, res.stderr)
		}
	}
	for _, tc := range []struct {
		args []string
		want []string // the keys of the first object (of the array, or of "sets"/"checks")
	}{
		{[]string{"jobs"}, []string{"name", "source", "database", "formats", "destination", "schedule", "prefix"}},
		{[]string{"list"}, []string{"id", "job", "database", "time", "complete", "size", "files"}},
		{[]string{"list", "--job", "other"}, []string{"id", "job", "database", "time", "complete", "size", "files"}},
		{[]string{"history"}, []string{"id", "kind", "job", "database", "set", "started", "finished", "status", "files", "size", "report"}},
		{[]string{"verify"}, []string{"ok", "sets"}},
		{[]string{"check"}, []string{"ok", "checks"}},
	} {
		res := runCLI(t, env, append(tc.args, "--json")...)
		if res.code != 0 {
			t.Errorf("%v --json: exit %d\n%s", tc.args, res.code, res.stderr)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(res.stdout), &v); err != nil {
			t.Errorf("%v --json is not one JSON document: %v\n%s", tc.args, err, res.stdout)
			continue
		}
		obj, _ := v.(map[string]any)
		if list, ok := v.([]any); ok && len(list) > 0 {
			obj, _ = list[0].(map[string]any)
		}
		for _, k := range tc.want {
			if _, ok := obj[k]; !ok {
				t.Errorf("%v --json: no field %q in %s", tc.args, k, res.stdout)
			}
		}
		if tc.args[0] == "list" && len(tc.args) == 3 {
			var sets []setJSON
			json.Unmarshal([]byte(res.stdout), &sets)
			if len(sets) != 1 || sets[0].Job != "other" || !strings.HasPrefix(sets[0].ID, "other_") {
				t.Errorf("list --job other --json: %+v", sets)
			}
		}
	}
	// verify's reading back is kept: the dashboard says when a job's
	// backups were last proven.
	st, err := state.Open(env["STATE_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, ok, err := st.LastVerification(context.Background(), "default"); !ok || err != nil || !v.OK || !strings.HasPrefix(v.SetID, "backup_") || !strings.HasPrefix(v.By, "command line") {
		t.Errorf("the verification of job default: %+v, %v, %v", v, ok, err)
	}
}

// TestLockPerJob: while job default runs (its lock held), job other runs
// at once in the same folder; job default itself is skipped.
func TestLockPerJob(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "STATE_DIR": t.TempDir(), "BACKUP_FORMATS": "csv",
		"DBBACKUP_SECRET_KEY": newKey(t)}
	if res := runCLI(t, env, "job", "add", "other", "--database-url", url); res.code != 0 {
		t.Fatalf("add: exit %d\n%s", res.code, res.stderr)
	}
	held, err := lock.Acquire(filepath.Join(dir, ".dbbackup.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	if res := runCLI(t, env, "run", "--job", "other"); res.code != 0 {
		t.Errorf("job other while job default runs: exit %d\n%s", res.code, res.stderr)
	}
	if res := runCLI(t, env, "run"); res.code != exitLocked {
		t.Errorf("job default while it runs: exit %d, want %d\n%s", res.code, exitLocked, res.stderr)
	}
	all := runCLI(t, env, "run", "--all")
	if all.code != exitLocked || !strings.Contains(all.stdout, "== job other ==") || !strings.Contains(all.stdout, "Backup other_") {
		t.Errorf("run --all with job default locked: exit %d, want %d (the worst), job other backed up\n%s%s", all.code, exitLocked, all.stdout, all.stderr)
	}
}
