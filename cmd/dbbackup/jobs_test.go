package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
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
	if files := setFiles(t, dir); len(files) != 3 || !strings.HasPrefix(files[0], "shop_") {
		t.Errorf("the job's files are %v, want shop_….csv, .json, .manifest.json", files)
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
