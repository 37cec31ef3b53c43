package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"
)

// TestChinookEveryFormat backs up the Chinook sample database in every
// format and reads every file back: CSV and the dump are loaded into
// PostgreSQL again and compared table by table; JSON and XLSX are compared
// row counts and values with the database.
func TestChinookEveryFormat(t *testing.T) {
	url := pgtest.NewDatabase(t, pgtest.Chinook(t))
	dir := t.TempDir()
	res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,xlsx,json,dump"}, "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	files := setFiles(t, dir)
	if len(files) != 6 {
		t.Fatalf("want 6 files (csv.zip, xlsx, json, dump, schema, manifest), have %v", files)
	}
	conn := connect(t, url)
	want := map[string]int64{}
	for _, tb := range tables(t, conn) {
		var n int64
		if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+pgx.Identifier{tb.Schema, tb.Name}.Sanitize()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		want[tb.String()] = n
	}
	if len(want) != 11 || want["public.track"] != 3503 || want["public.invoice_line"] != 2240 {
		t.Fatalf("Chinook did not load as expected: %v", want)
	}
	for name, n := range want {
		if !strings.Contains(res.stdout, name) || !strings.Contains(res.stdout, fmt.Sprint(n)) {
			t.Errorf("summary does not show %s with %d rows:\n%s", name, n, res.stdout)
		}
	}

	t.Run("manifest", func(t *testing.T) {
		f, err := os.Open(only(t, dir, ".manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		m, err := dbbackup.ReadManifest(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Tables) != len(want) || len(m.Files) != 5 || m.ServerVersion == "" || m.SnapshotTime.IsZero() {
			t.Fatalf("manifest: %+v", m)
		}
		for _, tc := range m.Tables {
			if want[tc.Schema+"."+tc.Name] != tc.Rows {
				t.Errorf("manifest: %s.%s has %d rows, database %d", tc.Schema, tc.Name, tc.Rows, want[tc.Schema+"."+tc.Name])
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		zr, err := zip.OpenReader(only(t, dir, ".csv.zip"))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		if len(zr.File) != len(want) {
			t.Fatalf("zip has %d entries, want %d", len(zr.File), len(want))
		}
		mustExec(t, conn, "CREATE SCHEMA roundtrip")
		for _, zf := range zr.File {
			name := strings.TrimSuffix(strings.TrimPrefix(zf.Name, "public."), ".csv")
			loadCSVBack(t, conn, zf, dbbackup.Table{Schema: "public", Name: name})
		}
	})

	t.Run("json", func(t *testing.T) {
		f, err := os.Open(only(t, dir, ".json"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var doc jsonDoc
		dec := json.NewDecoder(f)
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		if doc.Format != "dbbackup/1" || doc.Database == "" || len(doc.Tables) != len(want) {
			t.Fatalf("document: format %q database %q %d tables", doc.Format, doc.Database, len(doc.Tables))
		}
		for _, tb := range doc.Tables {
			if int64(len(tb.Rows)) != want[tb.Schema+"."+tb.Name] || tb.RowCount != int64(len(tb.Rows)) {
				t.Errorf("%s: %d rows, row_count %d, database %d", tb.Name, len(tb.Rows), tb.RowCount, want[tb.Schema+"."+tb.Name])
			}
			if tb.Name == "track" {
				row := findRow(t, tb.Rows, "track_id", "1")
				if row["name"] != "For Those About To Rock (We Salute You)" || row["unit_price"] != json.Number("0.99") || row["composer"] != "Angus Young, Malcolm Young, Brian Johnson" {
					t.Errorf("track 1: %v", row)
				}
			}
		}
	})

	t.Run("xlsx", func(t *testing.T) {
		x, err := excelize.OpenFile(only(t, dir, ".xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheets := x.GetSheetList()
		if len(sheets) != len(want) {
			t.Fatalf("sheets %v", sheets)
		}
		for _, s := range sheets {
			rows, err := x.GetRows(s)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(rows)-1) != want["public."+s] {
				t.Errorf("sheet %s: %d data rows, database %d", s, len(rows)-1, want["public."+s])
			}
		}
		if v, _ := x.GetCellValue("artist", "B2"); v != "AC/DC" {
			t.Errorf("artist B2 = %q", v)
		}
	})

	t.Run("dump", func(t *testing.T) {
		restored := pgtest.NewDatabase(t)
		restoreDump(t, only(t, dir, ".dump"), restored)
		rconn := connect(t, restored)
		for _, tb := range tables(t, conn) {
			if tb.Schema == "roundtrip" {
				continue
			}
			if a, b := fingerprint(t, conn, tb.Schema, tb.Name), fingerprint(t, rconn, tb.Schema, tb.Name); a != b {
				t.Errorf("%s: database %s, restored %s", tb, a, b)
			}
		}
	})
}

type jsonDoc struct {
	Format   string `json:"format"`
	Database string `json:"database"`
	Tables   []struct {
		Schema  string `json:"schema"`
		Name    string `json:"name"`
		Columns []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"columns"`
		Rows     []map[string]any `json:"rows"`
		RowCount int64            `json:"row_count"`
	} `json:"tables"`
}

func findRow(t *testing.T, rows []map[string]any, key, value string) map[string]any {
	t.Helper()
	for _, r := range rows {
		if fmt.Sprint(r[key]) == value {
			return r
		}
	}
	t.Fatalf("no row with %s = %s", key, value)
	return nil
}

func mustExec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
