package main

import (
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestCheckSheetsSyncJobs: with sync jobs, `dbbackup check` says whether
// the Sheets API answers, each spreadsheet is editable by the token's
// account (a viewer's names the account), and each source exists, one
// line each, with what to do; the Sheets API not enabled is told to be
// enabled in the project Google names.
func TestCheckSheetsSyncJobs(t *testing.T) {
	g, id := sheetsEnv(t, pgtest.NewDatabase(t, ordersSQL))
	viewer := g.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{ReadOnly: true})
	env := g.with("SHEETS_SPREADSHEET_ID", id, "SHEETS_TABLES", "public.orders,public.nosuch")
	if res := runCLI(t, env, "sheets", "add", "viewed", "--spreadsheet", viewer, "--query", "SELECT total FROM orders", "--sheet", "Totals"); res.code != 0 {
		t.Fatalf("add: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res := runCLI(t, env, "check")
	if res.code == 0 {
		t.Fatalf("a spreadsheet the account may only view passed:\n%s", res.stdout)
	}
	for _, want := range []string{
		"OK    Google Sheets API: enabled",
		`OK    sheets default spreadsheet: "Reports" (1 tab) is editable by the Google account `,
		"OK    sheets default source of tab orders: public.orders: 2 columns",
		"FAIL  sheets default source of tab nosuch: ",
		"FAIL  sheets viewed spreadsheet: check spreadsheet " + viewer + ": permission is missing: the Google account ",
		"may not edit spreadsheet " + viewer, "Try: share the spreadsheet with that account as an Editor",
		"OK    sheets viewed source of tab Totals: SELECT total FROM orders: 1 columns",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
	if n := g.fake.Calls(googlefake.KindSheetsWrite); n != 0 {
		t.Errorf("check sent %d write requests", n)
	}

	g.fake.FailNext(googlefake.KindSheetsGet, 10, googlefake.SheetsServiceDisabled())
	res = runCLI(t, env, "check")
	for _, want := range []string{"FAIL  Google Sheets API: open spreadsheet " + id + ": Google Sheets API is not enabled in the Google Cloud project 1234567890 of the OAuth client (Google answered 403 SERVICE_DISABLED)\n", "Try: enable Google Sheets API in Google Cloud project 1234567890",
		"https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=1234567890"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("API disabled: output lacks %q:\n%s", want, res.stdout)
		}
	}
	if strings.Contains(res.stdout, "share the spreadsheet") && !strings.Contains(res.stdout, "sheets viewed") {
		t.Errorf("API disabled: told to share:\n%s", res.stdout)
	}
}
