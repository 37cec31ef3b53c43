package sheets

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

const ordersSQL = `CREATE TABLE orders AS
SELECT g AS id, 'customer ' || g % 977 AS customer, ((g * 7919) % 100000 / 100.0)::numeric(10,2) AS amount,
  timestamptz '2025-01-01 00:00:00+00' + g * interval '1 minute' AS placed_at, g % 3 = 0 AS paid
FROM generate_series(1, 200000) g;
ALTER TABLE orders ADD PRIMARY KEY (id);`

// TestManyRowsUnderPacingAndFaults: 200,000 rows go in requests under
// 2 MB, paced under the fake's per-minute write quota, through injected
// 429s and 503s, and the sheet ends with exactly the rows of the table.
// The sync takes about 15 writes, which Google's 60 a minute would never
// refuse; so the fake's minute lasts half a second and its quota is 4
// writes, and the pacing, at 4 a minute of its own as long, must keep
// every write under it as 60 a minute keeps under Google's. Unpaced, the
// sync is refused.
func TestManyRowsUnderPacingAndFaults(t *testing.T) {
	const speedup = 120 // a fake minute in half a second
	e := newEnv(t, func(o *Options) { o.WritesPerMinute, o.quotaWindow = 4, quotaWindow/speedup })
	start := time.Now()
	e.fake.SetClock(func() time.Time { return start.Add(time.Since(start) * speedup) })
	e.fake.SetSheetsQuota(4, 0)
	db := pgtest.NewDatabase(t, ordersSQL)
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Tabs: []googlefake.TabSpec{{Title: "orders", Values: [][]any{{"old"}}}}})

	injected429, injected503 := 0, 0
	e.fake.FailNext(googlefake.KindSheetsBatch, 1, googlefake.SheetsUnavailable()) // adding the tab
	injected503++
	var last Progress
	res, err := e.syncer.Sync(context.Background(), Job{Database: db, Table: "public.orders", SpreadsheetID: id,
		Progress: func(p Progress) {
			if p.Stage == "write" {
				if p.Rows < last.Rows || p.Requests <= last.Requests {
					t.Errorf("progress went back: %+v after %+v", p, last)
				}
				last = p
				if p.Rows == p.Total {
					return // no write of rows follows
				}
				if injected429 <= injected503 { // the next write fails, one way or the other
					e.fake.FailNext(googlefake.KindValuesUpdate, 1, googlefake.SheetsRateLimited())
					injected429++
				} else {
					e.fake.FailNext(googlefake.KindSheetsWrite, 1, googlefake.SheetsUnavailable())
					injected503++
				}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	v := e.values(t, id, "orders")
	if len(v) != 200_001 || res.Rows != 200_000 || res.SheetRows != 200_000 || last.Rows != 200_000 {
		t.Fatalf("%d rows in the tab; result %+v; last progress %+v", len(v), res, last)
	}
	for i, row := range v[1:] {
		if row[0] != float64(i+1) {
			t.Fatalf("row %d holds id %v", i+2, row[0])
		}
	}
	got429, got503 := 0, 0
	for _, r := range e.fake.Requests() {
		switch r.Status {
		case http.StatusTooManyRequests:
			got429++
		case http.StatusServiceUnavailable:
			got503++
		}
	}
	if got429 != injected429 || got503 != injected503 || res.Retries != injected429+injected503 {
		t.Errorf("%d 429s for %d injected (pacing must keep under the quota), %d 503s for %d; %d retries",
			got429, injected429, got503, injected503, res.Retries)
	}
	if n := e.fake.MaxBodyBytes(googlefake.KindSheetsWrite); n > 2_000_000 || res.Requests < 8 {
		t.Errorf("the largest request took %d bytes in %d requests", n, res.Requests)
	}
	t.Logf("%d write requests (%d retried), %v", res.Requests, res.Retries, res.Elapsed)
}

// TestGivingUpOnTheRateLimitIsAFailure: a sync that Google rate-limits
// for longer than the retries last fails, says why, and leaves the tab as
// it was; the unfinished tab, which could not be deleted either, goes with
// the next sync.
func TestGivingUpOnTheRateLimitIsAFailure(t *testing.T) {
	e := newEnv(t)
	db := chinook(t)
	old := [][]any{{"old"}, {"rows"}}
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Tabs: []googlefake.TabSpec{{Title: "genre", Values: old}}})
	res, err := e.syncer.Sync(context.Background(), Job{Database: db, Table: "public.genre", SpreadsheetID: id,
		Progress: func(p Progress) {
			if p.Stage == "verify" { // the swap, and the clean-up after it, are refused
				e.fake.FailNext(googlefake.KindSheetsBatch, 100, googlefake.SheetsRateLimited())
			}
		}})
	var he *dbbackup.HintError
	if !errors.As(err, &he) || !strings.Contains(err.Error(), "gave up after 6 attempts") || !strings.Contains(he.Hint, "quota") {
		t.Fatalf("got %v", err)
	}
	if res.SheetRows != 0 || res.Retries != 5 {
		t.Errorf("result of the failed sync %+v", res)
	}
	ss, _ := e.fake.Spreadsheet(id)
	if got := e.values(t, id, "genre"); len(got) != 2 || got[0][0] != "old" || len(ss.Tabs) != 2 {
		t.Fatalf("the tab changed: %v; tabs %+v", got, ss.Tabs)
	}
	e.fake.ClearFaults()
	e.sync(t, Job{Database: db, Table: "public.genre", SpreadsheetID: id})
	ss, _ = e.fake.Spreadsheet(id)
	if len(ss.Tabs) != 1 || len(e.values(t, id, "genre")) != 26 {
		t.Fatalf("tabs after the next sync: %+v", ss.Tabs)
	}
}
