package googlefake

import (
	"encoding/json"
	"reflect"
	"testing"
)

func (e *rawEnv) batch(t *testing.T, id string, requests ...any) (map[string]any, []byte, int) {
	t.Helper()
	resp, body := e.sheetsCall(t, "POST", "/v4/spreadsheets/"+id+":batchUpdate", nil, map[string]any{"requests": requests})
	if resp.StatusCode != 200 {
		return nil, body, resp.StatusCode
	}
	return decode(t, body), body, 200
}

// TestBatchSwapTab is the replace a sync needs: build the new data in a
// tab of its own, then delete the old tab and give the new one its title
// and place in one batchUpdate, so readers never see a half-written tab.
func TestBatchSwapTab(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{
		{Title: "Data", Values: rows(row("old"), row("stale"))}, {Title: "Notes", SheetID: 7}}})
	m, body, code := e.batch(t, id, map[string]any{"addSheet": map[string]any{"properties": map[string]any{
		"title": "Data (new)", "hidden": true, "gridProperties": map[string]any{"rowCount": 2, "columnCount": 1}}}})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	props := m["replies"].([]any)[0].(map[string]any)["addSheet"].(map[string]any)["properties"].(map[string]any)
	newID := props["sheetId"].(float64)
	if props["index"] != 2.0 || props["hidden"] != true || props["gridProperties"].(map[string]any)["rowCount"] != 2.0 {
		t.Fatalf("addSheet reply %s", body)
	}
	resp, body := e.sheetsCall(t, "PUT", valuesPath(id, "'Data (new)'!A1", ""), raw, map[string]any{"values": rows(row("new"))})
	sheetsOK(t, resp, body)

	_, body, code = e.batch(t, id,
		map[string]any{"deleteSheet": map[string]any{"sheetId": 0}},
		map[string]any{"updateSheetProperties": map[string]any{
			"properties": map[string]any{"sheetId": newID, "title": "Data", "index": 0, "hidden": false},
			"fields":     "title,index,hidden"}})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	ss, _ := e.s.Spreadsheet(id)
	if len(ss.Tabs) != 2 || ss.Tabs[0].Title != "Data" || ss.Tabs[0].SheetID != int64(newID) || ss.Tabs[0].Hidden ||
		ss.Tabs[0].Rows != 2 || ss.Tabs[1].Title != "Notes" {
		t.Fatalf("tabs after the swap: %+v", ss.Tabs)
	}
	if got, _ := e.s.Values(id, "Data"); !reflect.DeepEqual(got, rows(row("new"))) {
		t.Fatalf("values %#v", got)
	}
	want := [][]string{{"addSheet"}, {"deleteSheet", "updateSheetProperties"}}
	if !reflect.DeepEqual(ss.Batches, want) {
		t.Fatalf("batches %v", ss.Batches)
	}
}

// TestBatchAllOrNothing: a batch with one bad request changes nothing, and
// the error names the request.
func TestBatchAllOrNothing(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Values: rows(row("a"), row("b"), row("c"))}}})
	_, body, code := e.batch(t, id,
		map[string]any{"addSheet": map[string]any{"properties": map[string]any{"title": "X"}}},
		map[string]any{"deleteDimension": map[string]any{"range": map[string]any{"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}},
		map[string]any{"repeatCell": map[string]any{"range": map[string]any{"sheetId": 0}, "cell": map[string]any{},
			"fields": "userEnteredValue"}},
		map[string]any{"deleteSheet": map[string]any{"sheetId": 999}})
	if code != 400 || !containsJSON(body, "Invalid requests[3].deleteSheet: No grid with id: 999") {
		t.Fatalf("%d %s", code, body)
	}
	ss, _ := e.s.Spreadsheet(id)
	got, _ := e.s.Values(id, "Sheet1")
	if len(ss.Tabs) != 1 || ss.Batches != nil || !reflect.DeepEqual(got, rows(row("a"), row("b"), row("c"))) {
		t.Fatalf("a failed batch changed the spreadsheet: %+v %#v", ss, got)
	}
}

func containsJSON(body []byte, msg string) bool {
	var se sheetsErr
	return json.Unmarshal(body, &se) == nil && se.Error.Message == msg && se.Error.Errors == nil
}

// TestBatchRefusals are Google's refusals of single requests.
func TestBatchRefusals(t *testing.T) {
	e := newRaw(t)
	props := func(p map[string]any, fields string) map[string]any {
		p["sheetId"] = 0
		return map[string]any{"updateSheetProperties": map[string]any{"properties": p, "fields": fields}}
	}
	grid := func(kv ...any) map[string]any {
		g := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			g[kv[i].(string)] = kv[i+1]
		}
		return map[string]any{"gridProperties": g}
	}
	cases := []struct {
		name    string
		tabs    []TabSpec
		request map[string]any
		code    int
		msg     string
	}{
		{"sheet over the cell limit", nil,
			map[string]any{"addSheet": map[string]any{"properties": grid("rowCount", 384000, "columnCount", 26)}}, 400,
			"Invalid requests[0].addSheet: This action would increase the number of cells in the workbook above the limit of 10000000 cells."},
		{"rows are applied before columns", nil, props(grid("rowCount", 500000, "columnCount", 20), "gridProperties(rowCount,columnCount)"), 400,
			"Invalid requests[0].updateSheetProperties: This action would increase the number of cells in the workbook above the limit of 10000000 cells."},
		{"too many columns", nil,
			map[string]any{"appendDimension": map[string]any{"sheetId": 0, "dimension": "COLUMNS", "length": 18253}}, 400,
			"Invalid requests[0].appendDimension: This action would increase the number of columns in the sheet above the limit of 18278 columns."},
		{"freezing every row", []TabSpec{{Rows: 1}}, props(grid("frozenRowCount", 1), "gridProperties.frozenRowCount"), 400,
			"Invalid requests[0].updateSheetProperties: You can't freeze all visible rows on the sheet."},
		{"title taken, in another case", nil,
			map[string]any{"addSheet": map[string]any{"properties": map[string]any{"title": "sheet1"}}}, 400,
			`Invalid requests[0].addSheet: A sheet with the name "sheet1" already exists. Please enter another name.`},
		{"the last tab", nil, map[string]any{"deleteSheet": map[string]any{"sheetId": 0}}, 400,
			"Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."},
		{"no fields", nil, props(map[string]any{"title": "x"}, ""), 400,
			"Invalid requests[0].updateSheetProperties: At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"},
		{"unknown request", nil, map[string]any{"frobnicate": map[string]any{}}, 400,
			`Invalid JSON payload received. Unknown name "frobnicate" at 'requests[0]': Cannot find field.`},
		{"not implemented", nil, map[string]any{"mergeCells": map[string]any{}}, 501,
			"googlefake: batchUpdate request mergeCells is not implemented"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: c.tabs})
			_, body, code := e.batch(t, id, c.request)
			if code != c.code || !containsJSON(body, c.msg) {
				t.Fatalf("%d %s", code, body)
			}
		})
	}
	id := e.s.AddSpreadsheet(SpreadsheetSpec{})
	resp, body := e.sheetsCall(t, "POST", "/v4/spreadsheets/"+id+":batchUpdate", nil, map[string]any{"requests": []any{}})
	wantSheetsError(t, resp, body, 400, "INVALID_ARGUMENT", "Must specify at least one request.")
	// Shrinking the columns first keeps the same final grid within the limit.
	_, body, code := e.batch(t, id, props(grid("columnCount", 20), "gridProperties.columnCount"),
		props(grid("rowCount", 500000), "gridProperties.rowCount"))
	if ss, _ := e.s.Spreadsheet(id); code != 200 || ss.Tabs[0].Rows != 500000 || ss.Tabs[0].Columns != 20 {
		t.Fatalf("%d %s", code, body)
	}
}

// TestBatchHeaderFormat: a bold, frozen header row, as a sync formats it.
func TestBatchHeaderFormat(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{SheetID: 5, Values: rows(row("h"), row("v"))}}})
	_, body, code := e.batch(t, id,
		map[string]any{"repeatCell": map[string]any{
			"range":  map[string]any{"sheetId": 5, "startRowIndex": 0, "endRowIndex": 1},
			"cell":   map[string]any{"userEnteredFormat": map[string]any{"textFormat": map[string]any{"bold": true}, "wrapStrategy": "WRAP"}},
			"fields": "userEnteredFormat.textFormat.bold"}},
		map[string]any{"repeatCell": map[string]any{
			"range":  map[string]any{"sheetId": 5, "startColumnIndex": 1, "endColumnIndex": 2},
			"cell":   map[string]any{"userEnteredFormat": map[string]any{"numberFormat": map[string]any{"type": "DATE", "pattern": "yyyy-mm-dd"}}},
			"fields": "userEnteredFormat(numberFormat)"}},
		map[string]any{"updateSheetProperties": map[string]any{
			"properties": map[string]any{"sheetId": 5, "gridProperties": map[string]any{"frozenRowCount": 1}},
			"fields":     "gridProperties.frozenRowCount"}})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	bold := map[string]any{"textFormat": map[string]any{"bold": true}}
	if f := e.s.CellFormat(id, "Sheet1", 0, 0); !reflect.DeepEqual(f, bold) {
		t.Fatalf("header format %v", f)
	}
	if f := e.s.CellFormat(id, "Sheet1", 1, 0); f != nil {
		t.Fatalf("data row format %v", f)
	}
	date := map[string]any{"type": "DATE", "pattern": "yyyy-mm-dd"}
	if f := e.s.CellFormat(id, "Sheet1", 0, 1); !reflect.DeepEqual(f, map[string]any{"textFormat": map[string]any{"bold": true}, "numberFormat": date}) {
		t.Fatalf("B1 format %v", f)
	}
	ss, _ := e.s.Spreadsheet(id)
	if tb := ss.Tabs[0]; tb.FrozenRows != 1 || tb.Rows != 1000 || tb.Columns != 26 {
		t.Fatalf("the mask changed more than frozenRowCount: %+v", tb)
	}
	if got, _ := e.s.Values(id, "Sheet1"); !reflect.DeepEqual(got, rows(row("h"), row("v"))) {
		t.Fatalf("formatting changed values: %#v", got)
	}
}

// TestBatchDimensions: rows inserted and deleted move the cells below.
func TestBatchDimensions(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Rows: 4, Columns: 2, Values: rows(row("a"), row("b"), row("c"))}}})
	dim := func(kind string, start, end int) map[string]any {
		return map[string]any{kind: map[string]any{"range": map[string]any{"sheetId": 0, "dimension": "ROWS", "startIndex": start, "endIndex": end}}}
	}
	_, body, code := e.batch(t, id, dim("insertDimension", 1, 3), dim("deleteDimension", 0, 1),
		map[string]any{"appendDimension": map[string]any{"sheetId": 0, "dimension": "COLUMNS", "length": 3}})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got, _ := e.s.Values(id, "Sheet1")
	ss, _ := e.s.Spreadsheet(id)
	if !reflect.DeepEqual(got, rows(nil, nil, row("b"), row("c"))) || ss.Tabs[0].Rows != 5 || ss.Tabs[0].Columns != 5 {
		t.Fatalf("%#v %+v", got, ss.Tabs[0])
	}
	_, body, code = e.batch(t, id, dim("deleteDimension", 0, 5))
	if code != 400 || !containsJSON(body, "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet.") {
		t.Fatalf("%d %s", code, body)
	}
}

// TestBatchUpdateCells: updateCells writes typed values (a stringValue
// that looks like a formula stays text) and formats in one request.
func TestBatchUpdateCells(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{})
	_, body, code := e.batch(t, id, map[string]any{"updateCells": map[string]any{
		"start": map[string]any{"sheetId": 0, "rowIndex": 1, "columnIndex": 1},
		"rows": []any{map[string]any{"values": []any{
			map[string]any{"userEnteredValue": map[string]any{"stringValue": "=1+1"}},
			map[string]any{"userEnteredValue": map[string]any{"formulaValue": "=1+1"}},
			map[string]any{"userEnteredValue": map[string]any{"numberValue": 3}, "userEnteredFormat": map[string]any{"textFormat": map[string]any{"italic": true}}},
		}}},
		"fields": "userEnteredValue,userEnteredFormat.textFormat"}})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got, _ := e.s.Values(id, "Sheet1")
	if want := rows(nil, row(nil, "=1+1", Formula("=1+1"), 3.0)); !reflect.DeepEqual(got, want) {
		t.Fatalf("%#v", got)
	}
	if f := e.s.CellFormat(id, "Sheet1", 1, 3); !reflect.DeepEqual(f, map[string]any{"textFormat": map[string]any{"italic": true}}) {
		t.Fatalf("%v", f)
	}
}
