package googlefake

// writePlan is a checked write of grid at (r1, c1) on t, made before
// anything changes so that a request with several ranges is all or nothing.
type writePlan struct {
	t      *tab
	r1, c1 int
	grid   [][]any
}

// planUpdate checks a values.update of grid into a. A single cell (or a
// title alone) is where the data starts; a range with corners must hold the
// data ("Requested writing within range [Sheet1!A1:B1], but tried writing
// to column [C]"). Either way the data must fit the grid: values.update
// never grows it.
func planUpdate(a a1, grid [][]any) (*writePlan, *Failure) {
	if f := a.checkGrid(); f != nil {
		return nil, f
	}
	bounded := !a.cell && !a.whole
	width := 0
	for i, row := range grid {
		if bounded && a.r2 >= 0 && a.r1+i >= a.r2 {
			f := sheetsInvalid("Requested writing within range [%s], but tried writing to row [%d]", a.spec(), a.r2+1)
			return nil, &f
		}
		if bounded && a.c2 >= 0 && a.c1+len(row) > a.c2 {
			f := sheetsInvalid("Requested writing within range [%s], but tried writing to column [%s]", a.spec(), colName(a.c2))
			return nil, &f
		}
		width = max(width, len(row))
	}
	t := a.t
	if len(grid) > 0 && (a.r1+len(grid) > t.rows || a.c1+width > t.cols) {
		f := gridFailure(spanString(t.title, a.r1, a.c1, a.r1+len(grid), a.c1+width), t)
		return nil, &f
	}
	return &writePlan{t: t, r1: a.r1, c1: a.c1, grid: grid}, nil
}

// apply writes the plan and returns the UpdateValuesResponse Google sends.
func (p *writePlan) apply(spreadsheetID string) map[string]any {
	rows, cells := 0, 0
	cols := map[int]bool{}
	width := 0
	for i, row := range p.grid {
		wrote := false
		for j, v := range row {
			if v == skipped {
				continue
			}
			p.t.set(p.r1+i, p.c1+j, v)
			wrote, cols[j] = true, true
			cells++
		}
		if wrote {
			rows++
		}
		width = max(width, len(row))
	}
	resp := map[string]any{"spreadsheetId": spreadsheetID}
	if len(p.grid) > 0 && width > 0 {
		resp["updatedRange"] = spanString(p.t.title, p.r1, p.c1, p.r1+len(p.grid), p.c1+width)
	}
	putCount(resp, "updatedRows", rows)
	putCount(resp, "updatedColumns", len(cols))
	putCount(resp, "updatedCells", cells)
	return resp
}

// putCount sets an integer member the way proto3 JSON does: zero is left out.
func putCount(m map[string]any, key string, n int) {
	if n != 0 {
		m[key] = n
	}
}

// planAppend finds the table a values.append targets and where the data
// goes. The table is the first block of consecutive non-empty rows at or
// below the range's first row, looking only at the range's columns (all
// columns to the right for a single cell or a title); data goes below its
// last row, starting at its first column, or at the range's first cell
// when no table is found. tableRange is "" then, as Google leaves it out.
func planAppend(a a1, grid [][]any) (p *writePlan, tableRange string) {
	t := a.t
	c1, c2 := a.c1, a.c2
	if c2 < 0 || a.cell || a.whole {
		c2 = t.cols
	}
	start, end, lo, hi := -1, -1, c2, c1
	for r := a.r1; r < len(t.cells); r++ {
		rowLo, rowHi := -1, -1
		for c := c1; c < c2 && c < len(t.cells[r]); c++ {
			if t.cells[r][c] != nil {
				if rowLo < 0 {
					rowLo = c
				}
				rowHi = c
			}
		}
		if rowLo < 0 {
			if start >= 0 {
				break
			}
			continue
		}
		if start < 0 {
			start = r
		}
		end, lo, hi = r, min(lo, rowLo), max(hi, rowHi)
	}
	if start < 0 {
		return &writePlan{t: t, r1: a.r1, c1: a.c1, grid: grid}, ""
	}
	return &writePlan{t: t, r1: end + 1, c1: lo, grid: grid}, spanString(t.title, start, lo, end+1, hi+1)
}

// growForAppend makes room for p as values.append does: OVERWRITE adds
// rows and columns at the grid's edge only when the data runs past it,
// INSERT_ROWS inserts one row per data row where the data goes. Growth
// past the spreadsheet's cell limit is refused with Google's message.
func growForAppend(b *spreadsheet, p *writePlan, insertRows bool) *Failure {
	t := p.t
	width := 0
	for _, row := range p.grid {
		width = max(width, len(row))
	}
	rows, cols := max(t.rows, p.r1+len(p.grid)), max(t.cols, p.c1+width)
	if insertRows {
		rows = max(t.rows, p.r1) + len(p.grid)
	}
	if f := checkGridSize(b, t, rows, cols); f != nil {
		return f
	}
	if insertRows && p.r1 < t.rows {
		t.insertRows(p.r1, len(p.grid))
	}
	t.rows, t.cols = rows, cols
	return nil
}

// checkGridSize refuses a new size for t that Google would refuse: more
// than 18,278 columns, or more cells in the whole spreadsheet than its
// limit. Callers in a batchUpdate prefix the request's place.
func checkGridSize(b *spreadsheet, t *tab, rows, cols int) *Failure {
	if cols > maxSheetCols {
		f := sheetsInvalid("This action would increase the number of columns in the sheet above the limit of %d columns.", maxSheetCols)
		return &f
	}
	total := b.cellCount() - int64(t.rows)*int64(t.cols) + int64(rows)*int64(cols)
	if total > maxSheetCells {
		f := sheetsInvalid("This action would increase the number of cells in the workbook above the limit of %d cells.", maxSheetCells)
		return &f
	}
	return nil
}

// insertRows shifts the cells at row r and below down by n.
func (t *tab) insertRows(r, n int) {
	if r >= len(t.cells) {
		return
	}
	t.cells = append(t.cells[:r], append(make([][]any, n), t.cells[r:]...)...)
}

// clearCells empties a's cells, as values.clear does (formats stay).
func clearCells(a a1) {
	r1, c1, r2, c2 := a.bounds()
	t := a.t
	for r := r1; r < r2 && r < len(t.cells); r++ {
		row := t.cells[r]
		for c := c1; c < c2 && c < len(row); c++ {
			row[c] = nil
		}
	}
}
