package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// installation is an installation for the pages' tests, served by a test
// server: a .env file and a backup folder of its own, and the server's
// state database as its STATE_DIR (the run history a download checks a
// manifest against).
type installation struct {
	app      *app.App
	ts       *testServer
	dir      string // BACKUP_DIR
	envFile  string
	database string // the job default's DATABASE_URL
}

// newInstallation writes a .env for the job default with env's settings
// over a local folder, csv and dump, and no email.
func newInstallation(t *testing.T, env map[string]string) *installation {
	t.Helper()
	in := &installation{dir: t.TempDir(), envFile: filepath.Join(t.TempDir(), ".env")}
	in.app = &app.App{EnvFile: in.envFile, Explicit: true}
	in.ts = newTestServer(t, Options{App: in.app})
	settings := map[string]string{"BACKUP_DIR": in.dir, "STATE_DIR": filepath.Dir(in.ts.store.Path()), "BACKUP_VERIFY": "never",
		"BACKUP_FORMATS": "csv,dump", "EMAIL_TO": ""}
	for k, v := range env {
		settings[k] = v
	}
	in.database = settings["DATABASE_URL"]
	var b strings.Builder
	for k, v := range settings {
		b.WriteString(k + "=\"" + v + "\"\n")
	}
	if err := os.WriteFile(in.envFile, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return in
}

// backUp runs a backup of job now and returns its set id.
func (in *installation) backUp(t *testing.T, job string) string {
	t.Helper()
	ctx := context.Background()
	cfg, err := in.app.LoadJob(ctx, job, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := in.app.Run(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatalf("backup of %s: %v", job, err)
	}
	return o.Report.SetID
}

// server is the test server on the installation.
func (in *installation) server(*testing.T) *testServer { return in.ts }

// storedFile is the path of a set's file in the backup folder.
func (in *installation) storedFile(t *testing.T, suffix string) string {
	t.Helper()
	var found []string
	filepath.WalkDir(in.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, suffix) {
			found = append(found, p)
		}
		return nil
	})
	if len(found) != 1 {
		t.Fatalf("files ending in %s: %v", suffix, found)
	}
	return found[0]
}

const shopSQL = `CREATE TABLE customer (id int PRIMARY KEY, name text);
INSERT INTO customer SELECT g, 'customer ' || g FROM generate_series(1, 500) g;`

func TestTheBackupsPageListsEachSetWithItsFilesAndDownloadsThemChecked(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL)})
	set := in.backUp(t, "default")
	ts := in.server(t)
	bob := ts.signedIn(t, "bob")

	page := body(t, ts.get(t, bob, "/backups"))
	for _, want := range []string{set, "complete", set + ".csv", set + ".dump", set + ".manifest.json"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not show %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "Verify set") || strings.Contains(page, "Restore set") {
		t.Error("a viewer is offered Verify or Restore")
	}

	href := regexp.MustCompile(`href="(/backups/default/[^"]+\.csv)"`).FindStringSubmatch(page)
	if href == nil {
		t.Fatalf("no download link for the csv file:\n%s", page)
	}
	res := ts.get(t, bob, href[1])
	got := body(t, res)
	want, _ := os.ReadFile(in.storedFile(t, ".csv"))
	if res.StatusCode != 200 || got != string(want) {
		t.Fatalf("download: %d, %d bytes, want the %d stored", res.StatusCode, len(got), len(want))
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, set+".csv") {
		t.Errorf("Content-Disposition %q", cd)
	}
	// The manifest is checked against the run history's record of it.
	if res := ts.get(t, bob, "/backups/default/"+set+"/"+set+".manifest.json"); res.StatusCode != 200 {
		t.Errorf("manifest download: %d %s", res.StatusCode, body(t, res))
	}
	for _, path := range []string{"/backups/default/" + set + "/notes.txt", "/backups/default/backup_20000101_000000/x.csv", "/backups/nojob/" + set + "/" + set + ".csv"} {
		if res := ts.get(t, bob, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
}

// TestADamagedFileIsNeverDownloadedWhole: the bytes stored differ from
// the manifest's (same size, so only the checksum can tell): the download
// is cut short, and the browser reports it failed.
func TestADamagedFileIsNeverDownloadedWhole(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL)})
	set := in.backUp(t, "default")
	path := in.storedFile(t, ".dump")
	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 0xff
	os.WriteFile(path, b, 0o600)
	ts := in.server(t)
	bob := ts.signedIn(t, "bob")

	res, err := bob.Get(ts.URL + "/backups/default/" + set + "/" + set + ".dump")
	if err == nil {
		got, rerr := io.ReadAll(res.Body)
		res.Body.Close()
		if rerr == nil {
			sum := sha256.Sum256(got)
			t.Fatalf("a damaged file was downloaded whole: status %d, %d bytes, sha256 %s", res.StatusCode, len(got), hex.EncodeToString(sum[:]))
		}
	}
	// The page shows the set is still listed whole (sizes match): only
	// Verify reads the bytes.
	alice := ts.signedIn(t, "alice")
	res = ts.follow(t, alice, ts.postForm(t, alice, "/backups/default/"+set+"/verify", nil))
	page := body(t, res)
	if res.StatusCode != 200 || !strings.Contains(page, "FAIL") || !strings.Contains(page, "damaged") || !strings.Contains(page, "make a new backup") {
		t.Errorf("verify of the damaged set: %d\n%s", res.StatusCode, page)
	}
	if !ts.audited(t, "alice", "verify", "set "+set+" of job default: 1 problem") {
		t.Errorf("audit log: %v", ts.auditLog(t))
	}
}

func TestVerifyReadsEveryFileBack(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL)})
	set := in.backUp(t, "default")
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	res := ts.follow(t, alice, ts.postForm(t, alice, "/backups/default/"+set+"/verify", nil))
	page := body(t, res)
	if res.StatusCode != 200 || !strings.Contains(page, "Every file of set "+set+" matches its manifest") || strings.Contains(page, "FAIL") {
		t.Fatalf("verify: %d\n%s", res.StatusCode, page)
	}
	if n := strings.Count(page, ">OK<"); n != 4 {
		t.Errorf("%d files OK, want the manifest, the schema, the csv and the dump:\n%s", n, page)
	}
	// The result has an address of its own, reached with GET: a reload
	// shows it again and verifies nothing twice.
	result := res.Request.URL.Path
	if !strings.HasPrefix(result, "/backups/default/"+set+"/verify/") {
		t.Errorf("the verification's result is at %s, want a page of its own", result)
	}
	if again := body(t, ts.get(t, alice, result)); !strings.Contains(again, "Every file of set "+set+" matches its manifest") {
		t.Errorf("the result's page again:\n%s", again)
	}
	verified := 0
	for _, e := range ts.auditLog(t) {
		if e.Action == "verify" {
			verified++
		}
	}
	if verified != 1 {
		t.Errorf("%d verifications audited after a verify and a reload of its result, want 1", verified)
	}
	if gone := ts.get(t, alice, "/backups/default/"+set+"/verify/0123"); gone.StatusCode != http.StatusNotFound || !strings.Contains(body(t, gone), "verify the set again") {
		t.Errorf("a result the server does not keep: %d", gone.StatusCode)
	}
	if !ts.audited(t, "alice", "verify", "set "+set+" of job default: every file matches its manifest") {
		t.Errorf("audit log: %v", ts.auditLog(t))
	}
	if v, ok, err := ts.s.o.Store.LastVerification(context.Background(), "default"); !ok || err != nil || !v.OK || v.SetID != set || v.By != "alice" {
		t.Errorf("the history's last verification: %+v, %v, %v", v, ok, err)
	}

	// A missing file makes the set broken, with what is missing.
	os.Remove(in.storedFile(t, ".csv"))
	page = body(t, ts.get(t, alice, "/backups"))
	if !strings.Contains(page, "broken") || !strings.Contains(page, set+".csv is missing") {
		t.Errorf("the broken set is not shown as such:\n%s", page)
	}
}

func TestRestoreAsksWhereThenNamesWhatItWritesAndRefusesADatabaseInUse(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL)})
	set := in.backUp(t, "default")
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	restore := "/backups/default/" + set + "/restore"

	if page := body(t, ts.get(t, alice, restore)); !strings.Contains(page, set+".dump") || !strings.Contains(page, `name="target"`) {
		t.Fatalf("restore form:\n%s", page)
	}
	target := pgtest.NewDatabase(t)
	name := strings.TrimPrefix(mustURL(t, target).Path, "/")
	// A bare name is a database on the job's own server.
	res := ts.postForm(t, alice, restore, url.Values{"target": {name}})
	page := body(t, res)
	if res.StatusCode != 200 || !strings.Contains(page, "Write into "+name) || !strings.Contains(page, set+".dump") || !strings.Contains(page, `name="confirm"`) {
		t.Fatalf("confirmation: %d\n%s", res.StatusCode, page)
	}
	if ts.audited(t, "alice", "restore", "") {
		t.Errorf("something was restored before the confirmation: %v", ts.auditLog(t))
	}
	// The result has a page of its own: a reload shows it, and restores
	// nothing again.
	res = ts.postForm(t, alice, restore, url.Values{"target": {name}, "confirm": {"yes"}})
	result := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(result, restore+"/") {
		t.Fatalf("restore: %d to %q\n%s", res.StatusCode, result, body(t, res))
	}
	for range 2 {
		res = ts.get(t, alice, result)
		page = body(t, res)
		if res.StatusCode != 200 || !strings.Contains(page, "Restored set "+set+" into "+name) || !strings.Contains(page, "1 table, 500 rows") ||
			strings.Contains(page, target) {
			t.Fatalf("the result: %d\n%s", res.StatusCode, page)
		}
	}
	restores := 0
	for _, e := range ts.auditLog(t) {
		if e.Action == "restore" {
			restores++
		}
	}
	if restores != 1 || !ts.audited(t, "alice", "restore", "set "+set+" of job default into "+name) {
		t.Errorf("audit log after a restore and two views of its result: %v", ts.auditLog(t))
	}
	if gone := ts.get(t, alice, restore+"/0123"); gone.StatusCode != http.StatusNotFound || !strings.Contains(body(t, gone), "no longer kept") {
		t.Errorf("a result the server does not keep: %d", gone.StatusCode)
	}
	// Now it holds the table: never restored over.
	res = ts.postForm(t, alice, restore, url.Values{"target": {target}, "confirm": {"yes"}})
	page = body(t, res)
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, "is not empty") || !strings.Contains(page, `aria-invalid="true"`) {
		t.Fatalf("restore over data: %d\n%s", res.StatusCode, page)
	}
}

func TestAViewerMayNotVerifyOrRestore(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL)})
	set := in.backUp(t, "default")
	ts := in.server(t)
	bob := ts.signedIn(t, "bob")
	for _, path := range []string{"/backups/default/" + set + "/verify", "/backups/default/" + set + "/restore"} {
		if res := ts.postForm(t, bob, path, url.Values{"target": {"x"}, "confirm": {"yes"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s as a viewer: %d", path, res.StatusCode)
		}
	}
	if res := ts.get(t, bob, "/backups/default/"+set+"/restore"); res.StatusCode != http.StatusForbidden {
		t.Errorf("the restore form for a viewer: %d", res.StatusCode)
	}
}

// audited reports whether the audit log has an entry of user and action
// whose detail starts with detail.
// follow is where a POST sends the browser: the page its 303 names,
// fetched with GET as a browser does; any other answer is res itself.
func (ts *testServer) follow(t *testing.T, c *http.Client, res *http.Response) *http.Response {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		return res
	}
	res.Body.Close()
	return ts.get(t, c, res.Header.Get("Location"))
}

func (ts *testServer) audited(t *testing.T, user, action, detail string) bool {
	t.Helper()
	entries, _, err := ts.store.AuditLog(context.Background(), state.AuditQuery{User: user, Action: action})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Detail, detail) {
			return true
		}
	}
	return false
}

// auditLog is the audit log, for a failure's message.
func (ts *testServer) auditLog(t *testing.T) []state.AuditEntry {
	t.Helper()
	entries, _, err := ts.store.AuditLog(context.Background(), state.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestSetsInDriveAreListedWithTheirLinksAndDownloadedThroughTheServer.
func TestSetsInDriveAreListedWithTheirLinksAndDownloadedThroughTheServer(t *testing.T) {
	fake := googlefake.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	creds, token := filepath.Join(dir, "credentials.json"), filepath.Join(dir, "token.json")
	os.WriteFile(creds, fake.CredentialsJSON(srv.URL), 0o600)
	os.WriteFile(token, fake.AuthorizedUserJSON(srv.URL), 0o600)
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL),
		"GOOGLE_CREDENTIALS_FILE": creds, "GOOGLE_TOKEN_FILE": token, "GOOGLE_API_ENDPOINT": srv.URL + "/",
		"DRIVE_BACKUP_FOLDER_ID": fake.AddFolder("Backups").ID})
	set := in.backUp(t, "default")
	ts := in.server(t)
	bob := ts.signedIn(t, "bob")
	page := body(t, ts.get(t, bob, "/backups"))
	if !strings.Contains(page, "Google Drive folder") || !strings.Contains(page, "https://drive.google.com/file/d/") || !strings.Contains(page, "complete") {
		t.Fatalf("the Drive sets:\n%s", page)
	}
	var dump googlefake.File
	for _, f := range fake.Files() {
		if f.Name == set+".dump" {
			dump = f
		}
	}
	want, _ := fake.Content(dump.ID)
	res := ts.get(t, bob, "/backups/default/"+set+"/"+set+".dump")
	if got := body(t, res); res.StatusCode != 200 || got != string(want) || len(want) == 0 {
		t.Fatalf("download from Drive: %d, %d bytes, want %d", res.StatusCode, len(got), len(want))
	}
}

// The restore form offers the formats the set restores from, the best
// chosen; the one chosen is restored. A set of xlsx alone offers no
// restore.
func TestRestoreOffersTheSetsFormats(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL), "BACKUP_FORMATS": "csv,json,dump"})
	set := in.backUp(t, "default")
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	restore := "/backups/default/" + set + "/restore"
	page := body(t, ts.get(t, alice, restore))
	if !strings.Contains(page, `<option value="dump" selected>dump</option><option value="csv">csv</option><option value="json">json</option>`) {
		t.Fatalf("restore form:\n%s", page)
	}
	name := strings.TrimPrefix(mustURL(t, pgtest.NewDatabase(t)).Path, "/")
	res := ts.postForm(t, alice, restore, url.Values{"target": {name}, "from": {"json"}})
	if page := body(t, res); !strings.Contains(page, "This loads the json <strong>"+set+".json</strong>") || !strings.Contains(page, `name="from" value="json"`) {
		t.Fatalf("confirmation:\n%s", page)
	}
	res = ts.postForm(t, alice, restore, url.Values{"target": {name}, "from": {"json"}, "confirm": {"yes"}})
	if page := body(t, ts.get(t, alice, res.Header.Get("Location"))); !strings.Contains(page, "1 table, 500 rows") {
		t.Fatalf("result:\n%s", page)
	}
	if !ts.audited(t, "alice", "restore", "set "+set+" of job default into "+name) {
		t.Errorf("audit log: %v", ts.auditLog(t))
	}

	xlsx := newInstallation(t, map[string]string{"DATABASE_URL": in.database, "BACKUP_FORMATS": "xlsx"})
	xset := xlsx.backUp(t, "default")
	xts := xlsx.server(t)
	bob := xts.signedIn(t, "alice")
	if page := body(t, xts.get(t, bob, "/backups?job=default")); strings.Contains(page, "Restore set "+xset) {
		t.Errorf("a set of xlsx alone offers a restore:\n%s", page)
	}
}
