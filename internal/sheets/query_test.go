package sheets

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/jackc/pgx/v5"
)

const topArtists = `
-- the artists with the most tracks
WITH counts AS (
  SELECT ar.name AS artist, count(*) AS tracks, round(sum(t.milliseconds) / 3600000.0, 2) AS hours
  FROM artist ar JOIN album al USING (artist_id) JOIN track t USING (album_id)
  GROUP BY ar.name)
SELECT * FROM counts ORDER BY tracks DESC, artist LIMIT 10; -- top ten`

// TestQueryJob: a query's rows, in its own order, go to the tab it names.
func TestQueryJob(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	res := e.sync(t, Job{Database: db, Query: topArtists, Sheet: "Top artists", SpreadsheetID: id})

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, topArtists)
	want := [][]any{{"artist", "tracks", "hours"}}
	for rows.Next() {
		var artist string
		var tracks int64
		var hours float64
		if err := rows.Scan(&artist, &tracks, &hours); err != nil {
			t.Fatal(err)
		}
		want = append(want, []any{artist, float64(tracks), hours})
	}
	got := e.values(t, id, "Top artists")
	if len(got) != 11 || len(want) != 11 {
		t.Fatalf("%d rows in the sheet, %d from PostgreSQL", len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("row %d: %v, want %v", i, got[i], want[i])
				break
			}
		}
	}
	if !strings.HasPrefix(res.Source, "-- the artists with the most tracks WITH counts AS ( SELECT") || res.SheetRows != 10 {
		t.Errorf("result %+v", res)
	}
}

// TestFormulaLookingTextStaysText: with RAW nothing is parsed, whatever a
// text starts with.
func TestFormulaLookingTextStaysText(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	e.sync(t, Job{Database: db, SpreadsheetID: id, Sheet: "Links",
		Query: `SELECT '=HYPERLINK("https://example.com","x")' AS link, '=1+1' AS sum, '+1' AS plus, '123' AS digits, 'TRUE' AS yes, '''quoted' AS apostrophe`})
	got := e.values(t, id, "Links")[1]
	want := []any{`=HYPERLINK("https://example.com","x")`, "=1+1", "+1", "123", "TRUE", "'quoted"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("column %d: %#v (%T), want the text %q", i, got[i], got[i], want[i])
		}
	}
}

// TestAQueryThatWritesIsRefused: the server refuses it in the read-only
// transaction, the error says so, and nothing is written anywhere.
func TestAQueryThatWritesIsRefused(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	exec(t, db, "CREATE SEQUENCE counter")
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	for _, q := range []string{
		"DELETE FROM invoice_line RETURNING *",
		"WITH gone AS (DELETE FROM invoice_line RETURNING invoice_line_id) SELECT * FROM gone",
		"SELECT nextval('counter')",
		"INSERT INTO genre VALUES (99, 'x') RETURNING *",
	} {
		_, err := e.syncer.Sync(context.Background(), Job{Database: db, Query: q, Sheet: "x", SpreadsheetID: id})
		if err == nil || !strings.Contains(err.Error(), "writes to the database") || !strings.Contains(err.Error(), "read-only transaction") {
			t.Errorf("%s: %v", q, err)
		}
	}
	var n int
	conn, _ := pgx.Connect(context.Background(), db)
	defer conn.Close(context.Background())
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM invoice_line").Scan(&n); err != nil || n != 2240 {
		t.Errorf("invoice_line has %d rows (%v)", n, err)
	}
	if w := e.fake.Calls(googlefake.KindSheetsWrite); w != 0 {
		t.Errorf("%d writes to Google", w)
	}
}

// TestAQueryPastTheTimeout fails with a hint about the timeout.
func TestAQueryPastTheTimeout(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.StatementTimeout = 50 * time.Millisecond })
	db := chinook(t)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	_, err := e.syncer.Sync(context.Background(), Job{Database: db, Query: "SELECT pg_sleep(5)", Sheet: "x", SpreadsheetID: id})
	var he *dbbackup.HintError
	if !errors.As(err, &he) || !strings.Contains(he.Hint, "timeout") {
		t.Fatalf("got %v", err)
	}
}

// TestAMisspeltTable names the table meant.
func TestAMisspeltTable(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	_, err := e.syncer.Sync(context.Background(), Job{Database: db, Table: "public.invoce", SpreadsheetID: "x"})
	var he *dbbackup.HintError
	if !errors.As(err, &he) || !strings.Contains(he.Hint, "public.invoice") {
		t.Fatalf("got %v", err)
	}
}
