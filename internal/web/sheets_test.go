package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// sheetValues is a sync job's form: pairs of field and value.
func sheetValues(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// syncJobNames are the sync jobs the installation has.
func (in *installation) syncJobNames(t *testing.T) []string {
	t.Helper()
	jobs, err := in.app.SyncJobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range jobs {
		names = append(names, j.Name)
	}
	return names
}

// TestASyncJobIsCheckedAsTheCommandsCheckItWithEveryErrorBesideItsField:
// the admin panel stores no sync job `dbbackup sheets add` would refuse,
// shows every problem at once, and audits what it changes.
func TestASyncJobIsCheckedAsTheCommandsCheckItWithEveryErrorBesideItsField(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app"})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")

	res := ts.postForm(t, alice, "/admin/sheets", sheetValues("name", "Orders!", "SHEETS_SPREADSHEET_ID", "https://docs.google.com/spreadsheets/d/1AbC/edit",
		"SHEETS_MODE", "append", "SHEETS_SCHEDULE", "every day", "SHEETS_JOB", "nosuch", "SHEETS_TABLE", "orders"))
	page := body(t, res)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("%d, want 400\n%s", res.StatusCode, page)
	}
	summary := page[:max(strings.Index(page, `<form method="post" action="/admin/sheets"`), 0)]
	for _, want := range []string{"The sync job is not saved.", `href="#name"`, `href="#f-SHEETS_SPREADSHEET_ID"`, `href="#f-SHEETS_TABLE"`,
		`href="#f-SHEETS_KEY"`, `href="#f-SHEETS_SCHEDULE"`} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	for _, want := range []string{`id="e-SHEETS_SPREADSHEET_ID" class="failed">is an address, not an id — use the id alone: 1AbC`,
		`id="e-SHEETS_KEY" class="failed">append needs a key column`, `id="e-SHEETS_TABLE" class="failed">&#34;orders&#34; is not schema-qualified`,
		`id="name-error" class="failed">`, `value="Orders!"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q:\n%s", want, page)
		}
	}
	if names := in.syncJobNames(t); len(names) != 0 {
		t.Fatalf("a refused sync job was stored: %v", names)
	}

	res = ts.postForm(t, alice, "/admin/sheets", sheetValues("name", "orders", "SHEETS_SPREADSHEET_ID", "1AbC", "SHEETS_TABLE", "public.orders",
		"SHEETS_MODE", "replace", "SHEETS_JOB", "default", "SHEETS_SCHEDULE", "0 6 * * *"))
	if body(t, res); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/sheets/orders?done=added" {
		t.Fatalf("add: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// A second sync job may not write the same tab.
	res = ts.postForm(t, alice, "/admin/sheets", sheetValues("name", "orders2", "SHEETS_SPREADSHEET_ID", "1AbC", "SHEETS_TABLE", "public.orders"))
	if page := body(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="e-SHEETS_SHEET" class="failed">sync job orders writes the tab`) {
		t.Errorf("a second sync of one tab: %d\n%s", res.StatusCode, page)
	}
	if page := body(t, ts.get(t, alice, "/admin/sheets/orders?done=added")); !strings.Contains(page, "Added sync job orders.") ||
		!strings.Contains(page, `value="public.orders"`) || !strings.Contains(page, `action="/admin/sheets/orders/sync"`) {
		t.Errorf("the new sync job's page:\n%s", page)
	}

	// Edit: append without a key is refused and nothing changes; with one
	// it is saved.
	res = ts.postForm(t, alice, "/admin/sheets/orders", sheetValues("SHEETS_SPREADSHEET_ID", "1AbC", "SHEETS_TABLE", "public.orders", "SHEETS_MODE", "append"))
	if page := body(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "append needs a key column") {
		t.Errorf("edit to append without a key: %d", res.StatusCode)
	}
	res = ts.postForm(t, alice, "/admin/sheets/orders", sheetValues("SHEETS_SPREADSHEET_ID", "1AbC", "SHEETS_TABLE", "public.orders",
		"SHEETS_MODE", "append", "SHEETS_KEY", "id"))
	if body(t, res); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	sj, err := in.app.LoadSyncJob(context.Background(), "orders")
	if err != nil || sj.Mode != "append" || sj.Key != "id" || sj.Schedule != "" {
		t.Errorf("after the edit: %+v, %v (a field emptied is unset)", sj, err)
	}
	if res := ts.postForm(t, alice, "/admin/sheets/nosuch", sheetValues("SHEETS_TABLE", "public.x")); res.StatusCode != http.StatusNotFound {
		t.Errorf("edit of a sync job that does not exist: %d", res.StatusCode)
	}

	// The list sorts, filters and searches.
	ts.postForm(t, alice, "/admin/sheets", sheetValues("name", "items", "SHEETS_SPREADSHEET_ID", "1XyZ", "SHEETS_TABLE", "public.items"))
	for query, want := range map[string]string{"": "items,orders", "sort=name&desc=1": "orders,items", "filter=append": "orders",
		"filter=replace": "items", "q=1xyz": "items", "q=nothing": ""} {
		page := body(t, ts.get(t, alice, "/admin/sheets?"+query))
		var got []string
		for _, m := range regexp.MustCompile(`<td data-label="Sync job"><a href="/admin/sheets/([a-z0-9_-]+)">`).FindAllStringSubmatch(page, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, ",") != want {
			t.Errorf("?%s lists %v, want %s", query, got, want)
		}
	}

	res = ts.postForm(t, alice, "/admin/sheets/items/remove", nil)
	if body(t, res); res.Header.Get("Location") != "/admin/sheets?done=removed" {
		t.Errorf("remove: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if names := in.syncJobNames(t); strings.Join(names, ",") != "orders" {
		t.Errorf("after removing items: %v", names)
	}
	entries, _, err := ts.store.AuditLog(context.Background(), state.AuditQuery{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "sheets.") {
			actions = append(actions, e.Action+" "+e.User+" "+e.Detail)
		}
	}
	audit := strings.Join(actions, "\n")
	for _, want := range []string{"sheets.add alice orders: SHEETS_JOB, SHEETS_MODE, SHEETS_SCHEDULE, SHEETS_SPREADSHEET_ID, SHEETS_TABLE",
		"sheets.edit alice orders: SHEETS_MODE, SHEETS_KEY, SHEETS_SCHEDULE, SHEETS_JOB", "sheets.remove alice items"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %q:\n%s", want, audit)
		}
	}
}

// TestSyncNowSyncsShowsProgressAndNeverStartsTwice: Sync now writes the
// tab through the manager, a second press while it goes on shows it, the
// progress says rows and requests, and the run is in the history.
func TestSyncNowSyncsShowsProgressAndNeverStartsTwice(t *testing.T) {
	db := pgtest.NewDatabase(t, `CREATE TABLE items AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 1200) g;`)
	fake, srv := googlefake.NewTestServer(t)
	token := filepath.Join(t.TempDir(), "token.json")
	if err := os.WriteFile(token, fake.AuthorizedUserJSON(srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	id := fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	in := newInstallation(t, map[string]string{"DATABASE_URL": db, "GOOGLE_TOKEN_FILE": token, "GOOGLE_API_ENDPOINT": srv.URL + "/",
		"SHEETS_WRITES_PER_MINUTE": "6000"})
	if err := in.app.SaveSyncJob(context.Background(), "items", map[string]string{"SHEETS_SPREADSHEET_ID": id, "SHEETS_TABLE": "public.items"}, app.AddJob); err != nil {
		t.Fatal(err)
	}
	m := in.withManager(t)
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	if page := body(t, ts.get(t, alice, "/admin/sheets/items/live")); !strings.Contains(page, "This server has not synced items since it started") {
		t.Errorf("before any sync:\n%s", page)
	}

	fake.SetLatency(googlefake.KindSheetsWrite, 300*time.Millisecond)
	res := ts.postForm(t, alice, "/admin/sheets/items/sync", nil)
	if body(t, res); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/sheets/items/live" {
		t.Fatalf("sync now: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res = ts.postForm(t, alice, "/admin/sheets/items/sync", nil)
	if body(t, res); res.Header.Get("Location") != "/admin/sheets/items/live?already=1" {
		t.Errorf("a second press while it syncs: %s, want the sync going on shown", res.Header.Get("Location"))
	}
	if page := body(t, ts.get(t, alice, "/admin/sheets/items/live?already=1")); !strings.Contains(page, "no second one was started") ||
		!strings.Contains(page, `hx-get="/admin/sheets/items/progress"`) || !strings.Contains(page, "Sync of items going on") {
		t.Errorf("the sync going on:\n%s", page)
	}
	o, err := m.WaitSync(context.Background(), "items")
	if err != nil || o == nil || !o.OK() {
		t.Fatalf("the sync: %+v %v", o, err)
	}
	if v, _ := fake.Values(id, "items"); len(v) != 1201 {
		t.Errorf("the tab holds %d rows, want the header and 1,200", len(v))
	}
	frag := body(t, ts.get(t, alice, "/admin/sheets/items/progress"))
	for _, want := range []string{"Last sync of items in this server", `<span class="ok">ok</span>`, "started by alice", "1,200",
		"write request", `href="/runs/`} {
		if !strings.Contains(frag, want) {
			t.Errorf("the progress when over lacks %q:\n%s", want, frag)
		}
	}
	if strings.Contains(frag, "hx-get") {
		t.Error("the progress polls on after the sync is over")
	}
	runs, total, err := ts.store.QueryRuns(context.Background(), state.RunQuery{Kind: state.KindSheets})
	if err != nil || total != 1 || runs[0].Job != "items" || runs[0].Status != state.StatusOK {
		t.Errorf("history: %+v %d %v", runs, total, err)
	}
	if list := body(t, ts.get(t, alice, "/admin/sheets")); !strings.Contains(list, `<span class="ok">ok</span>`) {
		t.Errorf("the list does not show the last sync:\n%s", list)
	}
	if res := ts.postForm(t, alice, "/admin/sheets/nosuch/sync", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("sync now of a sync job that does not exist: %d", res.StatusCode)
	}
}

// TestTheEnvsSyncJobIsShownAndSyncedHereAndChangedInTheEnv: the sync job
// default (SHEETS_* in .env) is listed with its settings, but has no form
// to change it and cannot be removed here.
func TestTheEnvsSyncJobIsShownAndSyncedHereAndChangedInTheEnv(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app",
		"SHEETS_SPREADSHEET_ID": "1EnvSheet", "SHEETS_TABLES": "public.orders,public.items"})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	list := body(t, ts.get(t, alice, "/admin/sheets"))
	if !strings.Contains(list, `href="/admin/sheets/default">default</a> <small>(the .env file)</small>`) || !strings.Contains(list, "orders, items") {
		t.Errorf("the list:\n%s", list)
	}
	page := body(t, ts.get(t, alice, "/admin/sheets/default"))
	if !strings.Contains(page, "it is changed there") || !strings.Contains(page, "<code>public.orders, public.items</code>") ||
		strings.Contains(page, `<form method="post" action="/admin/sheets/default">`) || !strings.Contains(page, `action="/admin/sheets/default/sync"`) {
		t.Errorf("the .env's sync job's page:\n%s", page)
	}
	for _, path := range []string{"/admin/sheets/default", "/admin/sheets/default/remove"} {
		if res := ts.postForm(t, alice, path, sheetValues("SHEETS_TABLE", "public.x")); res.StatusCode == http.StatusSeeOther || res.StatusCode < 400 {
			t.Errorf("POST %s: %d, want it refused", path, res.StatusCode)
		}
	}
	if names := in.syncJobNames(t); strings.Join(names, ",") != "default" {
		t.Errorf("sync jobs now: %v", names)
	}
}
