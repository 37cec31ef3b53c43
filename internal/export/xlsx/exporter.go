// Package xlsx writes a backup set as one Excel workbook with a sheet per
// table: a bold, frozen header row with an auto-filter, then the rows as
// typed cells (numbers, booleans, dates and times as such; everything that
// would lose a digit or that Excel cannot show, as PostgreSQL's text).
//
// It writes the SpreadsheetML parts itself, straight into a zip archive on
// disk, with inline strings instead of a shared strings table: memory
// stays flat however many rows a table has. (excelize's StreamWriter
// builds the whole archive in memory when it saves.) excelize is used by
// the tests to read every file back.
//
// Excel's limits are kept: a table over 1,048,575 rows continues on
// sheets "name (2)", "name (3)", …; a text over 32,767 characters is cut,
// and the export reports it in its warnings.
package xlsx

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// maxSheetRows is Excel's limit of rows a sheet, the header row included.
const maxSheetRows = 1 << 20

// ctxCheckRows is how often, in rows, an export looks at its context, for
// sources that do not.
const ctxCheckRows = 1024

// Exporter writes the xlsx format. The zero value is ready to use.
type Exporter struct {
	// rowsPerSheet overrides, in tests, how many data rows fit a sheet.
	rowsPerSheet int
}

var _ dbbackup.Exporter = (*Exporter)(nil)

// Format returns dbbackup.FormatXLSX.
func (*Exporter) Format() dbbackup.Format { return dbbackup.FormatXLSX }

// Extension returns ".xlsx": one workbook holds every table.
func (*Exporter) Extension(tables []dbbackup.Table) string {
	return dbbackup.FormatXLSX.Suffix(len(tables))
}

// Export writes tables into one workbook at path. Sheet names are the
// table names, or schema.table where two tables in the set share a name,
// adjusted to Excel's rules (see sheetNamer). An empty set gives a
// workbook with one empty sheet, because Excel opens no workbook without
// one.
func (e *Exporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	var res dbbackup.ExportResult
	wb, err := createWorkbook(path, src.Info().SnapshotTime)
	if err != nil {
		return res, err
	}
	names := wb.names.tableNames(tables)
	for i, t := range tables {
		rows, sheets, warnings, err := e.exportTable(ctx, wb, src, t, names[i])
		if err != nil {
			return dbbackup.ExportResult{}, wb.fail(fmt.Errorf("table %s: %w", t, err))
		}
		for _, sheet := range sheets {
			res.Parts = append(res.Parts, dbbackup.Part{Name: sheet, Schema: t.Schema, Table: t.Name})
		}
		res.Tables = append(res.Tables, dbbackup.TableCount{Schema: t.Schema, Name: t.Name, Rows: rows})
		res.Warnings = append(res.Warnings, warnings...)
	}
	if len(tables) == 0 {
		sw, err := wb.addSheet(wb.names.take("Sheet1", ""), newRowEncoder(nil), nil)
		if err == nil {
			err = wb.endSheet(sw)
		}
		if err != nil {
			return dbbackup.ExportResult{}, wb.fail(err)
		}
	}
	if err := wb.close(); err != nil {
		return dbbackup.ExportResult{}, err
	}
	return res, nil
}

// exportTable writes table t on the sheet named name and, when it has more
// rows than a sheet holds, on continuation sheets.
func (e *Exporter) exportTable(ctx context.Context, wb *workbook, src dbbackup.Source, t dbbackup.Table, name string) (rows int64, sheets, warnings []string, err error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, nil, err
	}
	limit := e.rowsPerSheet
	if limit <= 0 {
		limit = maxSheetRows - 1
	}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	enc := newRowEncoder(t.Columns)
	sw, err := wb.addSheet(name, enc, header)
	if err != nil {
		return 0, nil, nil, err
	}
	sheetNames := []string{name}
	_, err = src.Rows(ctx, t, dbbackup.RowsOptions{}, func(values [][]byte, long []*io.SectionReader) error {
		if len(values) != len(t.Columns) {
			return fmt.Errorf("row %d has %d values for %d columns", rows+1, len(values), len(t.Columns))
		}
		if rows%ctxCheckRows == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if sw.rows > limit { // the header and limit rows: the sheet is full
			if err := wb.endSheet(sw); err != nil {
				return err
			}
			next := wb.names.continuation(name, len(sheetNames)+1)
			sheetNames = append(sheetNames, next)
			var err error
			if sw, err = wb.addSheet(next, enc, header); err != nil {
				return err
			}
		}
		rows++
		if long != nil {
			var err error
			if values, err = withPrefixes(values, long); err != nil {
				return err
			}
		}
		return sw.writeRow(values)
	})
	if err != nil {
		return 0, nil, nil, err
	}
	if err := wb.endSheet(sw); err != nil {
		return 0, nil, nil, err
	}
	return rows, sheetNames, tableWarnings(t, enc, rows, sheetNames), nil
}

// tableWarnings tells what the user must know about a table's sheets: the
// cells that were altered to fit, and a table split over several sheets.
func tableWarnings(t dbbackup.Table, enc *rowEncoder, rows int64, sheets []string) []string {
	var w []string
	for i, c := range t.Columns {
		if n := enc.cut[i]; n > 0 {
			w = append(w, fmt.Sprintf("xlsx: %s column %q: %s cut to %d characters (Excel's limit)",
				t, c.Name, cells(n), maxCellChars))
		}
		if n := enc.invalid[i]; n > 0 {
			w = append(w, fmt.Sprintf("xlsx: %s column %q: %s held bytes that are not UTF-8, written as U+FFFD",
				t, c.Name, cells(n)))
		}
	}
	if len(sheets) > 1 {
		w = append(w, fmt.Sprintf("xlsx: %s: %d rows split over %d sheets, %s (Excel's limit is %d rows a sheet)",
			t, rows, len(sheets), quoteList(sheets), maxSheetRows))
	}
	return w
}

func cells(n int64) string {
	if n == 1 {
		return "1 cell"
	}
	return fmt.Sprintf("%d cells", n)
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
