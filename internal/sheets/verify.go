package sheets

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/dbbackup/dbbackup"
)

// verifyEnd reads back where the tab's rows end, after writing: row
// lastRow (1-based, the header being row 1) must hold want, the last row
// sent, and no row below it up to the grid's end (gridRows) may hold
// anything. With each write's answer checked for the rows it covered,
// that proves the sheet holds exactly the rows sent: none lost at the end,
// none written twice.
func (r *run) verifyEnd(ctx context.Context, title string, cols, lastRow, gridRows int, want []any) error {
	ranges := []string{rowsRange(title, lastRow, lastRow, cols)}
	if gridRows > lastRow {
		ranges = append(ranges, belowRange(title, lastRow+1, cols))
	}
	got, err := r.readRanges(ctx, "read back the end of tab "+title, ranges)
	if err != nil {
		return err
	}
	var row []any
	if len(got[0]) > 0 {
		row = got[0][0]
	}
	for i, w := range want {
		var g any
		if i < len(row) {
			g = row[i]
		}
		if !cellEqual(w, g) {
			return r.mismatch(title, fmt.Sprintf("row %d, column %s holds %v where the sync wrote %v", lastRow, columnName(i), g, w))
		}
	}
	if len(ranges) > 1 && len(got[1]) > 0 {
		return r.mismatch(title, fmt.Sprintf("%d more rows follow row %d, the last one the sync wrote", len(got[1]), lastRow))
	}
	return nil
}

func (r *run) mismatch(title, what string) error {
	return &dbbackup.HintError{Err: fmt.Errorf("read back tab %q of spreadsheet %s: %s", title, r.job.SpreadsheetID, what),
		Hint: "something else wrote to the tab during the sync; run the sync again (a replace rewrites the tab)"}
}

// readRanges reads ranges with values.batchGet as stored (numbers as
// numbers, dates as serial numbers), each as rows of cells.
func (r *run) readRanges(ctx context.Context, what string, ranges []string) ([][][]any, error) {
	out := make([][][]any, len(ranges))
	err := r.read(ctx, what, func() error {
		resp, err := r.s.svc.Spreadsheets.Values.BatchGet(r.job.SpreadsheetID).Ranges(ranges...).
			ValueRenderOption("UNFORMATTED_VALUE").DateTimeRenderOption("SERIAL_NUMBER").Context(ctx).Do()
		if err != nil {
			return err
		}
		for i, vr := range resp.ValueRanges {
			if i < len(out) {
				out[i] = vr.Values
			}
		}
		return nil
	})
	return out, err
}

// cellEqual reports whether got, a cell read back, is what sent wrote.
func cellEqual(sent, got any) bool {
	switch s := sent.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(s), 64)
		g, ok := got.(float64)
		return err == nil && ok && f == g
	case string:
		g, ok := got.(string)
		return s == g && (ok || got == nil)
	case bool:
		g, ok := got.(bool)
		return ok && g == s
	}
	return sent == got
}
