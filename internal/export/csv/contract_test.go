package csv

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"os"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/exporttest"
)

func TestExporterContract(t *testing.T) {
	exporttest.Run(t, exporttest.Suite{
		New:   func(*testing.T) dbbackup.Exporter { return Exporter{} },
		Count: countRows,
	})
}

// countRows reads a .csv, or each entry of a .csv.zip, as CSV with a header.
func countRows(t *testing.T, path string, tables []dbbackup.Table) []int64 {
	t.Helper()
	if len(tables) == 1 {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return []int64{records(t, f)}
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	counts := []int64{}
	for _, e := range z.File {
		r, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		counts = append(counts, records(t, r))
		r.Close()
	}
	return counts
}

// records is the number of rows under the header line.
func records(t *testing.T, r io.Reader) int64 {
	t.Helper()
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("not CSV with a header: %d lines, %v", len(rows), err)
	}
	return int64(len(rows) - 1)
}
