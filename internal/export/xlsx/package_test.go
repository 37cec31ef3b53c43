package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// TestPatchZip64 checks that a worksheet over 4 GiB gets a local header
// that asks for ZIP 4.5, as Excel requires. Writing 4 GiB in a test is too
// slow, so the sheet's size is faked before the archive is closed.
func TestPatchZip64(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.xlsx")
	wb, err := createWorkbook(path, time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	cols := []dbbackup.Column{col("id", dbbackup.KindInt)}
	for i, name := range []string{"small", "big"} {
		sw, err := wb.addSheet(name, newRowEncoder(cols), []string{"id"})
		if err != nil {
			t.Fatal(err)
		}
		if err := sw.writeRow(row("1")); err != nil {
			t.Fatal(err)
		}
		if err := wb.endSheet(sw); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			wb.sheets[i].size.n = math.MaxUint32
		}
	}
	if err := wb.close(); err != nil {
		t.Fatal(err)
	}

	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []uint16{20, 45} {
		off, err := localHeader(bytes.NewReader(b), wb.sheets[i].dataStart, wb.sheets[i].file)
		if err != nil {
			t.Fatalf("sheet %d: %v", i+1, err)
		}
		if got := string(b[off+30 : off+30+int64(len(wb.sheets[i].file))]); got != wb.sheets[i].file {
			t.Errorf("sheet %d: header names %q", i+1, got)
		}
		if v := binary.LittleEndian.Uint16(b[off+4:]); v != want {
			t.Errorf("sheet %d: version needed %d, want %d", i+1, v, want)
		}
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for i, p := range wb.sheets {
		f := zr.File[i]
		if at, err := f.DataOffset(); err != nil || f.Name != p.file || at != p.dataStart {
			t.Errorf("entry %d: %s data at %d (%v), want %s at %d", i, f.Name, at, err, p.file, p.dataStart)
		}
	}
	open(t, path)
}
