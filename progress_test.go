package dbbackup_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// TestProgressNamesATableBeforeItsFirstRowAndCountsOnlyWholeTables: the
// page that follows a run says which table it waits on before the first
// row comes (a lock held on the table delays it), and a table whose read
// failed, or was cancelled, is not counted as exported.
func TestProgressNamesATableBeforeItsFirstRowAndCountsOnlyWholeTables(t *testing.T) {
	r, _ := newRunner(t, &failingTableExporter{lineExporter{format: "csv"}, "b"})
	var heard []string
	observe := func(p dbbackup.Progress) {
		if p.Table.Name != "" {
			heard = append(heard, fmt.Sprintf("%s rows=%d done=%v", p.Table, p.Rows, p.Done))
		}
	}
	if _, err := r.Run(context.Background(), observe); !errors.Is(err, errTableUnreadable) {
		t.Fatalf("Run: %v, want the table's failure", err)
	}
	want := []string{"public.a rows=0 done=false", "public.a rows=2 done=true", "public.b rows=0 done=false"}
	if fmt.Sprint(heard) != fmt.Sprint(want) {
		t.Errorf("the observer heard\n%q\nwant\n%q", heard, want)
	}
}

var errTableUnreadable = errors.New("the read of the table failed")

// failingTableExporter exports like lineExporter, but the read of the
// table named fail fails at its first row.
type failingTableExporter struct {
	lineExporter
	fail string
}

func (e *failingTableExporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	for _, t := range tables {
		if _, err := src.Rows(ctx, t, dbbackup.RowsOptions{}, func([][]byte, []*io.SectionReader) error {
			if t.Name == e.fail {
				return errTableUnreadable
			}
			return nil
		}); err != nil {
			return dbbackup.ExportResult{}, err
		}
	}
	return e.lineExporter.Export(ctx, src, tables[:0], path)
}
