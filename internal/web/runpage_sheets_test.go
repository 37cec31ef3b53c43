package web

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

// recordSync records a finished sync run of job.
func recordSync(t *testing.T, store *state.Store, o *dbbackup.SyncOutcome) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := store.BeginSync(ctx, o.Job, o.Started)
	if err == nil {
		err = store.FinishSync(ctx, id, o)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func syncOutcome(job string, started time.Time, rows, sheetRows int64) *dbbackup.SyncOutcome {
	return &dbbackup.SyncOutcome{Job: job, BackupJob: "default", Database: "shop", Spreadsheet: "1SheetAbc",
		Started: started, Finished: started.Add(10 * time.Second),
		Tabs: []dbbackup.SyncTab{{Source: "public.orders", Sheet: "orders", URL: "https://docs.google.com/spreadsheets/d/1SheetAbc/edit#gid=7",
			Mode: "replace", Rows: rows, SheetRows: sheetRows, Requests: 4, Retries: 1,
			Cut: []dbbackup.CutCells{{Column: "notes", Cells: 2}}}}}
}

func TestTheRunsListTellsSyncsFromBackupsAndFiltersByKind(t *testing.T) {
	ts := newTestServer(t, Options{})
	start := ts.now().Add(-5 * time.Hour)
	backups := record(t, ts.store, pastRun{job: "default", started: start, took: time.Minute, database: "shop",
		tables: map[string]int64{"public.orders": 10}})
	sync := recordSync(t, ts.store, syncOutcome("default", start.Add(time.Hour), 1234, 1234))
	bob := ts.signedIn(t, "bob")

	page := body(t, ts.get(t, bob, "/runs"))
	for _, want := range []string{`<td data-label="Kind">Sheets</td>`, `<td data-label="Kind">backup</td>`, "tabs orders", "1,234 rows",
		`<option value="sheets">Sheets sync</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the list lacks %q:\n%s", want, page)
		}
	}
	for query, want := range map[string]int64{"kind=sheets": sync, "kind=backup": backups[0], "kind=sheets&job=default": sync, "job=default": backups[0]} {
		got := listed(t, body(t, ts.get(t, bob, "/runs?"+query)))
		if len(got) != 1 || got[0] != strconv.FormatInt(want, 10) {
			t.Errorf("%s: %v, want [%d]", query, got, want)
		}
	}
	if page := body(t, ts.get(t, bob, "/runs?kind=sheets")); !strings.Contains(page, `<option value="sheets" selected>`) {
		t.Error("the kind filter does not show the kind chosen")
	}
	if res := ts.get(t, bob, "/runs?kind=restore"); res.StatusCode != 400 {
		t.Errorf("an unknown kind: %d, want 400", res.StatusCode)
	}
}

func TestASyncRunsPageShowsWhatItSyncedAndComparesWithSyncsOnly(t *testing.T) {
	ts := newTestServer(t, Options{})
	start := ts.now().Add(-5 * time.Hour)
	first := recordSync(t, ts.store, syncOutcome("default", start, 1000, 1000))
	// A backup of a job of the same name between them: never compared
	// with a sync.
	backup := record(t, ts.store, pastRun{job: "default", started: start.Add(time.Hour), took: time.Minute, database: "shop",
		tables: map[string]int64{"public.orders": 10}})
	o := syncOutcome("default", start.Add(2*time.Hour), 1100, 1100)
	o.Tabs = append(o.Tabs, dbbackup.SyncTab{Source: "public.items", Sheet: "items", Mode: "append", Key: "id", Rows: 5, SheetRows: 50, Requests: 1})
	id := recordSync(t, ts.store, o)
	bob := ts.signedIn(t, "bob")

	page := body(t, ts.get(t, bob, "/runs/"+strconv.FormatInt(id, 10)))
	for _, want := range []string{
		"Google Sheets sync", `href="https://docs.google.com/spreadsheets/d/1SheetAbc/edit" rel="noreferrer">1SheetAbc`,
		"5 write requests, 1 retry", "Tabs synced", `href="https://docs.google.com/spreadsheets/d/1SheetAbc/edit#gid=7"`,
		`<td data-label="Rows sent" class="num">1,100</td>`, `<td data-label="Change" class="num">&#43;100 (&#43;10.0%)`,
		"append by <code>id</code>", `<td data-label="Rows sent" class="num">5</td>`, `<td data-label="Rows in the sheet" class="num">50</td>`,
		"notes: 2 cells", `href="/runs/` + strconv.FormatInt(first, 10) + `">run`, "the previous good sync",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, wrong := range []string{`href="/runs/` + strconv.FormatInt(backup[0], 10) + `"`, "Retention", "No file was kept", "<h2 id=\"tables\">"} {
		if strings.Contains(page, wrong) {
			t.Errorf("a sync's page shows %q, a backup's", wrong)
		}
	}
	if t.Failed() {
		t.Log(page)
	}

	// A failed sync says which tab and why; a replace whose sheet holds
	// other than the rows sent is shown.
	bad := syncOutcome("default", start.Add(3*time.Hour), 900, 899)
	bad.Tabs = append(bad.Tabs, dbbackup.SyncTab{Source: "public.items", Sheet: "items", Mode: "replace", Err: errors.New("quota exhausted after 5 tries")})
	bad.Err = bad.Tabs[1].Err
	page = body(t, ts.get(t, bob, "/runs/"+strconv.FormatInt(recordSync(t, ts.store, bad), 10)))
	for _, want := range []string{"The sync failed", "quota exhausted after 5 tries", "899 (not the rows sent)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the failed sync's page lacks %q", want)
		}
	}
	// A backup's page still compares with backups only.
	page = body(t, ts.get(t, bob, "/runs/"+strconv.FormatInt(backup[0], 10)))
	if strings.Contains(page, `href="/runs/`+strconv.FormatInt(first, 10)+`"`) || strings.Contains(page, "Tabs synced") {
		t.Error("a backup's page compares with a sync or shows tabs")
	}
}
