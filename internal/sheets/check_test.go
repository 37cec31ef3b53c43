package sheets

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

// TestReach: a spreadsheet the account may edit is reached; one it may
// only view says whose account lacks edit permission; one not shared,
// and the Sheets API not enabled, fail as a sync would; nothing is
// written.
func TestReach(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mine := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Title: "Reports"})
	if a, err := e.syncer.Reach(ctx, mine); err != nil || a.Title != "Reports" || a.Tabs != 1 || a.EditUnknown {
		t.Fatalf("got %+v, %v", a, err)
	}
	viewer := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{ReadOnly: true})
	_, err := e.syncer.Reach(ctx, viewer)
	var he *dbbackup.HintError
	if !errors.As(err, &he) || !strings.Contains(err.Error(), "permission is missing: the Google account "+account+" may not edit spreadsheet "+viewer) ||
		!strings.Contains(he.Hint, "Editor") {
		t.Fatalf("a viewer: %v", err)
	}
	hidden := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Hidden: true})
	if _, err := e.syncer.Reach(ctx, hidden); err == nil || !strings.Contains(err.Error(), "may not open") {
		t.Fatalf("not shared: %v", err)
	}
	e.fake.FailNext(googlefake.KindSheetsGet, 1, googlefake.SheetsServiceDisabled())
	if _, err := e.syncer.Reach(ctx, mine); !errors.As(err, &he) || !strings.Contains(he.Hint, "enable Google Sheets API") {
		t.Fatalf("API disabled: %v", err)
	}
	if n := e.fake.Calls(googlefake.KindSheetsWrite); n != 0 {
		t.Fatalf("%d writes", n)
	}
}

// TestCheckSource: a table that exists and a query that reads pass with
// their columns; a missing table, a query that does not parse and one
// that writes fail with the sync's own messages.
func TestCheckSource(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	ctx := context.Background()
	job := Job{Database: db, SpreadsheetID: "x"}
	ok := []Job{job, job}
	ok[0].Table, ok[1].Query, ok[1].Sheet = "public.genre", "SELECT name FROM genre", "g"
	for i, want := range []int{2, 1} {
		if n, err := e.syncer.CheckSource(ctx, ok[i]); err != nil || n != want {
			t.Fatalf("%+v: %d, %v", ok[i], n, err)
		}
	}
	for _, tc := range []struct{ table, query, want string }{
		{"public.genres", "", "genre"},
		{"", "SELEC name FROM genre", "syntax error"},
		{"", "WITH d AS (DELETE FROM genre RETURNING *) SELECT * FROM d", "writes to the database"},
	} {
		j := job
		j.Table, j.Query, j.Sheet = tc.table, tc.query, "g"
		if _, err := e.syncer.CheckSource(ctx, j); err == nil || !strings.Contains(err.Error()+dbbackup.Explain(err).Hint, tc.want) {
			t.Errorf("%s%s: %v", tc.table, tc.query, err)
		}
	}
}
