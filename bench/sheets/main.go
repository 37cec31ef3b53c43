// Command sheets measures a Google Sheets sync: the replace of a table of
// 200,000 rows × 9 mixed columns into a tab of the fake Google on
// loopback, through the official client, with no faults. It reports rows
// per second and the write requests the sync used, paced as in production
// (at most 60 write requests in any minute, Google's quota: a sync of fewer
// is not slowed, a longer one settles at 60 a minute) and unpaced (the
// engine alone: PostgreSQL, encoding, HTTP and the fake's own work).
//
//	go run ./bench/sheets                # 200,000 rows, median of 3 runs
//	go run ./bench/sheets -rows 1000000  # a bigger table
//	go run ./bench/sheets -paced=false   # the engine alone
//
// It needs a PostgreSQL server (BENCH_DATABASE_URL, default the local
// one); it creates the database dbbackup_bench_sheets and drops it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"time"

	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/sheets"
	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"
)

const tableSQL = `
CREATE UNLOGGED TABLE orders AS
SELECT g::bigint AS id,
  'Клиент "' || g % 977 || '", ' || md5(g::text) AS customer,
  CASE WHEN g % 10 = 0 THEN NULL ELSE ((g * 7919) % 10000000) / 100.0 END::numeric(12,2) AS amount,
  timestamptz '2020-01-01 00:00:00+00' + g * interval '17 seconds' AS placed_at,
  CASE WHEN g % 10 = 1 THEN NULL ELSE date '2020-01-01' + (g % 3650)::int END AS day,
  g % 3 = 0 AS paid,
  g * 1.25::float8 AS score,
  md5(g::text)::uuid AS code,
  CASE WHEN g % 10 = 4 THEN NULL ELSE '=note ' || g END AS note
FROM generate_series(1, $1::bigint) g`

const dbName = "dbbackup_bench_sheets"

func main() {
	rows := flag.Int("rows", 200_000, "rows in the table")
	repeat := flag.Int("repeat", 3, "runs of each measurement; the median is reported")
	paced := flag.Bool("paced", true, "also measure with Google's pacing of 60 write requests a minute")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()

	admin := os.Getenv("BENCH_DATABASE_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	db := makeTable(ctx, admin, *rows)
	defer dropDatabase(ctx, admin)

	modes := []struct {
		name            string
		writesPerMinute int
	}{{"unpaced (the engine alone)", 1_000_000}}
	if *paced {
		modes = append(modes, struct {
			name            string
			writesPerMinute int
		}{"paced, 60 write requests a minute (the default)", sheets.DefaultWritesPerMinute})
	}
	fmt.Printf("| replace of %d rows × 9 columns into the fake Google | seconds | rows/s | write requests | largest request |\n", *rows)
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, m := range modes {
		var times []time.Duration
		var res sheets.Result
		var largest int64
		for range *repeat {
			res, largest = once(ctx, db, m.writesPerMinute)
			times = append(times, res.Elapsed)
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		med := times[len(times)/2]
		fmt.Printf("| %s | %.2f | %.0f | %d | %.3f MB |\n", m.name, med.Seconds(), float64(res.Rows)/med.Seconds(), res.Requests, float64(largest)/1e6)
	}
}

// once syncs the table into a new fake Google and returns the result and
// the largest write request's body.
func once(ctx context.Context, db string, writesPerMinute int) (sheets.Result, int64) {
	fake := googlefake.New()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	hc := fake.OAuth2Config(srv.URL).Client(ctx, &oauth2.Token{RefreshToken: googlefake.DefaultRefreshToken})
	s, err := sheets.New(ctx, sheets.Options{HTTPClient: hc, Endpoint: srv.URL, WritesPerMinute: writesPerMinute})
	must(err)
	id := fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	res, err := s.Sync(ctx, sheets.Job{Database: db, Table: "public.orders", SpreadsheetID: id})
	must(err)
	if writes := fake.Calls(googlefake.KindSheetsWrite); writes != res.Requests {
		log.Fatalf("the fake served %d writes, the sync counted %d", writes, res.Requests)
	}
	return res, fake.MaxBodyBytes(googlefake.KindSheetsWrite)
}

func makeTable(ctx context.Context, admin string, rows int) string {
	conn, err := pgx.Connect(ctx, admin)
	must(err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+dbName)
	must(err)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+dbName)
	must(err)
	u, err := url.Parse(admin)
	must(err)
	u.Path = "/" + dbName
	db := u.String()
	c, err := pgx.Connect(ctx, db)
	must(err)
	defer c.Close(ctx)
	_, err = c.Exec(ctx, tableSQL, rows)
	must(err)
	_, err = c.Exec(ctx, "ALTER TABLE orders ADD PRIMARY KEY (id)")
	must(err)
	return db
}

func dropDatabase(ctx context.Context, admin string) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+dbName+" WITH (FORCE)")
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
