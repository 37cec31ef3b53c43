package googlefake

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// sheetPropsIn is SheetProperties in a request (addSheet, create,
// updateSheetProperties); pointers tell an absent member from a zero one,
// since an absent index means "at the end".
type sheetPropsIn struct {
	SheetID        *int64       `json:"sheetId"`
	Title          *string      `json:"title"`
	Index          *int         `json:"index"`
	Hidden         *bool        `json:"hidden"`
	GridProperties *gridPropsIn `json:"gridProperties"`
	TabColor       any          `json:"tabColor"`
	TabColorStyle  any          `json:"tabColorStyle"`
	SheetType      string       `json:"sheetType"`
	RightToLeft    *bool        `json:"rightToLeft"`
}

type gridPropsIn struct {
	RowCount          *int `json:"rowCount"`
	ColumnCount       *int `json:"columnCount"`
	FrozenRowCount    *int `json:"frozenRowCount"`
	FrozenColumnCount *int `json:"frozenColumnCount"`
}

// addTab adds a tab to b as addSheet does: a title of its own (Google
// compares titles without case), a sheetId that is free, a 1000 × 26 grid
// unless told otherwise, at the end unless an index is given, and within
// the spreadsheet's cell limit. first is true for the first tab of a new
// spreadsheet, which gets sheetId 0 as Google's "Sheet1" does.
func (b *spreadsheet) addTab(p sheetPropsIn, first bool) (*tab, *Failure) {
	bad := func(format string, args ...any) (*tab, *Failure) {
		f := sheetsInvalid(format, args...)
		return nil, &f
	}
	if p.SheetType != "" && p.SheetType != "GRID" {
		f := sheetsUnimplemented("sheetType %s", p.SheetType)
		return nil, &f
	}
	// The tab is not in b yet: it starts with no grid, so that the cell
	// limit counts its new size once.
	t := &tab{owned: true}
	g := gridPropsIn{}
	if p.GridProperties != nil {
		g = *p.GridProperties
	}
	rows, cols := defaultRows, defaultColumns
	if g.RowCount == nil {
		g.RowCount = &rows
	}
	if g.ColumnCount == nil {
		g.ColumnCount = &cols
	}
	p.GridProperties = &g
	switch {
	case p.SheetID != nil && *p.SheetID < 0:
		return bad("Invalid sheetId: %d. The sheetId must be non-negative.", *p.SheetID)
	case p.SheetID != nil && b.tabByID(*p.SheetID) != nil:
		return bad("Invalid sheetId: %d. A sheet with this ID already exists.", *p.SheetID)
	case p.SheetID != nil:
		t.id = *p.SheetID
	case !first:
		for t.id = rand.Int64N(1 << 31); b.tabByID(t.id) != nil; t.id = rand.Int64N(1 << 31) {
		}
	}
	if p.Title != nil && *p.Title != "" {
		t.title = *p.Title
	} else {
		for n := len(b.tabs) + 1; t.title == "" || b.tabByTitle(t.title) != nil; n++ {
			t.title = "Sheet" + strconv.Itoa(n)
		}
	}
	if b.tabByTitle(t.title) != nil {
		return bad("A sheet with the name %q already exists. Please enter another name.", t.title)
	}
	if fail := t.applyProps(b, p, nil); fail != nil {
		return nil, fail
	}
	at := len(b.tabs)
	if p.Index != nil {
		at = min(max(*p.Index, 0), len(b.tabs))
	}
	b.tabs = slices.Insert(b.tabs, at, t)
	if b.firstVisible() == nil {
		b.tabs = slices.Delete(b.tabs, at, at+1)
		return bad("You can't hide all the sheets in a document.")
	}
	return t, nil
}

// applyProps sets the grid, frozen counts, visibility and colour of p
// that mask selects (nil: all that p has), with Google's checks. The row
// count is applied before the column count, as Google does, so growing
// rows while shrinking columns can trip the cell limit on the way.
func (t *tab) applyProps(b *spreadsheet, p sheetPropsIn, mask map[string]bool) *Failure {
	want := func(path string, present bool) bool {
		if mask == nil {
			return present
		}
		return mask[path] || mask["gridProperties"] && strings.HasPrefix(path, "gridProperties.")
	}
	g := p.GridProperties
	if g == nil {
		g = &gridPropsIn{}
	}
	bad := func(format string, args ...any) *Failure {
		f := sheetsInvalid(format, args...)
		return &f
	}
	val := func(v *int) int {
		if v == nil {
			return 0
		}
		return *v
	}
	rows, cols, frozenR, frozenC := t.rows, t.cols, t.frozenRows, t.frozenCols
	if want("gridProperties.rowCount", g.RowCount != nil) {
		rows = val(g.RowCount)
	}
	if want("gridProperties.columnCount", g.ColumnCount != nil) {
		cols = val(g.ColumnCount)
	}
	if want("gridProperties.frozenRowCount", g.FrozenRowCount != nil) {
		frozenR = val(g.FrozenRowCount)
	}
	if want("gridProperties.frozenColumnCount", g.FrozenColumnCount != nil) {
		frozenC = val(g.FrozenColumnCount)
	}
	switch {
	case rows < 1:
		return bad("Invalid rowCount: %d. A sheet must have at least one row.", rows)
	case cols < 1:
		return bad("Invalid columnCount: %d. A sheet must have at least one column.", cols)
	case frozenR < 0 || frozenC < 0:
		return bad("Invalid frozen count: frozen rows and columns cannot be negative.")
	case frozenR >= rows:
		return bad("You can't freeze all visible rows on the sheet.")
	case frozenC >= cols:
		return bad("You can't freeze all visible columns on the sheet.")
	}
	if rows != t.rows {
		if f := checkGridSize(b, t, rows, t.cols); f != nil {
			return f
		}
	}
	if f := checkGridSize(b, t, rows, cols); f != nil {
		return f
	}
	if rows < t.rows || cols < t.cols {
		t.own()
		t.truncate(rows, cols)
	}
	t.rows, t.cols, t.frozenRows, t.frozenCols = rows, cols, frozenR, frozenC
	if want("hidden", p.Hidden != nil) {
		t.hidden = p.Hidden != nil && *p.Hidden
	}
	if want("tabColorStyle", p.TabColorStyle != nil) {
		t.tabColor = p.TabColorStyle
	} else if want("tabColor", p.TabColor != nil) {
		t.tabColor = p.TabColor
	}
	return nil
}

// truncate drops the cells outside a smaller grid, as shrinking it in the
// UI deletes them.
func (t *tab) truncate(rows, cols int) {
	if len(t.cells) > rows {
		t.cells = t.cells[:rows]
	}
	for i, row := range t.cells {
		if len(row) > cols {
			t.cells[i] = row[:cols]
		}
	}
}

// propsJSON is SheetProperties as Google writes them: members at their
// zero value (sheetId 0, index 0, frozenRowCount 0, hidden false) left
// out, as proto3 JSON does.
func (t *tab) propsJSON(index int) map[string]any {
	grid := map[string]any{"rowCount": t.rows, "columnCount": t.cols}
	putCount(grid, "frozenRowCount", t.frozenRows)
	putCount(grid, "frozenColumnCount", t.frozenCols)
	m := map[string]any{"title": t.title, "sheetType": "GRID", "gridProperties": grid}
	if t.id != 0 {
		m["sheetId"] = t.id
	}
	putCount(m, "index", index)
	if t.hidden {
		m["hidden"] = true
	}
	if t.tabColor != nil {
		m["tabColorStyle"] = t.tabColor
	}
	return m
}
