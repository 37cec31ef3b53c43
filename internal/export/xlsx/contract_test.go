package xlsx

import (
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/exporttest"
)

func TestExporterContract(t *testing.T) {
	exporttest.Run(t, exporttest.Suite{
		New:   func(*testing.T) dbbackup.Exporter { return &Exporter{} },
		Count: countRows,
	})
}

// countRows reads the workbook with excelize: a sheet a table, in order,
// each under its header row; a workbook of no tables has one empty sheet.
func countRows(t *testing.T, path string, tables []dbbackup.Table) []int64 {
	t.Helper()
	f := open(t, path)
	sheets := f.GetSheetList()
	if len(tables) == 0 {
		if rows, err := f.GetRows(sheets[0]); len(sheets) != 1 || len(rows) != 0 || err != nil {
			t.Errorf("a workbook of no tables: sheets %q, %d rows, %v", sheets, len(rows), err)
		}
		return []int64{}
	}
	counts := []int64{}
	for _, s := range sheets {
		rows, err := f.GetRows(s)
		if err != nil || len(rows) == 0 {
			t.Fatalf("sheet %q: %d rows, %v; want a header row", s, len(rows), err)
		}
		counts = append(counts, int64(len(rows)-1))
	}
	return counts
}
