package email

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

const exampleSheet = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

func exampleSync() *dbbackup.SyncOutcome {
	return &dbbackup.SyncOutcome{Job: "orders", BackupJob: "shop", Database: "shop", Spreadsheet: exampleSheet,
		Started: exampleStart, Finished: exampleStart.Add(3 * time.Second),
		Tabs: []dbbackup.SyncTab{{Source: "public.invoice", Sheet: "Invoices <all>", Mode: "append", Key: "invoice_id",
			URL:  "https://docs.google.com/spreadsheets/d/" + exampleSheet + "/edit#gid=42",
			Rows: 1204, SheetRows: 5210, Requests: 3, Retries: 2, Cut: []dbbackup.CutCells{{Column: "notes", Cells: 7}}}},
	}
}

func TestSyncReportSaysWhatWasSyncedWhere(t *testing.T) {
	o := exampleSync()
	subject, text, html, err := RenderSync(o)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "[dbbackup] Sheets sync OK orders — 1,204 rows" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"Read from:    shop (job shop)", "Spreadsheet:  " + exampleSheet, "Rows written: 1,204",
		"Requests:     3 write requests, 2 retried calls", "TAB Invoices <all>", "Source:     public.invoice", "Mode:       append by invoice_id",
		"Rows:       1,204 written, 5,210 in the tab", "texts cut to 50,000 characters in notes (7 cells)", "Link:       " + o.Tabs[0].URL,
		"it is not a backup"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, `<a href="`+o.Tabs[0].URL+`"`) || !strings.Contains(html, "Invoices &lt;all&gt;") || strings.Contains(html, "<all>") {
		t.Errorf("HTML: the tab's link or escaping is wrong:\n%s", html)
	}
}

func TestSyncReportOfAFailureSaysWhatToDo(t *testing.T) {
	o := exampleSync()
	cause := errors.New("write tab \"Invoices\": permission is missing: the Google account analyst@example.com may not edit spreadsheet " + exampleSheet)
	o.Tabs[0].Err, o.Tabs[0].Rows = cause, 0
	o.Err = dbbackup.WithHint(cause, "share the spreadsheet with that account as an Editor")
	subject, text, _, err := RenderSync(o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "[dbbackup] Sheets sync FAILED orders — 0 rows: write tab") {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"The sync failed.", "analyst@example.com may not edit", "What to do:\nshare the spreadsheet", "FAILED:     write tab"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q:\n%s", want, text)
		}
	}
	n, err := New(Config{To: []string{"a@example.com"}, On: OnFailure}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !n.WantsSync(o) || n.WantsSync(exampleSync()) {
		t.Error("EMAIL_ON=failure: a failed sync must be reported, a good one not")
	}
}
