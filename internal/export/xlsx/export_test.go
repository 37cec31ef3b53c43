package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/xuri/excelize/v2"
)

// export runs e on tables from src into a new file and returns its path.
func export(t *testing.T, e *Exporter, src dbbackup.Source, tables ...dbbackup.Table) (string, dbbackup.ExportResult) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "backup.xlsx")
	res, err := e.Export(context.Background(), src, tables, path)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	checkNoFormulas(t, path)
	return path, res
}

// open reads an exported file back with excelize.
func open(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize.OpenFile: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sheetXML returns the raw XML of the n-th worksheet (1-based).
func sheetXML(t *testing.T, path string, n int) string {
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
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkNoFormulas fails when any part of the file holds a formula: values
// are data, never formulas.
func checkNoFormulas(t *testing.T, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		found, err := containsAny(r, "<f>", "<f ")
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if found {
			t.Errorf("%s holds a formula element", f.Name)
		}
	}
}

// containsAny scans r in chunks for any of the (short) needles.
func containsAny(r io.Reader, needles ...string) (bool, error) {
	buf := make([]byte, 64<<10)
	keep := 0
	for {
		n, err := r.Read(buf[keep:])
		chunk := buf[:keep+n]
		for _, s := range needles {
			if bytes.Contains(chunk, []byte(s)) {
				return true, nil
			}
		}
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		keep = min(len(chunk), 8)
		copy(buf, chunk[len(chunk)-keep:])
	}
}

func TestFormatAndExtension(t *testing.T) {
	e := &Exporter{}
	if e.Format() != dbbackup.FormatXLSX {
		t.Errorf("Format() = %q", e.Format())
	}
	for _, tables := range [][]dbbackup.Table{nil, {table("a")}, {table("a"), table("b")}} {
		if got := e.Extension(tables); got != ".xlsx" {
			t.Errorf("Extension(%d tables) = %q, want .xlsx", len(tables), got)
		}
	}
}

func TestExportCountsRows(t *testing.T) {
	src := newFakeSource()
	a := src.add(table("a", col("id", dbbackup.KindInt)), row("1"), row("2"))
	b := src.add(table("b", col("id", dbbackup.KindInt)))
	c := src.addGen(table("c", col("id", dbbackup.KindInt)), 250, intRows)
	path, res := export(t, &Exporter{}, src, a, b, c)
	want := []dbbackup.TableCount{{Schema: "public", Name: "a", Rows: 2}, {Schema: "public", Name: "b", Rows: 0},
		{Schema: "public", Name: "c", Rows: 250}}
	if len(res.Tables) != len(want) {
		t.Fatalf("Tables = %v, want %v", res.Tables, want)
	}
	for i := range want {
		if res.Tables[i] != want[i] {
			t.Errorf("Tables[%d] = %v, want %v", i, res.Tables[i], want[i])
		}
	}
	if len(res.Warnings) != 0 {
		t.Errorf("Warnings = %q, want none", res.Warnings)
	}
	f := open(t, path)
	if got := f.GetSheetList(); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("sheets = %q", got)
	}
	rows, err := f.GetRows("c")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 251 || rows[0][0] != "id" || rows[250][0] != "250" {
		t.Errorf("sheet c: %d rows, first %q, last %q", len(rows), rows[0], rows[len(rows)-1])
	}
}

func TestExportNoTables(t *testing.T) {
	path, res := export(t, &Exporter{}, newFakeSource())
	if len(res.Tables) != 0 {
		t.Errorf("Tables = %v", res.Tables)
	}
	if got := open(t, path).GetSheetList(); len(got) != 1 {
		t.Errorf("sheets = %q, want one empty sheet", got)
	}
}

func TestExportNoColumns(t *testing.T) {
	src := newFakeSource()
	tb := src.add(table("empty"), row(), row())
	path, res := export(t, &Exporter{}, src, tb)
	if res.Tables[0].Rows != 2 {
		t.Errorf("rows = %d, want 2", res.Tables[0].Rows)
	}
	if strings.Contains(sheetXML(t, path, 1), "autoFilter") {
		t.Error("a sheet without columns has an auto-filter")
	}
	open(t, path)
}

func TestExportContextCanceled(t *testing.T) {
	src := newFakeSource()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tb := src.addGen(table("t", col("id", dbbackup.KindInt)), 1_000_000, func(i int64, buf [][]byte) [][]byte {
		if i == 5000 {
			cancel()
		}
		return intRows(i, buf)
	})
	path := filepath.Join(t.TempDir(), "x.xlsx")
	_, err := (&Exporter{}).Export(ctx, src, []dbbackup.Table{tb}, path)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Export after cancel: %v, want context.Canceled", err)
	}

	// A context canceled before the start stops the export before any row.
	_, err = (&Exporter{}).Export(ctx, src, []dbbackup.Table{tb}, path)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Export with a canceled context: %v, want context.Canceled", err)
	}
}

func TestExportSourceErrors(t *testing.T) {
	boom := errors.New("connection lost")
	src := newFakeSource()
	tb := table("t", col("a", dbbackup.KindInt), col("b", dbbackup.KindText))
	src.tables[tb.String()] = fakeTable{rows: [][][]byte{row("1", "x")}, err: boom}
	path := filepath.Join(t.TempDir(), "x.xlsx")
	if _, err := (&Exporter{}).Export(context.Background(), src, []dbbackup.Table{tb}, path); !errors.Is(err, boom) {
		t.Errorf("Export with a failing source: %v, want %v", err, boom)
	}

	short := src.add(table("short", col("a", dbbackup.KindInt), col("b", dbbackup.KindText)), row("1"))
	_, err := (&Exporter{}).Export(context.Background(), src, []dbbackup.Table{short}, path)
	if err == nil || !strings.Contains(err.Error(), "1 values for 2 columns") {
		t.Errorf("Export with a short row: %v", err)
	}

	if _, err := (&Exporter{}).Export(context.Background(), src, nil, filepath.Join(path, "no", "dir")); err == nil {
		t.Error("Export into a missing directory succeeded")
	}
}

// TestExportDiskFull writes to /dev/full, where every write fails as on a
// full disk: the error must come back, mid-table or at the end.
func TestExportDiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	for _, rows := range []int64{1, 100_000} {
		src := newFakeSource()
		tb := src.addGen(table("t", col("id", dbbackup.KindInt)), rows, intRows)
		_, err := (&Exporter{}).Export(context.Background(), src, []dbbackup.Table{tb}, "/dev/full")
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("%d rows to /dev/full: %v, want ENOSPC", rows, err)
		}
	}
}
