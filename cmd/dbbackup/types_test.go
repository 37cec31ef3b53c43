package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/xuri/excelize/v2"
)

// TestTypeFidelity backs up a schema that holds every type and identifier
// shape the README's format table covers, and checks each format value by
// value.
func TestTypeFidelity(t *testing.T) {
	url := pgtest.NewDatabase(t, pgtest.Testdata(t, "types.sql"))
	dir := t.TempDir()
	res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,xlsx,json,dump",
		"PGTZ": "Europe/Moscow"}, "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	conn := connect(t, url)
	m := readManifestFile(t, only(t, dir, ".manifest.json"))

	t.Run("discovery", func(t *testing.T) {
		var got []string
		rows := map[string]int64{}
		for _, tc := range m.Tables {
			got = append(got, tc.Schema+"."+tc.Name)
			rows[tc.Name] = tc.Rows
		}
		want := []string{"Weird Schema.Order Items", "public.MixedCase", "public.a/b", "public.all_types", "public.child_rows",
			"public.empty_table", "public.measurements", "public.no_columns", "public.parent_rows", "public.Таблица"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("tables\n got %q\nwant %q", got, want)
		}
		if rows["measurements"] != 3 || rows["parent_rows"] != 1 || rows["child_rows"] != 1 || rows["all_types"] != 5 || rows["empty_table"] != 0 || rows["no_columns"] != 1 {
			t.Fatalf("row counts %v", rows)
		}
	})

	t.Run("csv", func(t *testing.T) {
		zr, err := zip.OpenReader(only(t, dir, ".csv.zip"))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		if len(zr.File) != len(m.Tables) {
			t.Fatalf("%d entries for %d tables", len(zr.File), len(m.Tables))
		}
		mustExec(t, conn, "CREATE SCHEMA roundtrip")
		for i, tc := range m.Tables { // entries come in the manifest's order
			if tc.Name == "no_columns" {
				continue // COPY FROM cannot load rows of a table without columns
			}
			loadCSVBack(t, conn, zr.File[i], dbbackup.Table{Schema: tc.Schema, Name: tc.Name})
		}
	})

	t.Run("json", func(t *testing.T) {
		b, err := os.ReadFile(only(t, dir, ".json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc jsonDoc
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		for _, tb := range doc.Tables {
			if tb.Name != "all_types" {
				continue
			}
			for id, raw := range wantJSON {
				var want map[string]any
				d := json.NewDecoder(strings.NewReader(raw))
				d.UseNumber()
				if err := d.Decode(&want); err != nil {
					t.Fatalf("bad expectation %s: %v", id, err)
				}
				got := findRow(t, tb.Rows, "id", id)
				for k, w := range want {
					if !reflect.DeepEqual(got[k], w) {
						t.Errorf("row %s column %s: got %#v, want %#v", id, k, got[k], w)
					}
				}
				if len(got) != 30 {
					t.Errorf("row %s has %d columns, want 30", id, len(got))
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
		sheet := "all_types"
		header, err := x.GetRows(sheet)
		if err != nil {
			t.Fatalf("sheets %v: %v", x.GetSheetList(), err)
		}
		col := map[string]int{}
		for i, h := range header[0] {
			col[h] = i + 1
		}
		for _, c := range wantXLSX {
			cell, _ := excelize.CoordinatesToCellName(col[c.column], c.row+1)
			typ, _ := x.GetCellType(sheet, cell)
			val, _ := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: c.raw})
			if val != c.value || (c.types != nil && !slices.Contains(c.types, typ)) {
				t.Errorf("row %d %s (%s): got %q (type %d), want %q (types %v)", c.row, c.column, cell, val, typ, c.value, c.types)
			}
			if f, _ := x.GetCellFormula(sheet, cell); f != "" {
				t.Errorf("%s holds a formula %q", cell, f)
			}
		}
	})

	t.Run("dump", func(t *testing.T) {
		restored := pgtest.NewDatabase(t)
		restoreDump(t, only(t, dir, ".dump"), restored)
		rconn := connect(t, restored)
		for _, tc := range m.Tables {
			if a, b := fingerprint(t, conn, tc.Schema, tc.Name), fingerprint(t, rconn, tc.Schema, tc.Name); a != b {
				t.Errorf("%s.%s: database %s, restored %s", tc.Schema, tc.Name, a, b)
			}
		}
	})
}

// wantJSON is the JSON of rows of all_types (see testdata/types.sql), with
// the session in Europe/Moscow (UTC+3). A jsonb null (row 4) is wrapped as
// {"$json": null}: null alone is SQL NULL (row 2).
var wantJSON = map[string]string{
	"1": `{"t": "comma, \"quote\", new\nline\ttab; Привет, мир! 🙂", "vc": "short", "ch": "ab   ",
		"i2": 32767, "i4": 2147483647, "i8": 9223372036854775807,
		"n": 123456789012345678901234567890.123456789, "n_scaled": 1234567890123456789012345678.1234567890,
		"f4": 3.14, "f8": 2.718281828459045, "b": true,
		"d": "2026-02-10", "ts": "2026-02-10T02:00:00.123456", "tstz": "2026-02-10T02:00:00+03:00",
		"tm": "13:45:00.25", "tmtz": "13:45:00+03:00", "iv": "1 year 2 mons 3 days 04:05:06.5",
		"u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "by": "AP8Q",
		"j": {"a": [1, 2.5, "x"], "b": null}, "jb": {"k": "значение", "n": 1},
		"arr_i": [1, 2, null], "arr_t": ["a b", "c\"d", null, "", ","], "arr_2d": [[1, 2], [3, 4]],
		"m": "счастлив", "pi": 7, "nd": 8, "mt": "domain text", "inet_col": "192.168.0.1/24"}`,
	"2": `{"t": null, "vc": null, "ch": null, "i2": null, "i4": null, "i8": null, "n": null, "n_scaled": null,
		"f4": null, "f8": null, "b": null, "d": null, "ts": null, "tstz": null, "tm": null, "tmtz": null, "iv": null,
		"u": null, "by": null, "j": null, "jb": null, "arr_i": null, "arr_t": null, "arr_2d": null,
		"m": null, "pi": null, "nd": null, "mt": null, "inet_col": null}`,
	"3": `{"t": "", "vc": "", "ch": "     ", "i2": -32768, "i4": -2147483648, "i8": -9223372036854775808,
		"n": "NaN", "n_scaled": 0.0000000000, "f4": "NaN", "f8": "-Infinity", "b": false,
		"d": "infinity", "ts": "-infinity", "tstz": "infinity", "tm": "00:00:00", "tmtz": "00:00:00-05:00", "iv": "-1 days",
		"by": "", "j": [], "jb": {}, "arr_i": [], "arr_t": [], "arr_2d": [], "mt": ""}`,
	"4": `{"t": "=1+1", "vc": "@SUM(A1)", "ch": "+cmd ", "n": "Infinity", "n_scaled": -0.0000000001, "f4": "Infinity", "f8": 1e+100,
		"d": "-0043-03-15", "ts": "-0043-03-15T12:00:00", "tm": "24:00:00",
		"by": "DQo=", "j": "just a string", "jb": {"$json": null}, "arr_t": ["NULL"], "arr_2d": [[null, 1], [2, null]]}`,
	"5": `{"t": "control chars: \u0001\b\u001b _x0041_ end", "vc": "NULL", "ch": "null ", "i8": 9007199254740993,
		"n": "-Infinity", "f8": 1.7976931348623157e+308, "d": "9999-12-31", "tstz": "+10000-01-01T03:00:00+03:00",
		"by": "3q2+7w==", "j": 123, "arr_t": ["\\"], "inet_col": "2001:db8::/32"}`,
}

type xlsxCell struct {
	row    int // 1 is the first data row (id 1)
	column string
	value  string
	types  []excelize.CellType // any of these; empty: any type
	raw    bool
}

var (
	number = []excelize.CellType{excelize.CellTypeNumber, excelize.CellTypeUnset}
	text   = []excelize.CellType{excelize.CellTypeInlineString, excelize.CellTypeSharedString}
)

// wantXLSX: typed cells, values as data, never formulas.
var wantXLSX = []xlsxCell{
	{1, "t", "comma, \"quote\", new\nline\ttab; Привет, мир! 🙂", text, true},
	{1, "i4", "2147483647", number, true},
	{1, "i8", "9223372036854775807", text, true}, // beyond a double's 2^53
	{1, "n", "123456789012345678901234567890.123456789", text, true},
	{1, "f8", "2.718281828459045", number, true},
	{1, "b", "1", []excelize.CellType{excelize.CellTypeBool}, true},
	{1, "d", "2026-02-10", number, false},
	{1, "jb", `{"k": "значение", "n": 1}`, text, true},
	{2, "t", "", nil, true},
	{3, "t", "", text, true},
	{3, "d", "infinity", text, true},
	{4, "t", "=1+1", text, true},
	{4, "d", "0044-03-15 BC", text, true},
	{5, "t", "control chars: \x01\x08\x1b _x0041_ end", text, true},
}

func readManifestFile(t *testing.T, path string) *dbbackup.Manifest {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := dbbackup.ReadManifest(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
