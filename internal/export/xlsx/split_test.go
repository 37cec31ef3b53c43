package xlsx

import (
	"archive/zip"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestSplitIntoSheets(t *testing.T) {
	src := newFakeSource()
	big := src.addGen(table("t", col("id", dbbackup.KindInt)), 12, intRows)
	after := src.add(table("u", col("id", dbbackup.KindInt)), row("7"))
	path, res := export(t, &Exporter{rowsPerSheet: 5}, src, big, after)

	if res.Tables[0].Rows != 12 || res.Tables[1].Rows != 1 {
		t.Errorf("Tables = %v", res.Tables)
	}
	wantWarning := `xlsx: public.t: 12 rows split over 3 sheets, "t", "t (2)", "t (3)" (Excel's limit is 1048576 rows a sheet)`
	if len(res.Warnings) != 1 || res.Warnings[0] != wantWarning {
		t.Errorf("Warnings = %q, want %q", res.Warnings, wantWarning)
	}
	f := open(t, path)
	if got := strings.Join(f.GetSheetList(), ","); got != "t,t (2),t (3),u" {
		t.Fatalf("sheets = %s", got)
	}
	next := 1
	for _, sheet := range []string{"t", "t (2)", "t (3)"} {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "id" {
			t.Errorf("%s: header %q", sheet, rows[0])
		}
		for _, r := range rows[1:] {
			if r[0] != strconv.Itoa(next) {
				t.Errorf("%s: row %q, want %d", sheet, r, next)
			}
			next++
		}
		panes, _ := f.GetPanes(sheet)
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header not frozen: %+v", sheet, panes)
		}
	}
	if next != 13 {
		t.Errorf("read %d rows back, want 12", next-1)
	}
	if x := sheetXML(t, path, 3); !strings.Contains(x, `<autoFilter ref="A1:A3"/>`) {
		t.Errorf("sheet t (3): no auto-filter over A1:A3")
	}
}

// A table that fills its last sheet exactly gets no empty sheet after it.
func TestSplitExactlyFull(t *testing.T) {
	src := newFakeSource()
	tb := src.addGen(table("t", col("id", dbbackup.KindInt)), 10, intRows)
	path, res := export(t, &Exporter{rowsPerSheet: 5}, src, tb)
	if got := strings.Join(open(t, path).GetSheetList(), ","); got != "t,t (2)" {
		t.Errorf("sheets = %s, want t,t (2)", got)
	}
	if res.Tables[0].Rows != 10 || len(res.Warnings) != 1 {
		t.Errorf("result = %+v", res)
	}
}

// TestSplitAtExcelLimit exports one row more than two full sheets' worth
// of Excel's real limit.
func TestSplitAtExcelLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1,048,577 rows")
	}
	const perSheet = maxSheetRows - 1
	src := newFakeSource()
	tb := src.addGen(table("big", col("id", dbbackup.KindInt)), perSheet+2, intRows)
	path, res := export(t, &Exporter{}, src, tb)
	if res.Tables[0].Rows != perSheet+2 {
		t.Errorf("rows = %d", res.Tables[0].Rows)
	}
	f := open(t, path)
	if got := strings.Join(f.GetSheetList(), ","); got != "big,big (2)" {
		t.Fatalf("sheets = %s", got)
	}
	// The first sheet is too big to load with excelize in a test: its end
	// tells enough.
	end := `<row r="1048576"><c r="A1048576"><v>1048575</v></c></row></sheetData><autoFilter ref="A1:A1048576"/>`
	if tail := sheetTail(t, path, 1); !strings.Contains(tail, end) {
		t.Errorf("sheet 1 ends with %q, want %q", tail, end)
	}
	rows, err := f.GetRows("big (2)")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "id" || rows[1][0] != "1048576" || rows[2][0] != "1048577" {
		t.Errorf("sheet big (2) = %q", rows)
	}
}

// sheetTail returns the last bytes of the n-th worksheet's XML.
func sheetTail(t *testing.T, path string, n int) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	r, err := zr.Open("xl/worksheets/sheet" + strconv.Itoa(n) + ".xml")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var tw tailWriter
	if _, err := io.Copy(&tw, r); err != nil {
		t.Fatal(err)
	}
	return string(tw.b)
}

// tailWriter keeps the last 512 bytes written to it.
type tailWriter struct{ b []byte }

func (w *tailWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	if len(w.b) > 512 {
		w.b = append(w.b[:0], w.b[len(w.b)-512:]...)
	}
	return len(p), nil
}
