package sheets

import (
	"reflect"
	"testing"

	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// day is 2026-02-10's serial number; at adds a time of day in seconds.
const day = 46063.0

func at(seconds float64) float64 { return day + seconds*1e9/(24*60*60*1e9) }

// TestTypedCells syncs the table that holds every type and checks each
// cell: numbers a double keeps as numbers, the rest as PostgreSQL's text,
// dates and times as serial numbers with a number format, NULL as an empty
// cell, and text that looks like a formula as text.
func TestTypedCells(t *testing.T) {
	e := newEnv(t)
	db := pgtest.NewDatabase(t, pgtest.Testdata(t, "types.sql")) + "&TimeZone=Europe/Moscow"
	id := e.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	res := e.sync(t, Job{Database: db, Table: "public.all_types", SpreadsheetID: id})
	v := e.values(t, id, "all_types")
	if len(v) != 6 || res.SheetRows != 5 {
		t.Fatalf("%d rows", len(v))
	}
	col := map[string]int{}
	for i, name := range v[0] {
		col[name.(string)] = i
	}
	cell := func(row int, name string) any {
		r := v[row]
		if i := col[name]; i < len(r) {
			return r[i]
		}
		return nil
	}
	want := map[int]map[string]any{
		1: {"id": 1.0, "t": "comma, \"quote\", new\nline\ttab; Привет, мир! 🙂", "vc": "short", "ch": "ab   ",
			"i2": 32767.0, "i4": 2147483647.0, "i8": "9223372036854775807",
			"n": "123456789012345678901234567890.123456789", "n_scaled": "1234567890123456789012345678.1234567890",
			"f4": 3.14, "f8": 2.718281828459045, "b": true,
			"d": day, "ts": at(2*3600 + 0.123456), "tstz": at(2 * 3600), "tm": (13*3600 + 45*60 + 0.25) / 86400,
			"tmtz": "13:45:00+03", "iv": "1 year 2 mons 3 days 04:05:06.5", "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
			"by": `\x00ff10`, "j": `{"a": [1, 2.5, "x"], "b": null}`, "jb": `{"k": "значение", "n": 1}`,
			"arr_i": "{1,2,NULL}", "arr_t": `{"a b","c\"d",NULL,"",","}`, "arr_2d": "{{1,2},{3,4}}",
			"m": "счастлив", "pi": 7.0, "nd": 8.0, "mt": "domain text", "inet_col": "192.168.0.1/24"},
		2: {"id": 2.0, "t": nil, "i8": nil, "b": nil, "d": nil, "j": nil, "inet_col": nil},
		3: {"t": nil, "n": "NaN", "n_scaled": 0.0, "f4": "NaN", "f8": "-Infinity", "b": false, "d": "infinity",
			"ts": "-infinity", "tstz": "infinity", "tm": 0.0, "by": `\x`, "arr_i": "{}"},
		4: {"t": "=1+1", "vc": "@SUM(A1)", "ch": "+cmd ", "n": "Infinity", "n_scaled": -0.0000000001, "f8": 1e100,
			"d": "0044-03-15 BC", "ts": "0044-03-15 12:00:00 BC", "tm": "24:00:00", "j": `"just a string"`},
		5: {"i8": "9007199254740993", "f4": 0.0, "f8": 1.7976931348623157e308, "d": 2958465.0,
			"ts": 2.0 /* 1900-01-01 */, "tstz": "10000-01-01 03:00:00+03", "tm": 0.5},
	}
	for row, cells := range want {
		for name, w := range cells {
			if got := cell(row, name); !reflect.DeepEqual(got, w) {
				t.Errorf("row %d, %s: got %#v, want %#v", row, name, got, w)
			}
		}
	}
	if got, ok := cell(4, "tstz").(float64); !ok || got >= 0 {
		t.Errorf("1890-01-01 is a date before 1899-12-30: a negative serial, got %#v", cell(4, "tstz"))
	}
	for name, pattern := range map[string]string{"d": "yyyy-mm-dd", "ts": "yyyy-mm-dd hh:mm:ss.000",
		"tstz": "yyyy-mm-dd hh:mm:ss", "tm": "hh:mm:ss.000"} {
		f, _ := e.fake.CellFormat(id, "all_types", 1, col[name])["numberFormat"].(map[string]any)
		if f["pattern"] != pattern {
			t.Errorf("%s: number format %v, want %q", name, f, pattern)
		}
	}
	if f := e.fake.CellFormat(id, "all_types", 1, col["n"]); f != nil {
		t.Errorf("a numeric column has a format: %v", f)
	}
}
