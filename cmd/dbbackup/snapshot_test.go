package main

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"
)

const ordersSQL = `
CREATE TABLE orders (id integer PRIMARY KEY, total integer NOT NULL);
CREATE TABLE order_lines (order_id integer NOT NULL REFERENCES orders, amount integer NOT NULL);
INSERT INTO orders SELECT g, 30 FROM generate_series(1, 200) g;
INSERT INTO order_lines SELECT g, a FROM generate_series(1, 200) g, (VALUES (10), (20)) v(a);`

// writeOrder changes the two tables in one transaction, keeping the
// invariant: an order's total is the sum of its lines.
func writeOrder(ctx context.Context, conn *pgx.Conn, i int) error {
	_, err := conn.Exec(ctx, `BEGIN;
		INSERT INTO orders VALUES (1000 + `+strconv.Itoa(i)+`, 5);
		INSERT INTO order_lines VALUES (1000 + `+strconv.Itoa(i)+`, 5);
		UPDATE orders SET total = total + 7 WHERE id = `+strconv.Itoa(i%200+1)+`;
		INSERT INTO order_lines VALUES (`+strconv.Itoa(i%200+1)+`, 7);
		COMMIT`, pgx.QueryExecModeSimpleProtocol)
	return err
}

// writingDB commits a write before every table read of the backup, and a
// writer keeps committing in the background, so any read outside the
// snapshot would see a broken invariant or different counts.
type writingDB struct {
	dbbackup.Database
	conn *pgx.Conn
	n    *int
}

func (d writingDB) Snapshot(ctx context.Context) (dbbackup.Snapshot, error) {
	s, err := d.Database.Snapshot(ctx)
	return writingSnapshot{s, d}, err
}

type writingSnapshot struct {
	dbbackup.Snapshot
	db writingDB
}

func (s writingSnapshot) write(ctx context.Context) error {
	*s.db.n++
	return writeOrder(ctx, s.db.conn, *s.db.n)
}

func (s writingSnapshot) CopyCSV(ctx context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	if err := s.write(ctx); err != nil {
		return 0, err
	}
	return s.Snapshot.CopyCSV(ctx, t, w)
}

func (s writingSnapshot) Rows(ctx context.Context, t dbbackup.Table, o dbbackup.RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
	if err := s.write(ctx); err != nil {
		return 0, err
	}
	return s.Snapshot.Rows(ctx, t, o, fn)
}

func TestOneConsistentSnapshot(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", url)
	t.Setenv("BACKUP_DIR", dir)
	t.Setenv("BACKUP_FORMATS", "csv,xlsx,json,dump")
	cfg, err := config.Load(dir+"/none", false)
	if err != nil {
		t.Fatal(err)
	}
	r, err := (&app.App{}).Runner(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n := 0
	r.DB = writingDB{r.DB, connect(t, url), &n}

	// A second writer runs all through the backup.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		bg := connect(t, url)
		for i := 100000; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := writeOrder(ctx, bg, i); err != nil {
				t.Errorf("background writer: %v", err)
				return
			}
		}
	}()
	rep, err := r.Run(ctx, nil)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	// The text formats share one read of each table (dump reads beside
	// them with pg_dump): a write commits before every one of those reads.
	if n < len(rep.Tables) {
		t.Fatalf("only %d writes happened during the backup of %d tables", n, len(rep.Tables))
	}
	// The background writer may have committed before the snapshot; the
	// set holds one instant, so lines and orders still agree, and every
	// format holds the same rows.
	snapOrders := int(rep.Tables[1].Rows)
	var nowOrders int
	if err := connect(t, url).QueryRow(ctx, "SELECT count(*) FROM orders").Scan(&nowOrders); err != nil {
		t.Fatal(err)
	}
	if rep.Tables[0].Name != "order_lines" || snapOrders < 200 || nowOrders < snapOrders+n {
		t.Fatalf("the backup holds %+v, the database now %d orders after %d writes during the backup", rep.Tables, nowOrders, n)
	}

	check := func(format string, totals map[int]int, lines map[int]int) {
		t.Helper()
		if len(totals) != snapOrders {
			t.Errorf("%s: %d orders, want the snapshot's %d", format, len(totals), snapOrders)
		}
		for id, total := range totals {
			if lines[id] != total {
				t.Errorf("%s: order %d has total %d but lines sum to %d", format, id, total, lines[id])
				return
			}
		}
	}
	t.Run("csv", func(t *testing.T) {
		zr, err := zip.OpenReader(only(t, dir, ".csv.zip"))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		tables := map[string][][]string{}
		for _, f := range zr.File {
			rc, _ := f.Open()
			recs, err := csv.NewReader(rc).ReadAll()
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			tables[f.Name] = recs[1:]
		}
		check("csv", sumRecords(tables["public.orders.csv"], false), sumRecords(tables["public.order_lines.csv"], true))
	})
	t.Run("xlsx", func(t *testing.T) {
		x, err := excelize.OpenFile(only(t, dir, ".xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		orders, _ := x.GetRows("orders")
		lines, _ := x.GetRows("order_lines")
		check("xlsx", sumRecords(orders[1:], false), sumRecords(lines[1:], true))
	})
	t.Run("json", func(t *testing.T) {
		b, err := os.ReadFile(only(t, dir, ".json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc jsonDoc
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		recs := map[string][][]string{}
		for _, tb := range doc.Tables {
			for _, r := range tb.Rows {
				if tb.Name == "orders" {
					recs[tb.Name] = append(recs[tb.Name], []string{fmt.Sprint(r["id"]), fmt.Sprint(r["total"])})
				} else {
					recs[tb.Name] = append(recs[tb.Name], []string{fmt.Sprint(r["order_id"]), fmt.Sprint(r["amount"])})
				}
			}
		}
		check("json", sumRecords(recs["orders"], false), sumRecords(recs["order_lines"], true))
	})
	t.Run("dump", func(t *testing.T) {
		restored := pgtest.NewDatabase(t)
		restoreDump(t, only(t, dir, ".dump"), restored)
		var orders, broken int
		err := connect(t, restored).QueryRow(ctx, `SELECT (SELECT count(*) FROM orders),
			(SELECT count(*) FROM orders o WHERE total <> (SELECT sum(amount) FROM order_lines WHERE order_id = o.id))`).Scan(&orders, &broken)
		if err != nil {
			t.Fatal(err)
		}
		if orders != snapOrders || broken != 0 {
			t.Errorf("dump: %d orders, %d with a broken total", orders, broken)
		}
	})
}

// sumRecords maps id → value (or → sum of values, for lines).
func sumRecords(recs [][]string, sum bool) map[int]int {
	m := map[int]int{}
	for _, r := range recs {
		id, _ := strconv.Atoi(r[0])
		v, _ := strconv.Atoi(r[1])
		if sum {
			m[id] += v
		} else {
			m[id] = v
		}
	}
	return m
}
