package sheets

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

// TestASpreadsheetTheAccountCannotEdit: the message says that permission
// is missing and whose account it is, and the spreadsheet is unchanged.
func TestASpreadsheetTheAccountCannotEdit(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	for _, tc := range []struct {
		spec googlefake.SpreadsheetSpec
		may  string
	}{
		{googlefake.SpreadsheetSpec{ReadOnly: true, Tabs: []googlefake.TabSpec{{Title: "genre", Values: [][]any{{"old"}}}}}, "may not edit"},
		{googlefake.SpreadsheetSpec{Hidden: true}, "may not open"},
	} {
		id := e.fake.AddSpreadsheet(tc.spec)
		_, err := e.syncer.Sync(context.Background(), Job{Database: db, Table: "public.genre", SpreadsheetID: id})
		var he *dbbackup.HintError
		if !errors.As(err, &he) || !strings.Contains(err.Error(), "permission is missing: the Google account "+account+" "+tc.may+" spreadsheet "+id) ||
			!strings.Contains(he.Hint, "Editor") {
			t.Fatalf("got %v", err)
		}
		before := tc.spec.Tabs
		ss, _ := e.fake.Spreadsheet(id)
		if len(before) > 0 && (len(ss.Tabs) != 1 || !reflect.DeepEqual(e.values(t, id, "genre"), before[0].Values)) {
			t.Fatalf("the spreadsheet changed: %+v", ss.Tabs)
		}
	}
}

// TestTheSheetsAPINotEnabled: Google's 403 SERVICE_DISABLED is not a
// permission the account lacks: the hint says to enable the API in the
// project Google names, at the page Google gives, and nothing is written.
func TestTheSheetsAPINotEnabled(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	e.fake.FailNext(googlefake.KindSheetsGet, 1, googlefake.SheetsServiceDisabled())
	_, err := e.syncer.Sync(context.Background(), Job{Database: db, Table: "public.genre", SpreadsheetID: id})
	var he *dbbackup.HintError
	if !errors.As(err, &he) || strings.Contains(err.Error(), "permission is missing") || strings.Contains(he.Hint, "share") ||
		!strings.Contains(he.Hint, "enable Google Sheets API in Google Cloud project 1234567890") ||
		!strings.Contains(he.Hint, "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=1234567890") {
		t.Fatalf("got %v", err)
	}
	if n := e.fake.Calls(googlefake.KindSheetsWrite); n != 0 {
		t.Fatalf("%d write requests", n)
	}
}

// TestATokenWithoutTheScope is told to authorize again.
func TestATokenWithoutTheScope(t *testing.T) {
	e := newEnv(t)
	e.fake.AddRefreshToken(googlefake.DefaultClientID, googlefake.DefaultRefreshToken, googlefake.ScopeDriveReadonly)
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	_, err := e.syncer.Sync(context.Background(), Job{Database: db, Table: "public.genre", SpreadsheetID: id})
	var he *dbbackup.HintError
	if !errors.As(err, &he) || !strings.Contains(he.Hint, "dbbackup token") || !strings.Contains(he.Hint, "GOOGLE_SCOPES") {
		t.Fatalf("got %v", err)
	}
}

// TestTheCellLimitIsCheckedBeforeWriting: a sync that would take the
// spreadsheet over 10 million cells, its other tabs counted, is refused
// with a message that names the limit, before any write request.
func TestTheCellLimitIsCheckedBeforeWriting(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	for _, tc := range []struct {
		name string
		tabs []googlefake.TabSpec
		want string
	}{
		{"other tabs", []googlefake.TabSpec{{Title: "Big", Rows: 999_900, Columns: 10}}, "the new tab needs 3,717 cells (412 rows and the header × 9 columns)"},
		// 7,000,000 + 2,998,000 cells now; the new tab needs 3,717 while the old one is still there.
		{"the old tab until the swap", []googlefake.TabSpec{{Title: "invoice", Rows: 700_000, Columns: 10}, {Title: "Other", Rows: 299_800, Columns: 10}},
			`while tab "invoice" keeps its 7,000,000 cells`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Tabs: tc.tabs})
			before := e.fake.Calls(googlefake.KindSheetsWrite)
			_, err := e.syncer.Sync(context.Background(), Job{Database: db, Table: "public.invoice", SpreadsheetID: id})
			if err == nil || !strings.Contains(err.Error(), "over Google's limit of 10,000,000 cells per spreadsheet") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v", err)
			}
			if n := e.fake.Calls(googlefake.KindSheetsWrite) - before; n != 0 {
				t.Fatalf("%d write requests before the refusal", n)
			}
		})
	}
}

// TestLongTextIsCutAndReported: a cell takes 50,000 characters; longer
// texts are cut there, never in the middle of a character, and the
// result says which columns lost text.
func TestLongTextIsCutAndReported(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	res := e.sync(t, Job{Database: db, SpreadsheetID: id, Sheet: "Long",
		Query: "SELECT repeat('é', 60000) AS accents, repeat('🙂', 30000) AS emoji, repeat('x', 50000) AS exact FROM generate_series(1, 2)"})
	row := e.values(t, id, "Long")[2]
	for i, want := range []int{50000, 25000, 50000} {
		s, _ := row[i].(string)
		if n := utf8.RuneCountInString(s); n != want || !utf8.ValidString(s) {
			t.Errorf("column %d: %d characters, want %d", i, n, want)
		}
	}
	if want := []CutColumn{{"accents", 2}, {"emoji", 2}}; !reflect.DeepEqual(res.Cut, want) {
		t.Errorf("cut %+v, want %+v", res.Cut, want)
	}
}
