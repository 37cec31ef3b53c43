package googlefake

import (
	"encoding/json"
	"reflect"

	sheets "google.golang.org/api/sheets/v4"
)

// gridRange is a GridRange: zero-based, end exclusive, an absent index
// open to the grid's edge.
type gridRange struct {
	SheetID          int64 `json:"sheetId"`
	StartRowIndex    *int  `json:"startRowIndex"`
	EndRowIndex      *int  `json:"endRowIndex"`
	StartColumnIndex *int  `json:"startColumnIndex"`
	EndColumnIndex   *int  `json:"endColumnIndex"`
}

func (g gridRange) resolve(b *spreadsheet) (t *tab, r1, c1, r2, c2 int, f *Failure) {
	if t = b.tabByID(g.SheetID); t == nil {
		return nil, 0, 0, 0, 0, tabFailure(g.SheetID)
	}
	pick := func(p *int, def int) int {
		if p == nil {
			return def
		}
		return *p
	}
	r1, r2 = pick(g.StartRowIndex, 0), pick(g.EndRowIndex, t.rows)
	c1, c2 = pick(g.StartColumnIndex, 0), pick(g.EndColumnIndex, t.cols)
	if r1 < 0 || c1 < 0 || r2 <= r1 || c2 <= c1 {
		fail := sheetsInvalid("Invalid range: start indexes must be non-negative and below the end indexes.")
		return nil, 0, 0, 0, 0, &fail
	}
	if r2 > t.rows || c2 > t.cols {
		fail := gridFailure(spanString(t.title, r1, c1, r2, c2), t)
		return nil, 0, 0, 0, 0, &fail
	}
	return t, r1, c1, r2, c2, nil
}

var cellDataType = reflect.TypeFor[sheets.CellData]()

// reqRepeatCell writes one CellData to every cell of a range: the value
// when the mask names userEnteredValue, formats (a bold header) otherwise.
func reqRepeatCell(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		Range  gridRange      `json:"range"`
		Cell   map[string]any `json:"cell"`
		Fields string         `json:"fields"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	if f := maskFailure(req.Fields, cellDataType); f != nil {
		return nil, f
	}
	t, r1, c1, r2, c2, f := req.Range.resolve(b)
	if f != nil {
		return nil, f
	}
	return nil, t.applyCellData(r1, c1, r2, c2, req.Cell, parseMask(req.Fields))
}

// reqUpdateCells writes rows of CellData from a start cell, or into a
// range, whose cells the data leaves out get the masked fields cleared.
func reqUpdateCells(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		Rows []struct {
			Values []map[string]any `json:"values"`
		} `json:"rows"`
		Fields string     `json:"fields"`
		Range  *gridRange `json:"range"`
		Start  *struct {
			SheetID     int64 `json:"sheetId"`
			RowIndex    int   `json:"rowIndex"`
			ColumnIndex int   `json:"columnIndex"`
		} `json:"start"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	if f := maskFailure(req.Fields, cellDataType); f != nil {
		return nil, f
	}
	paths := parseMask(req.Fields)
	if (req.Range == nil) == (req.Start == nil) {
		f := sheetsInvalid("Exactly one of start or range must be set.")
		return nil, &f
	}
	if req.Start != nil {
		s := req.Start
		t := b.tabByID(s.SheetID)
		if t == nil {
			return nil, tabFailure(s.SheetID)
		}
		width := 0
		for _, row := range req.Rows {
			width = max(width, len(row.Values))
		}
		if s.RowIndex < 0 || s.ColumnIndex < 0 || s.RowIndex+len(req.Rows) > t.rows || s.ColumnIndex+width > t.cols {
			f := gridFailure(spanString(t.title, s.RowIndex, s.ColumnIndex, s.RowIndex+max(len(req.Rows), 1),
				s.ColumnIndex+max(width, 1)), t)
			return nil, &f
		}
		for i, row := range req.Rows {
			for j, cell := range row.Values {
				if f := t.applyCellData(s.RowIndex+i, s.ColumnIndex+j, s.RowIndex+i+1, s.ColumnIndex+j+1, cell, paths); f != nil {
					return nil, f
				}
			}
		}
		return nil, nil
	}
	t, r1, c1, r2, c2, f := req.Range.resolve(b)
	if f != nil {
		return nil, f
	}
	if len(req.Rows) > r2-r1 {
		f := sheetsInvalid("Attempting to write row: %d, beyond the last requested row of: %d", r1+len(req.Rows), r2-1)
		return nil, &f
	}
	for r := r1; r < r2; r++ {
		var values []map[string]any
		if i := r - r1; i < len(req.Rows) {
			values = req.Rows[i].Values
		}
		if len(values) > c2-c1 {
			f := sheetsInvalid("Attempting to write column: %d, beyond the last requested column of: %d", c1+len(values), c2-1)
			return nil, &f
		}
		for c := c1; c < c2; c++ {
			cell := map[string]any{}
			if j := c - c1; j < len(values) {
				cell = values[j]
			}
			if f := t.applyCellData(r, c, r+1, c+1, cell, paths); f != nil {
				return nil, f
			}
		}
	}
	return nil, nil
}
