package sheets

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	sheets "google.golang.org/api/sheets/v4"
)

// ids is column 0 of the data rows of a tab.
func ids(t *testing.T, e *env, id, tab string) []float64 {
	t.Helper()
	var out []float64
	for _, row := range e.values(t, id, tab)[1:] {
		out = append(out, row[0].(float64))
	}
	return out
}

// upTo is 1, 2, …, n.
func upTo(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i + 1)
	}
	return out
}

// TestAppendByKey: the first append loads the tab; later ones add only
// the rows whose key is greater than the last one synced, typed and
// formatted like the first, and hand back the new last key.
func TestAppendByKey(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	job := Job{Database: db, Table: "public.invoice", SpreadsheetID: id, Mode: Append, Key: "invoice_id"}
	res := e.sync(t, job)
	if res.Rows != 412 || res.LastKey != "412" || res.SheetRows != 412 {
		t.Fatalf("first append: %+v", res)
	}

	exec(t, db, `INSERT INTO invoice VALUES
		(413, 1, '2026-02-10 06:00:00', '=HYPERLINK("x")', NULL, NULL, NULL, NULL, 1.5),
		(414, 2, '2026-02-11 00:00:00', NULL, NULL, NULL, NULL, NULL, 2.25)`)
	job.LastKey = res.LastKey
	res = e.sync(t, job)
	if res.Rows != 2 || res.LastKey != "414" || res.SheetRows != 414 {
		t.Fatalf("second append: %+v", res)
	}
	v := e.values(t, id, "invoice")
	if !reflect.DeepEqual(ids(t, e, id, "invoice"), upTo(414)) {
		t.Fatalf("ids after the append: %v…", v[len(v)-3:])
	}
	if want := []any{413.0, 1.0, 46063.25, `=HYPERLINK("x")`, nil, nil, nil, nil, 1.5}; !reflect.DeepEqual(v[413], want) {
		t.Errorf("appended row %#v", v[413])
	}
	if f, _ := e.fake.CellFormat(id, "invoice", 414, 2)["numberFormat"].(map[string]any); f["type"] != "DATE_TIME" {
		t.Errorf("the appended date has no date format: %v", f)
	}

	res = e.sync(t, job) // nothing new
	if res.Rows != 0 || res.SheetRows != 414 || res.LastKey != "414" || len(e.values(t, id, "invoice")) != 415 {
		t.Fatalf("an append with nothing new: %+v", res)
	}
	md := e.tab(t, id, "invoice").Metadata
	if len(md) != 1 || !strings.Contains(md[0].Value, `"rows":414,"added":0`) {
		t.Errorf("sync state %+v", md)
	}
}

// TestAppendComparesTheKeyAsItsType: text keys compare as text, dates as
// dates ("2026-02-10" < "2026-10-01" either way, but 9 < 10 only as
// numbers): a numeric key of varying width is not compared as text.
func TestAppendComparesTheKeyAsItsType(t *testing.T) {
	e := newEnv(t)
	db := pgtest.NewDatabase(t, "CREATE TABLE m (n numeric, at timestamptz, note text)",
		"INSERT INTO m VALUES (9, '2026-02-09 10:00+00', 'nine')")
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	for _, key := range []string{"n", "at"} {
		job := Job{Database: db, Table: "public.m", Sheet: key, SpreadsheetID: id, Mode: Append, Key: key}
		e.sync(t, job)
	}
	exec(t, db, "INSERT INTO m VALUES (10, '2026-02-10 10:00+00', 'ten'), (NULL, NULL, 'no key')")
	for _, key := range []string{"n", "at"} {
		res := e.sync(t, Job{Database: db, Table: "public.m", Sheet: key, SpreadsheetID: id, Mode: Append, Key: key})
		if res.Rows != 1 || res.SheetRows != 2 {
			t.Errorf("key %s: %+v", key, res)
		}
	}
}

// TestTypesTableAppend: a typed table appended from a key passed in.
func TestTypesTableAppend(t *testing.T) {
	e := newEnv(t)
	db := pgtest.NewDatabase(t, pgtest.Testdata(t, "types.sql"))
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	res := e.sync(t, Job{Database: db, Table: "public.all_types", SpreadsheetID: id, Mode: Append, Key: "id", LastKey: "3"})
	v := e.values(t, id, "all_types")
	if res.Rows != 2 || res.LastKey != "5" || len(v) != 3 || v[1][0] != 4.0 || v[1][1] != "=1+1" {
		t.Fatalf("%+v %v", res, v)
	}
}

// TestAppendAfterAFailedRun: a run that fails after appending some rows
// leaves them; the next run neither appends them again nor loses any.
func TestAppendAfterAFailedRun(t *testing.T) {
	e := newEnv(t)
	// 10 kB a row: 400 rows take three requests of about 2 MB.
	db := pgtest.NewDatabase(t, "CREATE TABLE events (id bigint PRIMARY KEY, body text)",
		"INSERT INTO events SELECT g, repeat(md5(g::text), 300) FROM generate_series(1, 100) g")
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	job := Job{Database: db, Table: "public.events", SpreadsheetID: id, Mode: Append, Key: "id"}
	first := e.sync(t, job)

	exec(t, db, "INSERT INTO events SELECT g, repeat(md5(g::text), 300) FROM generate_series(101, 500) g")
	failing := job
	failing.LastKey = first.LastKey
	failing.Progress = func(p Progress) {
		if p.Stage == "write" && p.Rows > 0 { // after the first chunk: every later write fails
			e.fake.FailNext(googlefake.KindSheetsWrite, 1000, googlefake.SheetsUnavailable())
		}
	}
	res, err := e.syncer.Sync(context.Background(), failing)
	written := res.Rows
	if err == nil || written == 0 || written >= 400 {
		t.Fatalf("the failing run: %+v, %v", res, err)
	}
	e.fake.ClearFaults()
	if got := len(e.values(t, id, "events")) - 1; got != 100+int(written) {
		t.Fatalf("%d rows after the failed run, which appended %d", got, written)
	}

	job.LastKey = first.LastKey // the failed run is not in the history
	res = e.sync(t, job)
	if got := ids(t, e, id, "events"); !reflect.DeepEqual(got, upTo(500)) {
		t.Fatalf("ids: %d of them, from %v to %v", len(got), got[0], got[len(got)-1])
	}
	if res.Rows != 400-written || res.LastKey != "500" || res.SheetRows != 500 {
		t.Fatalf("result %+v", res)
	}
}

// TestAnAppendWhoseAnswerWasLost: Google applied the append but the
// connection broke before the answer; the retry finds the rows in the tab
// and does not send them again.
func TestAnAppendWhoseAnswerWasLost(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	job := Job{Database: db, Table: "public.genre", SpreadsheetID: id, Mode: Append, Key: "genre_id"}
	e.sync(t, job)
	exec(t, db, "INSERT INTO genre VALUES (26, 'Lost'), (27, 'Found')")
	e.fake.CutNext(googlefake.KindValuesAppend, 1<<30) // after the whole body: applied, no answer
	res := e.sync(t, job)
	if got := ids(t, e, id, "genre"); !reflect.DeepEqual(got, upTo(27)) {
		t.Fatalf("ids %v", got)
	}
	if res.Retries == 0 || e.fake.Calls(googlefake.KindValuesAppend) != 1 {
		t.Fatalf("result %+v, %d appends", res, e.fake.Calls(googlefake.KindValuesAppend))
	}
}

// TestAppendRefusesAnEditedTab: when the rows a sync wrote were changed,
// an append cannot tell where they end, and says so.
func TestAppendRefusesAnEditedTab(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Tabs: []googlefake.TabSpec{{Title: "Mine", Values: [][]any{{"a note"}}}}})
	_, err := e.syncer.Sync(context.Background(), Job{Database: db, Table: "public.genre", Sheet: "Mine", SpreadsheetID: id, Mode: Append, Key: "genre_id"})
	if err == nil || !strings.Contains(err.Error(), "holds data no sync of dbbackup wrote") {
		t.Fatalf("a tab of the user's: %v", err)
	}
	job := Job{Database: db, Table: "public.genre", SpreadsheetID: id, Mode: Append, Key: "genre_id"}
	e.sync(t, job)
	exec(t, db, "ALTER TABLE genre ADD COLUMN extra int")
	if _, err := e.syncer.Sync(context.Background(), job); err == nil || !strings.Contains(err.Error(), "the source has") {
		t.Fatalf("a new column: %v", err)
	}
	exec(t, db, "ALTER TABLE genre DROP COLUMN extra")
	// Someone empties the last row: it no longer holds the last key.
	if _, err := e.syncer.svc.Spreadsheets.Values.Clear(id, "genre!A26:B26", &sheets.ClearValuesRequest{}).Do(); err != nil {
		t.Fatal(err)
	}
	before := len(e.values(t, id, "genre"))
	if _, err := e.syncer.Sync(context.Background(), job); err == nil || !strings.Contains(err.Error(), "row 26 should hold the last key synced") {
		t.Fatalf("an emptied row: %v", err)
	}
	if len(e.values(t, id, "genre")) != before {
		t.Fatal("rows were appended to an edited tab")
	}
}
