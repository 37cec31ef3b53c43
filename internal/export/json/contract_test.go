package json

import (
	"encoding/json"
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

// countRows decodes the document and counts each table's rows, which
// must agree with the row_count it states.
func countRows(t *testing.T, path string, tables []dbbackup.Table) []int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tables []struct {
			Rows     []map[string]any `json:"rows"`
			RowCount int64            `json:"row_count"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not a JSON document: %v", err)
	}
	counts := []int64{}
	for i, tb := range doc.Tables {
		if int64(len(tb.Rows)) != tb.RowCount {
			t.Errorf("table %d: row_count %d for %d rows", i, tb.RowCount, len(tb.Rows))
		}
		counts = append(counts, int64(len(tb.Rows)))
	}
	return counts
}
