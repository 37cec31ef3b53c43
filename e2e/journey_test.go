package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// adminPassword is the admin's password in the journey.
const adminPassword = "correct horse battery staple"

// smallSQL is the second job's database.
const smallSQL = `CREATE TABLE notes (id int PRIMARY KEY, body text);
INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 42) g;`

// TestJourney is what the web UI is for, in one browser, as one person
// would do it: sign in, back up now and watch it to the end, read the
// run's row counts, download a file and check its SHA-256, add a second
// job in the admin panel and run it, connect Google, keep a table in
// Google Sheets, sign out. The server is the built dbbackup serve, against
// real PostgreSQL and the fake Google; it must stop cleanly on SIGTERM at
// the end.
func TestJourney(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	fake := googlefake.New()
	google := httptest.NewServer(fake)
	t.Cleanup(google.Close)
	j := &journey{t: t, b: b, fake: fake, dbURL: pgtest.NewDatabase(t, pgtest.Chinook(t))}
	j.in = newInstall(t, map[string]string{
		"DATABASE_URL":   j.dbURL,
		"BACKUP_FORMATS": "csv,json,dump",
		"BACKUP_DIR":     "backups",
		"STATE_DIR":      "data",
		// A pg_dump that takes two seconds more, so that the run is
		// still going when its page opens and its progress can be watched.
		"PG_DUMP":                 slowPgDump(t),
		"GOOGLE_CREDENTIALS_FILE": "credentials.json",
		"GOOGLE_TOKEN_FILE":       "data/token.json",
		"GOOGLE_API_ENDPOINT":     google.URL + "/",
	})
	j.in.write("credentials.json", fake.CredentialsJSON(google.URL))
	j.in.run(adminPassword+"\n", "user", "add", "admin", "--role", "admin")
	j.srv = j.in.serve()

	j.signIn()
	first := j.runNow("default", true)
	j.checkRowCounts(first)
	j.downloadAndCheck(first)
	second := pgtest.NewDatabase(t, smallSQL)
	j.addJob("second", second)
	j.runNow("second", false)
	j.connectGoogle()
	j.syncSheet(second)
	verified := j.verifySet()
	j.visitTheRest()
	j.checkNarrow(first, verified)
	j.signOut()

	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("the pages reported errors in the browser's console:\n%s", strings.Join(errs, "\n"))
	}
	j.srv.stop(90 * time.Second)
}

// journey is one person's visit: the browser, the installation and its
// server, the database of the job default and the fake Google.
type journey struct {
	t     *testing.T
	b     *browser
	in    *install
	srv   *server
	fake  *googlefake.Server
	dbURL string
}

// open goes to path and waits until the page is there.
func (j *journey) open(path string) {
	j.t.Helper()
	j.b.do("open "+path, chromedp.Navigate(j.srv.URL+path))
	j.b.waitFor(path, `document.readyState === "complete"`, 10*time.Second)
}

// signIn is sent to the sign-in page, signs in, and lands on the
// dashboard, which names the user.
func (j *journey) signIn() {
	j.t.Helper()
	j.t.Log("sign in")
	j.b.do("open the server", chromedp.Navigate(j.srv.URL+"/"))
	j.b.waitFor("the sign-in page", `location.pathname === "/login"`, 10*time.Second)
	j.b.screenshot("login")
	j.b.do("sign in",
		chromedp.SendKeys(chromedp.ID("name"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), adminPassword),
		chromedp.Submit(chromedp.ID("password")))
	j.b.waitFor("the dashboard", `location.pathname === "/" && document.querySelector("header nav") !== null`, 10*time.Second)
	if nav := j.b.text("header nav"); !strings.Contains(nav, "admin") {
		j.t.Errorf("the navigation does not name the user who signed in: %q", nav)
	}
}

// runNow presses the dashboard's "Run JOB now" and follows the run on its
// progress page until it is over, then returns the run's page. With watch
// (a run slow enough to be seen going on) the progress must first show
// the run going on and then change in place, polled by htmx: the page is
// never reloaded. A quick run may be over before its page opens.
func (j *journey) runNow(job string, watch bool) (runPath string) {
	j.t.Helper()
	j.t.Log("run " + job + " now")
	j.open("/")
	j.b.do("press Run "+job+" now", chromedp.Click(chromedp.CSS(`form[action$="/jobs/`+job+`/run"] button`)))
	going := "section.progress"
	if watch {
		going = "section.progress[hx-get]"
	}
	j.b.waitFor("the run's progress", `location.pathname === "/jobs/`+job+`/live" && document.querySelector("`+going+`") !== null`, 10*time.Second)
	j.b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.journeyMark = true`))
	if watch {
		j.b.waitFor("the export's progress by format", `document.querySelector("section.progress table, section.progress:not([hx-get])") !== null`, 60*time.Second)
		j.b.screenshot("run-now")
	}
	j.b.waitFor("the run's end", `document.querySelector("section.progress:not([hx-get])") !== null`, 60*time.Second)
	if status := j.b.text(`section.progress [role="status"]`); !strings.HasPrefix(status, "ok") && !strings.HasPrefix(status, "OK") {
		j.t.Fatalf("the run of %s did not end ok: %q", job, status)
	}
	j.b.waitFor("the page to have stayed (htmx swapped the progress in)", `window.journeyMark === true`, time.Second)
	j.b.do("open the run's page", chromedp.Click(chromedp.CSS(`section.progress a[href^="/runs/"]`)))
	j.b.waitFor("the run's page", `/^\/runs\/\d+$/.test(location.pathname) && document.querySelector("h1") !== null`, 10*time.Second)
	if h1 := j.b.text("h1"); !strings.Contains(h1, "of "+job) || !strings.Contains(h1, "ok") {
		j.t.Errorf("the run's page is headed %q, want run … of %s: ok", h1, job)
	}
	path, err := chromedp.Run(j.b.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		j.t.Fatal(err)
	}
	return path
}

// checkRowCounts compares the run page's row count of every table with
// what PostgreSQL counts in the database.
func (j *journey) checkRowCounts(runPath string) {
	j.t.Helper()
	j.t.Log("read the row counts")
	j.open(runPath)
	j.b.screenshot("run")
	rows, err := chromedp.Run(j.b.ctx, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll('section[aria-labelledby="tables"] tbody tr')].map(tr => [...tr.cells].map(c => c.textContent.trim()))`))
	if err != nil {
		j.t.Fatal(err)
	}
	want := tableCounts(j.t, j.dbURL)
	if len(rows) != len(want) {
		j.t.Errorf("the run's page lists %d tables, the database has %d: %v", len(rows), len(want), rows)
	}
	for _, r := range rows {
		if len(r) < 2 {
			j.t.Fatalf("a table row with %d cells: %v", len(r), r)
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(r[1], ",", ""), 10, 64)
		if w, ok := want[r[0]]; !ok || err != nil || n != w {
			j.t.Errorf("table %s: the page says %q rows, PostgreSQL counts %d", r[0], r[1], w)
		}
	}
}

// tableCounts counts the rows of every table of the database at url, by
// schema-qualified name.
func tableCounts(t *testing.T, url string) map[string]int64 {
	t.Helper()
	counts := map[string]int64{}
	for _, name := range queryRows(t, url, `SELECT table_schema || '.' || table_name FROM information_schema.tables
		WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`) {
		n := queryRows(t, url, "SELECT count(*) FROM "+pgx.Identifier(strings.SplitN(name[0], ".", 2)).Sanitize())
		c, err := strconv.ParseInt(n[0][0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		counts[name[0]] = c
	}
	return counts
}

// queryRows runs query in the database at url and returns its rows, each
// value as fmt prints what pgx reads (an integer's digits, a text as is).
func queryRows(t *testing.T, url, query string) [][]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]string, error) {
		values, err := r.Values()
		texts := make([]string, len(values))
		for i, v := range values {
			texts[i] = fmt.Sprint(v)
		}
		return texts, err
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// downloadAndCheck downloads the run's pg_dump archive with the browser,
// from the Backups page, and checks its SHA-256 against the one the
// run's page shows and against the file stored in BACKUP_DIR.
func (j *journey) downloadAndCheck(runPath string) {
	j.t.Helper()
	j.t.Log("download a file")
	j.open(runPath)
	// The SHA-256 cell shows the start of it, and the whole in its <code>.
	file, err := chromedp.Run(j.b.ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('section[aria-labelledby="files"] tbody tr')].map(tr => [...tr.cells].map(c => (c.querySelector("code") || c).textContent.trim())).find(c => c[1] === "dump")`))
	if err != nil || len(file) < 4 {
		j.t.Fatalf("the run's page lists no dump file: %v %v", file, err)
	}
	name, shown := file[0], file[3]

	j.open("/backups")
	j.b.screenshot("backups")
	dir := j.t.TempDir()
	_, err = chromedp.Run(j.b.ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptr(true)})
		return err
	}))
	if err != nil {
		j.t.Fatal(err)
	}
	progress := chromedp.BrowserEvents(j.b.ctx, cdpbrowser.DownloadProgress)
	link := `a[download][href$="/` + name + `"]`
	j.b.do("open the set and download "+name,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+link+`').closest("details").open = true`),
		chromedp.Click(chromedp.CSS(link)))
	ctx, cancel := context.WithTimeout(j.b.ctx, 30*time.Second)
	defer cancel()
	var got string
	for ev, err := range progress {
		if err != nil {
			j.t.Fatalf("download %s: %v", name, err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			j.t.Fatalf("download %s: the browser cancelled it (the server cut it short?)", name)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			got = filepath.Join(dir, ev.GUID)
			break
		}
		if ctx.Err() != nil {
			j.t.Fatalf("download %s: not complete within 30 s", name)
		}
	}
	sum := fileSHA256(j.t, got)
	if sum != shown {
		j.t.Errorf("downloaded %s: SHA-256 %s, the run's page shows %s", name, sum, shown)
	}
	stored := ""
	filepath.WalkDir(filepath.Join(j.in.dir, "backups"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == name {
			stored = path
		}
		return nil
	})
	if stored == "" {
		j.t.Fatalf("%s is not in BACKUP_DIR", name)
	}
	if s := fileSHA256(j.t, stored); s != sum {
		j.t.Errorf("downloaded %s: SHA-256 %s, the stored file's is %s", name, sum, s)
	}
}

func ptr[T any](v T) *T { return &v }

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// addJob adds a job of one database in CSV alone with the admin panel's
// form, and finds it in the list.
func (j *journey) addJob(name, dbURL string) {
	j.t.Helper()
	j.t.Log("add job " + name)
	j.open("/admin/jobs/new")
	j.b.do("fill in the new job",
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("f-DATABASE_URL"), dbURL),
		chromedp.SetValue(chromedp.ID("f-BACKUP_FORMATS"), "csv"))
	j.b.screenshot("admin-job-new")
	j.b.do("add the job", chromedp.Submit(chromedp.ID("name")))
	// The job's page, with what the check of its database found.
	j.b.waitFor("the job's page", `location.pathname === "/admin/jobs/`+name+`"`, 20*time.Second)
	if page := j.b.text("main"); !strings.Contains(page, "Added job "+name+".") || !strings.Contains(page, "Checked against its database") {
		j.t.Fatalf("the job's page after adding it:\n%s", page)
	}
	j.open("/admin/jobs")
	if list := j.b.text("main"); !strings.Contains(list, name) {
		j.t.Fatalf("the jobs list does not show %s after it was added:\n%s", name, list)
	}
	j.b.screenshot("admin-jobs")
}

// connectGoogle connects the installation to (the fake) Google from the
// Google page: consent, callback, the token saved 0600.
func (j *journey) connectGoogle() {
	j.t.Helper()
	j.t.Log("connect Google")
	j.open("/google")
	j.b.do("press Connect to Google", chromedp.Click(chromedp.CSS(`form[action$="/google/connect"] button`)))
	j.b.waitFor("Google's answer", `location.pathname === "/google" && new URLSearchParams(location.search).get("done") === "connected"`, 20*time.Second)
	if account := j.b.text(`section[aria-labelledby="google-account"]`); !strings.Contains(account, "Connected as") || strings.Contains(account, "unknown") {
		j.t.Errorf("the Google page does not name the connected account:\n%s", account)
	}
	j.b.screenshot("google")
	st, err := os.Stat(filepath.Join(j.in.dir, "data", "token.json"))
	if err != nil {
		j.t.Fatalf("no token saved: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		j.t.Errorf("the token file's mode is %04o, want 0600", st.Mode().Perm())
	}
}

// visitTheRest opens the pages the journey did not need, so that each
// renders in the browser without an error, and pictures them: the runs
// list, the settings, the audit log of what the admin did, the users and
// the dashboard.
func (j *journey) visitTheRest() {
	j.t.Helper()
	j.t.Log("look around")
	j.open("/runs")
	if list := j.b.text("main"); !strings.Contains(list, "second") || !strings.Contains(list, "default") {
		j.t.Errorf("the runs list does not show both jobs' runs:\n%s", list)
	}
	j.b.screenshot("runs")
	j.open("/settings?job=default")
	j.b.screenshot("settings")
	j.open("/admin/users")
	j.b.screenshot("admin-users")
	j.open("/admin/audit")
	audit := j.b.text("main")
	for _, action := range []string{"run", "job.add", "google.connect", "sheets.add", "sheets.sync"} {
		if !strings.Contains(audit, action) {
			j.t.Errorf("the audit log does not show %s:\n%s", action, audit)
		}
	}
	j.b.screenshot("audit")
	j.open("/")
	j.b.screenshot("dashboard")
}

// verifySet presses Verify on the newest set of the job default and
// lands on the result's own page: a reload shows it again, without the
// browser asking to send the form again. It returns the result's path.
func (j *journey) verifySet() string {
	j.t.Helper()
	j.t.Log("verify a set")
	j.open("/backups?job=default")
	j.b.do("open the newest set and press Verify",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action$="/verify"]').closest("details").open = true`),
		chromedp.Click(chromedp.CSS(`form[action$="/verify"] button`)))
	j.b.waitFor("the verification's result", `/^\/backups\/default\/[^/]+\/verify\/\w+$/.test(location.pathname) && document.querySelector("h1") !== null`, 30*time.Second)
	if status := j.b.text(`[role="status"]`); !strings.Contains(status, "matches its manifest") {
		j.t.Errorf("the verification's result says %q", status)
	}
	path, err := chromedp.Run(j.b.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		j.t.Fatal(err)
	}
	j.b.do("reload the result", chromedp.Reload())
	j.b.waitFor("the result again", `document.readyState === "complete" && document.querySelector('[role="status"]') !== null`, 10*time.Second)
	return path
}

// narrowWidth is the narrowest screen the pages are made for: a small
// phone's.
const narrowWidth = 360

// checkNarrow opens every main page in a window 360 pixels wide: none may
// be wider than the window (the page would scroll sideways, and what is
// off to the right is missed). The sets on the Backups page are opened.
// A few are pictured for the README.
func (j *journey) checkNarrow(runPath, verifyPath string) {
	j.t.Helper()
	j.t.Log("look at the pages on a phone")
	j.b.do("narrow the window", chromedp.EmulateViewport(narrowWidth, 780))
	defer j.b.do("widen the window", chromedp.EmulateViewport(1280, 900))
	for _, page := range []struct{ path, name string }{
		{"/", "dashboard"}, {"/runs", "runs"}, {runPath, "run"}, {"/backups", "backups"}, {verifyPath, "verify"},
		{"/settings", "settings"}, {"/admin", "admin"}, {"/admin/jobs", "admin-jobs"}, {"/admin/jobs/new", "admin-job-new"},
		{"/admin/users", "admin-users"}, {"/admin/sheets", "admin-sheets"}, {"/admin/sheets/notes", "admin-sheet"},
		{"/admin/sheets/notes/live", "sheet-live"}, {"/admin/audit", "audit"}, {"/google", "google"}, {"/jobs/default/live", "live"},
	} {
		j.open(page.path)
		if page.name == "backups" {
			j.b.do("open every set", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("main details").forEach(d => d.open = true)`))
		}
		width, err := chromedp.Run(j.b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			j.t.Fatal(err)
		}
		if width > narrowWidth {
			wide, _ := chromedp.Run(j.b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main *")].filter(e => e.getBoundingClientRect().right > `+strconv.Itoa(narrowWidth)+`).slice(0, 5).map(e => e.tagName + (e.className ? "." + e.className : "") + " " + Math.round(e.getBoundingClientRect().right) + "px")`))
			j.t.Errorf("%s is %d pixels wide in a window of %d: it scrolls sideways (too wide: %v)", page.path, width, narrowWidth, wide)
		}
		if page.name == "dashboard" || page.name == "runs" || page.name == "run" {
			j.b.screenshot(page.name + "-360")
		}
	}
}

// signOut logs out; the session is over: the dashboard asks to sign in.
func (j *journey) signOut() {
	j.t.Helper()
	j.t.Log("sign out")
	j.b.do("log out", chromedp.Click(chromedp.CSS(`form[action$="/logout"] button`)))
	j.b.waitFor("the sign-in page", `location.pathname === "/login"`, 10*time.Second)
	if said := j.b.text("main"); !strings.Contains(said, "You are signed out.") {
		j.t.Errorf("the page after Log out does not say so:\n%s", said)
	}
	j.b.do("open the dashboard", chromedp.Navigate(j.srv.URL+"/"))
	j.b.waitFor("the sign-in page", `location.pathname === "/login"`, 10*time.Second)
}

// slowPgDump is a pg_dump that waits two seconds before it dumps
// (`--version` answers at once).
func slowPgDump(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pg_dump")
	script := "#!/bin/sh\ncase \"$1\" in --version) ;; *) sleep 2;; esac\nexec pg_dump \"$@\"\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
