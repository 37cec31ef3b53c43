package sheets

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/googlefake"
)

// TestReplaceSwapsTheTab: a replace of a Chinook table puts typed rows in
// a new tab that takes the old one's title and place in one batchUpdate;
// while it writes, a reader still sees the old rows; none of them survive.
func TestReplaceSwapsTheTab(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Now = func() time.Time { return time.Date(2026, 2, 10, 5, 0, 0, 0, time.FixedZone("MSK", 3*3600)) }
	})
	db := chinook(t)
	stale := make([][]any, 600)
	for i := range stale {
		stale[i] = []any{"stale", i}
	}
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Tabs: []googlefake.TabSpec{
		{Title: "Summary"}, {Title: "Invoice", Values: stale}, {Title: "Notes"}}})
	oldID := e.tab(t, id, "Invoice").SheetID

	seenDuring := 0
	res := e.sync(t, Job{Database: db, Table: "public.invoice", Sheet: "Invoice", SpreadsheetID: id, Progress: func(p Progress) {
		if p.Stage == "write" {
			seenDuring = len(e.values(t, id, "Invoice"))
		}
	}})
	if seenDuring != len(stale) {
		t.Errorf("while the new tab was written, a reader saw %d rows of the old one, not all %d", seenDuring, len(stale))
	}

	ss, _ := e.fake.Spreadsheet(id)
	var titles []string
	for _, tb := range ss.Tabs {
		titles = append(titles, tb.Title)
	}
	if !slices.Equal(titles, []string{"Summary", "Invoice", "Notes"}) {
		t.Fatalf("tabs %q: the new tab must take the old one's place, and no other tab may be left", titles)
	}
	tab := e.tab(t, id, "Invoice")
	if tab.SheetID == oldID || tab.Rows != 413 || tab.Columns != 9 || tab.FrozenRows != 1 {
		t.Errorf("tab %+v: want a new tab of 413 × 9 with a frozen header", tab)
	}
	v := e.values(t, id, "Invoice")
	if len(v) != 413 {
		t.Fatalf("%d rows, want the header and 412", len(v))
	}
	header := []any{"invoice_id", "customer_id", "invoice_date", "billing_address", "billing_city", "billing_state",
		"billing_country", "billing_postal_code", "total"}
	first := []any{1.0, 2.0, 44197.0, "Theodor-Heuss-Straße 34", "Stuttgart", nil, "Germany", "70174", 1.98} // 2021-01-01
	if !reflect.DeepEqual(v[0], header) || !reflect.DeepEqual(v[1], first) {
		t.Errorf("rows\n%#v\n%#v", v[0], v[1])
	}
	if v[412][0] != 412.0 {
		t.Errorf("last row %v: rows must come in primary-key order", v[412])
	}
	if f := e.fake.CellFormat(id, "Invoice", 0, 4); !reflect.DeepEqual(f, map[string]any{"textFormat": map[string]any{"bold": true}}) {
		t.Errorf("header format %v", f)
	}
	wantDate := map[string]any{"numberFormat": map[string]any{"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}}
	if f := e.fake.CellFormat(id, "Invoice", 412, 2); !reflect.DeepEqual(f, wantDate) {
		t.Errorf("date format %v", f)
	}
	note := `{"tool":"dbbackup","synced_at":"2026-02-10T02:00:00Z","source":"public.invoice","mode":"replace","rows":412,"added":412}`
	if len(tab.Metadata) != 1 || tab.Metadata[0].Key != metaSync || tab.Metadata[0].Value != note || tab.Metadata[0].Visibility != "DOCUMENT" {
		t.Errorf("the sync note in the tab's metadata: %+v", tab.Metadata)
	}
	if res.Rows != 412 || res.SheetRows != 412 || res.Requests != 3 || e.fake.Calls(googlefake.KindSheetsWrite) != 3 {
		t.Errorf("result %+v, %d writes: want 412 rows in 3 writes (add the tab, the rows, swap)", res, e.fake.Calls(googlefake.KindSheetsWrite))
	}

	exec(t, db, "DELETE FROM invoice_line WHERE invoice_id > 400", "DELETE FROM invoice WHERE invoice_id > 400")
	res = e.sync(t, Job{Database: db, Table: "public.invoice", Sheet: "Invoice", SpreadsheetID: id})
	if v := e.values(t, id, "Invoice"); len(v) != 401 || res.SheetRows != 400 || e.tab(t, id, "Invoice").Index != 1 {
		t.Errorf("after a second replace: %d rows, result %+v", len(v), res)
	}
}

// TestReplaceWithANewTab: a tab that does not exist yet is added at the
// end under the table's name.
func TestReplaceWithANewTab(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	res := e.sync(t, Job{Database: db, Table: "public.genre", SpreadsheetID: id})
	ss, _ := e.fake.Spreadsheet(id)
	if len(ss.Tabs) != 2 || ss.Tabs[1].Title != "genre" || res.SheetRows != 25 {
		t.Fatalf("tabs %+v, result %+v", ss.Tabs, res)
	}
	if v := e.values(t, id, "genre"); len(v) != 26 || v[1][1] != "Rock" {
		t.Fatalf("%v", v[:2])
	}
}
