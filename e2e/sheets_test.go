package e2e

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

// syncSheet keeps the table notes of the job second in a spreadsheet of
// (the fake) Google, as an admin sets it up in the browser: Admin →
// Sheets, a new sync job (with a table not schema-qualified first, which
// the form refuses beside the Table field), Sync now, its progress to the
// end, and the sync run's page with the rows sent and read back. The tab
// must then hold the header and exactly the table's rows. Google must be
// connected.
func (j *journey) syncSheet(dbURL string) {
	j.t.Helper()
	j.t.Log("sync a table to Google Sheets")
	id := j.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Title: "Notes"})
	// Slow writes, so that the sync is still going on when its progress
	// opens and can be watched.
	j.fake.SetLatency(googlefake.KindSheetsWrite, 500*time.Millisecond)
	defer j.fake.SetLatency(googlefake.KindSheetsWrite, 0)

	j.open("/admin")
	j.b.do("open Admin → Sheets", chromedp.Click(chromedp.CSS(`main a[href="/admin/sheets"]`)))
	j.b.waitFor("the sync jobs", `location.pathname === "/admin/sheets" && document.readyState === "complete"`, 10*time.Second)
	j.b.do("press Add a sync job", chromedp.Click(chromedp.CSS(`main a[href="/admin/sheets/new"]`)))
	j.b.waitFor("the new sync job's form", `location.pathname === "/admin/sheets/new" && document.getElementById("f-SHEETS_TABLE") !== null`, 10*time.Second)
	j.b.do("fill in the sync job, the table without its schema",
		chromedp.SendKeys(chromedp.ID("name"), "notes"),
		chromedp.SendKeys(chromedp.ID("f-SHEETS_SPREADSHEET_ID"), id),
		chromedp.SendKeys(chromedp.ID("f-SHEETS_TABLE"), "notes"),
		chromedp.SetValue(chromedp.ID("f-SHEETS_JOB"), "second"),
		chromedp.Submit(chromedp.ID("name")))
	j.b.waitFor("the form refused", `document.getElementById("e-SHEETS_TABLE") !== null`, 10*time.Second)
	if said := j.b.text("#e-SHEETS_TABLE"); !strings.Contains(said, "not schema-qualified") || !strings.Contains(said, "public.notes") {
		j.t.Errorf("beside the Table field: %q, want it to say the table is not schema-qualified and how to write it", said)
	}
	marked, err := chromedp.Run(j.b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[aria-invalid="true"]')].map(e => e.id)`))
	if err != nil || !slices.Equal(marked, []string{"f-SHEETS_TABLE"}) {
		j.t.Errorf("the fields marked invalid: %v %v, want the Table's alone", marked, err)
	}
	j.b.do("write the table as schema.table and add the sync job",
		chromedp.SetValue(chromedp.ID("f-SHEETS_TABLE"), "public.notes"),
		chromedp.Submit(chromedp.ID("name")))
	j.b.waitFor("the sync job's page", `location.pathname === "/admin/sheets/notes" && document.querySelector('[role="status"]') !== null`, 20*time.Second)
	if said := j.b.text(`[role="status"]`); !strings.Contains(said, "Added sync job notes.") {
		j.t.Errorf("the sync job's page after adding it says %q", said)
	}

	j.b.do("press Sync notes now", chromedp.Click(chromedp.CSS(`form[action$="/admin/sheets/notes/sync"] button`)))
	j.b.waitFor("the sync's progress", `location.pathname === "/admin/sheets/notes/live" && document.querySelector("section.progress[hx-get]") !== null`, 10*time.Second)
	j.b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.journeyMark = true`))
	j.b.waitFor("the sync's end", `document.querySelector("section.progress:not([hx-get])") !== null`, 60*time.Second)
	if status := j.b.text(`section.progress [role="status"]`); !strings.HasPrefix(status, "ok") {
		j.t.Fatalf("the sync did not end ok: %q\n%s", status, j.b.text("section.progress"))
	}
	j.b.waitFor("the page to have stayed (htmx swapped the progress in)", `window.journeyMark === true`, time.Second)
	j.b.do("open the run's page", chromedp.Click(chromedp.CSS(`section.progress a[href^="/runs/"]`)))
	j.b.waitFor("the sync run's page", `/^\/runs\/\d+$/.test(location.pathname) && document.querySelector('section[aria-labelledby="sheets"]') !== null`, 10*time.Second)
	j.b.screenshot("sheets-run")
	tabs, err := chromedp.Run(j.b.ctx, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll('section[aria-labelledby="sheets"] tbody tr')].map(tr => [...tr.cells].map(c => c.textContent.trim()))`))
	if err != nil {
		j.t.Fatal(err)
	}
	if len(tabs) != 1 || len(tabs[0]) < 5 || tabs[0][0] != "notes" || tabs[0][3] != "42" || tabs[0][4] != "42" {
		j.t.Errorf("the sync run's tabs: %q, want notes with 42 rows sent and 42 in the sheet", tabs)
	}

	j.open("/admin/sheets")
	if list := j.b.text("main"); !strings.Contains(list, "notes") || !strings.Contains(list, id) {
		j.t.Errorf("the sync jobs list does not show notes to %s:\n%s", id, list)
	}
	j.b.screenshot("admin-sheets")

	got, ok := j.fake.Values(id, "notes")
	if !ok {
		j.t.Fatalf("the spreadsheet has no tab notes")
	}
	want := [][]string{{"id", "body"}}
	want = append(want, queryRows(j.t, dbURL, "SELECT id, body FROM notes ORDER BY id")...)
	if have := cellTexts(got); !slices.EqualFunc(have, want, slices.Equal) {
		j.t.Errorf("the tab notes holds\n%q\nwant the header and the table's rows\n%q", have, want)
	}

	// The refused form came back as 400 Bad Request, which the browser's
	// console reports; any other error is the pages'.
	refused := 0
	for _, e := range j.b.consoleErrors() {
		if strings.Contains(e, "status of 400") && strings.HasSuffix(e, "/admin/sheets)") {
			refused++
			continue
		}
		j.t.Errorf("the pages reported an error in the browser's console: %s", e)
	}
	if refused != 1 {
		j.t.Errorf("the refused form was answered %d times with 400 Bad Request, want once", refused)
	}
}

// cellTexts is a tab's cells as text, as a person reads them.
func cellTexts(values [][]any) [][]string {
	out := make([][]string, len(values))
	for i, row := range values {
		for _, c := range row {
			out[i] = append(out[i], fmt.Sprint(c))
		}
	}
	return out
}
