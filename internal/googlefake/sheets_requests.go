package googlefake

import (
	"encoding/json"
	"reflect"
	"slices"

	sheets "google.golang.org/api/sheets/v4"
)

func tabFailure(id int64) *Failure {
	f := sheetsInvalid("No grid with id: %d", id)
	return &f
}

func reqAddSheet(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		Properties sheetPropsIn `json:"properties"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	t, f := b.addTab(req.Properties, false)
	if f != nil {
		return nil, f
	}
	return map[string]any{"addSheet": map[string]any{"properties": t.propsJSON(slices.Index(b.tabs, t))}}, nil
}

// reqDeleteSheet deletes a tab and the developer metadata on it. The last
// tab, or the last visible one, cannot go.
func reqDeleteSheet(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		SheetID int64 `json:"sheetId"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	t := b.tabByID(req.SheetID)
	if t == nil {
		return nil, tabFailure(req.SheetID)
	}
	if len(b.tabs) == 1 {
		f := sheetsInvalid("You can't remove all the sheets in a document.")
		return nil, &f
	}
	i := slices.Index(b.tabs, t)
	b.tabs = slices.Delete(b.tabs, i, i+1)
	if b.firstVisible() == nil {
		f := sheetsInvalid("You can't remove all the visible sheets in a document.")
		return nil, &f
	}
	b.meta = slices.DeleteFunc(b.meta, func(m *devMeta) bool { return m.sheetID != nil && *m.sheetID == t.id })
	return nil, nil
}

// reqUpdateSheetProperties changes what its mask selects. An index counts
// positions before the move, as Google documents: moving the first of
// three tabs behind the second takes index 2.
func reqUpdateSheetProperties(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		Properties sheetPropsIn `json:"properties"`
		Fields     string       `json:"fields"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	if f := maskFailure(req.Fields, reflect.TypeFor[sheets.SheetProperties]()); f != nil {
		return nil, f
	}
	p := req.Properties
	var id int64
	if p.SheetID != nil {
		id = *p.SheetID
	}
	t := b.tabByID(id)
	if t == nil {
		return nil, tabFailure(id)
	}
	mask := maskSet(req.Fields)
	if mask["*"] {
		mask = map[string]bool{"title": true, "index": true, "hidden": true, "gridProperties": true,
			"tabColor": true, "tabColorStyle": true}
	}
	if f := t.applyProps(b, p, mask); f != nil {
		return nil, f
	}
	if mask["title"] {
		title := ""
		if p.Title != nil {
			title = *p.Title
		}
		if other := b.tabByTitle(title); title == "" || other != nil && other != t {
			f := sheetsInvalid("A sheet with the name %q already exists. Please enter another name.", title)
			if title == "" {
				f = sheetsInvalid("Invalid sheet title: a sheet's title cannot be empty.")
			}
			return nil, &f
		}
		t.title = title
	}
	if mask["index"] {
		to := 0
		if p.Index != nil {
			to = *p.Index
		}
		from := slices.Index(b.tabs, t)
		if to > from {
			to--
		}
		to = min(max(to, 0), len(b.tabs)-1)
		b.tabs = slices.Insert(slices.Delete(b.tabs, from, from+1), to, t)
	}
	if b.firstVisible() == nil {
		f := sheetsInvalid("You can't hide all the sheets in a document.")
		return nil, &f
	}
	return nil, nil
}

func reqUpdateSpreadsheetProperties(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		Properties struct {
			Title    string `json:"title"`
			Locale   string `json:"locale"`
			TimeZone string `json:"timeZone"`
		} `json:"properties"`
		Fields string `json:"fields"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	if f := maskFailure(req.Fields, reflect.TypeFor[sheets.SpreadsheetProperties]()); f != nil {
		return nil, f
	}
	mask := maskSet(req.Fields)
	if mask["title"] || mask["*"] {
		b.title = req.Properties.Title
	}
	if mask["locale"] || mask["*"] {
		b.locale = req.Properties.Locale
	}
	if mask["timeZone"] || mask["*"] {
		b.timeZone = req.Properties.TimeZone
	}
	return nil, nil
}

// dimensionRange is a DimensionRange: rows or columns [start, end) of a tab.
type dimensionRange struct {
	SheetID    int64  `json:"sheetId"`
	Dimension  string `json:"dimension"`
	StartIndex *int   `json:"startIndex"`
	EndIndex   *int   `json:"endIndex"`
}

// resolve checks d against its tab and closes open ends at the grid's edge.
func (d dimensionRange) resolve(b *spreadsheet) (t *tab, rows bool, start, end int, f *Failure) {
	if t = b.tabByID(d.SheetID); t == nil {
		return nil, false, 0, 0, tabFailure(d.SheetID)
	}
	size := t.rows
	switch d.Dimension {
	case "ROWS":
		rows = true
	case "COLUMNS":
		size = t.cols
	default:
		fail := sheetsInvalid("Invalid dimension: %q. Use ROWS or COLUMNS.", d.Dimension)
		return nil, false, 0, 0, &fail
	}
	start, end = 0, size
	if d.StartIndex != nil {
		start = *d.StartIndex
	}
	if d.EndIndex != nil {
		end = *d.EndIndex
	}
	if start < 0 || end <= start {
		fail := sheetsInvalid("Invalid dimension range: startIndex %d, endIndex %d.", start, end)
		return nil, false, 0, 0, &fail
	}
	return t, rows, start, end, nil
}

func reqAppendDimension(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		SheetID   int64  `json:"sheetId"`
		Dimension string `json:"dimension"`
		Length    int    `json:"length"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	if req.Length <= 0 {
		f := sheetsInvalid("Invalid length: %d. The number of rows or columns to append must be positive.", req.Length)
		return nil, &f
	}
	t := b.tabByID(req.SheetID)
	if t == nil {
		return nil, tabFailure(req.SheetID)
	}
	newRows, newCols := t.rows, t.cols
	switch req.Dimension {
	case "ROWS":
		newRows += req.Length
	case "COLUMNS":
		newCols += req.Length
	default:
		f := sheetsInvalid("Invalid dimension: %q. Use ROWS or COLUMNS.", req.Dimension)
		return nil, &f
	}
	if f := checkGridSize(b, t, newRows, newCols); f != nil {
		return nil, f
	}
	t.rows, t.cols = newRows, newCols
	return nil, nil
}

// reqInsertDimension inserts empty rows or columns, moving the cells
// after them.
func reqInsertDimension(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	t, rows, start, end, f := dimensionRequest(b, raw)
	if f != nil {
		return nil, f
	}
	n := end - start
	size, newRows, newCols := t.cols, t.rows, t.cols
	if rows {
		size, newRows = t.rows, t.rows+n
	} else {
		newCols += n
	}
	if start > size {
		f := sheetsInvalid("Invalid dimension range: startIndex %d is past the end of the grid (%d).", start, size)
		return nil, &f
	}
	if f := checkGridSize(b, t, newRows, newCols); f != nil {
		return nil, f
	}
	t.own()
	if rows {
		t.insertRows(start, n)
	} else {
		for i, row := range t.cells {
			if start < len(row) {
				t.cells[i] = slices.Insert(row, start, make([]any, n)...)
			}
		}
	}
	t.rows, t.cols = newRows, newCols
	return nil, nil
}

// reqDeleteDimension deletes rows or columns and their cells; a tab keeps
// at least one row and one column that is not frozen.
func reqDeleteDimension(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	t, rows, start, end, f := dimensionRequest(b, raw)
	if f != nil {
		return nil, f
	}
	size := t.cols
	if rows {
		size = t.rows
	}
	switch {
	case end > size:
		fail := gridFailure(dimensionA1(t, rows, start, end), t)
		return nil, &fail
	case rows && end-start >= t.rows:
		fail := sheetsInvalid("You can't delete all the rows on the sheet.")
		return nil, &fail
	case !rows && end-start >= t.cols:
		fail := sheetsInvalid("You can't delete all the columns on the sheet.")
		return nil, &fail
	}
	t.own()
	if rows {
		if start < len(t.cells) {
			t.cells = slices.Delete(t.cells, start, min(end, len(t.cells)))
		}
		t.rows -= end - start
		t.frozenRows = min(t.frozenRows, t.rows-1)
	} else {
		for i, row := range t.cells {
			if start < len(row) {
				t.cells[i] = slices.Delete(row, start, min(end, len(row)))
			}
		}
		t.cols -= end - start
		t.frozenCols = min(t.frozenCols, t.cols-1)
	}
	return nil, nil
}

// dimensionRequest reads the DimensionRange of an insert or delete.
func dimensionRequest(b *spreadsheet, raw json.RawMessage) (t *tab, rows bool, start, end int, f *Failure) {
	var req struct {
		Range dimensionRange `json:"range"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, false, 0, 0, f
	}
	return req.Range.resolve(b)
}

func dimensionA1(t *tab, rows bool, start, end int) string {
	if rows {
		return spanString(t.title, start, 0, end, t.cols)
	}
	return spanString(t.title, 0, start, t.rows, end)
}

// reqDimensionNoop accepts requests that change only how the grid looks
// (column widths, auto-resize) once their tab is checked.
func reqDimensionNoop(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		Range      *dimensionRange `json:"range"`
		Dimensions *dimensionRange `json:"dimensions"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	d := req.Range
	if d == nil {
		d = req.Dimensions
	}
	if d == nil {
		f := sheetsUnimplemented("a dimension request without a DimensionRange")
		return nil, &f
	}
	_, _, _, _, f := d.resolve(b)
	return nil, f
}
