package json_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/export/json"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/postgres"
	"github.com/jackc/pgx/v5"
)

// TestRoundTrip exports the database of every type to a json document,
// loads the document into empty tables of the same shape through Reader
// and COPY … FROM, and compares every table, row for row, with the
// source.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := pgtest.NewDatabase(t, pgtest.Testdata(t, "types.sql"), pgtest.Testdata(t, "json_values.sql"))
	path := filepath.Join(t.TempDir(), "set.json")
	tables := exportJSON(t, src, path)

	dst := pgtest.NewDatabase(t)
	copySchema(t, src, dst)
	target := tablesOf(t, dst)
	conn, err := pgx.Connect(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := json.NewReader(f)
	var loaded []string
	for {
		h, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		tb, ok := target[h.String()]
		if !ok {
			t.Fatalf("no table %s in the target", h)
		}
		var buf bytes.Buffer
		rows, err := rd.WriteCSV(&buf, tb.Columns)
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		var names []string
		for _, c := range tb.Copied().Columns {
			names = append(names, pgx.Identifier{c.Name}.Sanitize())
		}
		if len(names) == 0 {
			// COPY cannot name no columns: insert the rows instead.
			for range rows {
				if _, err := conn.Exec(ctx, "INSERT INTO "+pgx.Identifier{tb.Schema, tb.Name}.Sanitize()+" DEFAULT VALUES"); err != nil {
					t.Fatal(err)
				}
			}
		} else {
			sql := fmt.Sprintf("COPY %s (%s) FROM STDIN (FORMAT csv)", pgx.Identifier{tb.Schema, tb.Name}.Sanitize(), strings.Join(names, ", "))
			tag, err := conn.PgConn().CopyFrom(ctx, bytes.NewReader(buf.Bytes()), sql)
			if err != nil {
				t.Fatalf("%s: %v\n%s", h, err, buf.Bytes())
			}
			if tag.RowsAffected() != rows {
				t.Errorf("%s: COPY loaded %d rows of %d", h, tag.RowsAffected(), rows)
			}
		}
		loaded = append(loaded, h.String())
	}
	if len(loaded) != len(tables) {
		t.Errorf("read %q, exported %d tables", loaded, len(tables))
	}
	for _, tb := range tables {
		a, b := fingerprint(t, src, tb), fingerprint(t, dst, tb)
		if a != b {
			t.Errorf("%s differs after the round trip:\nsource   %s\nrestored %s", tb, a, b)
		}
	}
}

// exportJSON writes every table of the database at url to a json document
// at path, and returns the tables.
func exportJSON(t *testing.T, url, path string) []dbbackup.Table {
	t.Helper()
	snap, tables := snapshot(t, url)
	res, err := (json.Exporter{}).Export(context.Background(), snap, tables, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %q", res.Warnings)
	}
	return tables
}

// tablesOf lists the tables of the database at url by schema.name.
func tablesOf(t *testing.T, url string) map[string]dbbackup.Table {
	t.Helper()
	_, tables := snapshot(t, url)
	out := map[string]dbbackup.Table{}
	for _, tb := range tables {
		out[tb.String()] = tb
	}
	return out
}

// snapshot opens a snapshot of the database at url, closed when the test
// ends, and lists its tables.
func snapshot(t *testing.T, url string) (dbbackup.Snapshot, []dbbackup.Table) {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.New(url, 0)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close(ctx) })
	tables, err := snap.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return snap, tables
}

// copySchema makes the tables of src, empty, in dst.
func copySchema(t *testing.T, src, dst string) {
	t.Helper()
	dump := exec.Command("pg_dump", "--schema-only", "--no-owner", "--dbname="+src)
	schema, err := dump.Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	load := exec.Command("psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--dbname="+dst)
	load.Stdin = bytes.NewReader(schema)
	if out, err := load.CombinedOutput(); err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
}

// fingerprint is the row count and a digest of the rows of t in the
// database at url, the same for the same rows in any order.
func fingerprint(t *testing.T, url string, tb dbbackup.Table) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET TimeZone = 'Asia/Kathmandu'; SET extra_float_digits = 3"); err != nil {
		t.Fatal(err)
	}
	only := "ONLY "
	if tb.Partitioned {
		only = ""
	}
	var n int64
	var rows string
	q := fmt.Sprintf(`SELECT count(*), coalesce(string_agg(r::text, E'\n' ORDER BY r::text), '') FROM (SELECT * FROM %s%s) r`,
		only, pgx.Identifier{tb.Schema, tb.Name}.Sanitize())
	if err := conn.QueryRow(ctx, q).Scan(&n, &rows); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d rows\n%s", n, rows)
}
