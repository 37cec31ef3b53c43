package googlefake

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

var (
	raw         = url.Values{"valueInputOption": {"RAW"}}
	userEntered = url.Values{"valueInputOption": {"USER_ENTERED"}}
)

// TestValuesRawKeepsText: RAW stores what the JSON says, so text that looks
// like a formula or a number stays text, and JSON numbers and booleans
// stay typed; USER_ENTERED parses the same text as the UI would.
func TestValuesRawKeepsText(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Title: "My tab"}}})
	link := `=HYPERLINK("http://x","x")`
	data := rows(row("name", "n", "ok", "link"), row("a", 1.5, true, link), row("", nil, "'quoted", "007"))

	resp, body := e.sheetsCall(t, "PUT", valuesPath(id, "'My tab'!A1", ""), raw, map[string]any{"values": data})
	m := sheetsOK(t, resp, body)
	if m["updatedRange"] != "'My tab'!A1:D3" || m["updatedRows"] != 3.0 || m["updatedColumns"] != 4.0 || m["updatedCells"] != 11.0 {
		t.Fatalf("update response %s", body)
	}
	got, _ := e.s.Values(id, "My tab")
	want := rows(row("name", "n", "ok", "link"), row("a", 1.5, true, link), row(nil, nil, "'quoted", "007"))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("RAW stored\n%#v\nwant\n%#v", got, want)
	}

	resp, body = e.sheetsCall(t, "PUT", valuesPath(id, "'My tab'!A5", ""), userEntered,
		map[string]any{"values": rows(row(link, "007", "'007", "true", "12.5%", "x"))})
	sheetsOK(t, resp, body)
	got, _ = e.s.Values(id, "my TAB")
	if want := row(Formula(link), 7.0, "007", true, 0.125, "x"); !reflect.DeepEqual(got[4], want) {
		t.Fatalf("USER_ENTERED stored %#v, want %#v", got[4], want)
	}

	// Reading back: FORMATTED_VALUE (the default) gives strings, the other
	// options typed values.
	resp, body = e.sheetsCall(t, "GET", valuesPath(id, "'My tab'!A2:C2", ""), nil, nil)
	if m := sheetsOK(t, resp, body); !reflect.DeepEqual(m["values"], []any{[]any{"a", "1.5", "TRUE"}}) || m["range"] != "'My tab'!A2:C2" {
		t.Fatalf("formatted: %s", body)
	}
	resp, body = e.sheetsCall(t, "GET", valuesPath(id, "'My tab'!A2:C2", ""), url.Values{"valueRenderOption": {"UNFORMATTED_VALUE"}}, nil)
	if m := sheetsOK(t, resp, body); !reflect.DeepEqual(m["values"], []any{[]any{"a", 1.5, true}}) {
		t.Fatalf("unformatted: %s", body)
	}
}

// TestValuesNullSkipsEmptyClears: a JSON null leaves a cell as it was, ""
// empties it, as the ValueRange documentation says.
func TestValuesNullSkipsEmptyClears(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Values: rows(row("keep", "drop"))}}})
	resp, body := e.sheetsCall(t, "PUT", valuesPath(id, "Sheet1!A1:B1", ""), raw, map[string]any{"values": rows(row(nil, ""))})
	if m := sheetsOK(t, resp, body); m["updatedCells"] != 1.0 {
		t.Fatalf("%s", body)
	}
	if got, _ := e.s.Values(id, "Sheet1"); !reflect.DeepEqual(got, rows(row("keep"))) {
		t.Fatalf("stored %#v", got)
	}
}

// TestValuesGridLimits: values.update never grows the grid; a write past
// its edge, or past the range it names, is refused whole.
func TestValuesGridLimits(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{})
	wide := make([]any, 27)
	for i := range wide {
		wide[i] = "x"
	}
	cases := []struct {
		rng     string
		values  [][]any
		message string
	}{
		{"Sheet1!A1000", rows(row(1), row(2)), "Range (Sheet1!A1000:A1001) exceeds grid limits. Max rows: 1000, max columns: 26"},
		{"Sheet1!A1001", rows(row(1)), "Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"},
		{"Sheet1", rows(wide), "Range (Sheet1!A1:AA1) exceeds grid limits. Max rows: 1000, max columns: 26"},
		{"Sheet1!A1:B1", rows(row(1), row(2)), "Requested writing within range [Sheet1!A1:B1], but tried writing to row [2]"},
		{"Sheet1!A1:B1", rows(row(1, 2, 3)), "Requested writing within range [Sheet1!A1:B1], but tried writing to column [C]"},
		{"Sheet1!A:B", rows(row(1, 2, 3)), "Requested writing within range [Sheet1!A:B], but tried writing to column [C]"},
	}
	for _, c := range cases {
		resp, body := e.sheetsCall(t, "PUT", valuesPath(id, c.rng, ""), raw, map[string]any{"values": c.values})
		wantSheetsError(t, resp, body, 400, "INVALID_ARGUMENT", c.message)
	}
	if got, _ := e.s.Values(id, "Sheet1"); len(got) != 0 {
		t.Fatalf("a refused write left %v", got)
	}
	resp, body := e.sheetsCall(t, "GET", valuesPath(id, "Sheet1!A1:Z2000", ""), nil, nil)
	wantSheetsError(t, resp, body, 400, "INVALID_ARGUMENT", "Range (Sheet1!A1:Z2000) exceeds grid limits. Max rows: 1000, max columns: 26")
}

// TestValuesRequestErrors are the refusals of a malformed request, each
// with Google's message.
func TestValuesRequestErrors(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Title: "Sheet1"}, {Title: "Items & Stock"}}})
	one := map[string]any{"values": rows(row("x"))}
	cases := []struct {
		name  string
		rng   string
		query url.Values
		body  any
		msg   string
	}{
		{"missing tab", "'Data Tab'!A1:C10", raw, one, "Unable to parse range: 'Data Tab'!A1:C10"},
		{"unquoted punctuation", "Items & Stock!A1", raw, one, "Unable to parse range: Items & Stock!A1"},
		{"garbage", "Sheet1!A1:B2:C3", raw, one, "Unable to parse range: Sheet1!A1:B2:C3"},
		{"body range differs", "Sheet1", raw, map[string]any{"range": "Sheet1!A1", "values": rows(row("x"))},
			"Request range[Sheet1] does not match value's range[Sheet1!A1]"},
		{"no valueInputOption", "Sheet1!A1", nil, one, "'valueInputOption' is required but not specified"},
		{"bad valueInputOption", "Sheet1!A1", url.Values{"valueInputOption": {"RAWR"}}, one,
			`Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "RAWR"`},
		{"nested array", "Sheet1!A1", raw, map[string]any{"values": rows(row("x", []any{1}))}, "Invalid values[0][1]: list_value"},
		{"object", "Sheet1!A1", raw, map[string]any{"values": rows(row(map[string]any{"a": 1}))}, "Invalid values[0][0]: struct_value"},
		{"unknown member", "Sheet1!A1", raw, map[string]any{"valuez": rows(row("x"))},
			`Invalid JSON payload received. Unknown name "valuez": Cannot find field.`},
		{"too long", "Sheet1!A1", raw, map[string]any{"values": rows(row(strings.Repeat("é", 50001)))},
			"Your input contains more than the maximum of 50000 characters in a single cell."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.sheetsCall(t, "PUT", valuesPath(id, c.rng, ""), c.query, c.body)
			wantSheetsError(t, resp, body, 400, "INVALID_ARGUMENT", c.msg)
		})
	}
	// The limits are inclusive, titles match without case, and a quoted
	// title may hold anything.
	resp, body := e.sheetsCall(t, "PUT", valuesPath(id, "sheet1!A1", ""), raw, map[string]any{"values": rows(row(strings.Repeat("é", 50000)))})
	sheetsOK(t, resp, body)
	resp, body = e.sheetsCall(t, "PUT", valuesPath(id, "'Items & Stock'!Z1000", ""), raw, one)
	if m := sheetsOK(t, resp, body); m["updatedRange"] != "'Items & Stock'!Z1000" {
		t.Fatalf("%s", body)
	}
	if got, _ := e.s.Values(id, "Sheet1"); len(got) != 1 || len([]rune(got[0][0].(string))) != 50000 {
		t.Fatal("50,000 characters were not stored")
	}
}

// TestValuesGetShape: trailing empty cells and rows are left out, inner
// empty cells come as "", and the range is closed at the grid's edge.
func TestValuesGetShape(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Rows: 10, Columns: 5,
		Values: rows(row("a", nil, "c"), row(), row(nil, "b"))}}})
	resp, body := e.sheetsCall(t, "GET", valuesPath(id, "Sheet1", ""), nil, nil)
	m := sheetsOK(t, resp, body)
	want := []any{[]any{"a", "", "c"}, []any{}, []any{"", "b"}}
	if m["range"] != "Sheet1!A1:E10" || m["majorDimension"] != "ROWS" || !reflect.DeepEqual(m["values"], want) {
		t.Fatalf("%s", body)
	}
	resp, body = e.sheetsCall(t, "GET", valuesPath(id, "Sheet1!A:B", ""), url.Values{"majorDimension": {"COLUMNS"}}, nil)
	if m := sheetsOK(t, resp, body); m["range"] != "Sheet1!A1:B10" || !reflect.DeepEqual(m["values"], []any{[]any{"a"}, []any{"", "", "b"}}) {
		t.Fatalf("columns: %s", body)
	}
	resp, body = e.sheetsCall(t, "GET", valuesPath(id, "Sheet1!D4:E5", ""), nil, nil)
	if m := sheetsOK(t, resp, body); m["values"] != nil || m["range"] != "Sheet1!D4:E5" {
		t.Fatalf("empty: %s", body)
	}
	resp, body = e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id+"/values:batchGet",
		url.Values{"ranges": {"Sheet1!A1", "Sheet1!B3"}, "valueRenderOption": {"UNFORMATTED_VALUE"}}, nil)
	vr := sheetsOK(t, resp, body)["valueRanges"].([]any)
	if len(vr) != 2 || !reflect.DeepEqual(vr[1].(map[string]any)["values"], []any{[]any{"b"}}) {
		t.Fatalf("batchGet: %s", body)
	}
}

// TestValuesAppend: the table is found below the range's first row and
// the data goes under it; OVERWRITE grows the grid when the data runs
// past its edge, INSERT_ROWS moves what is below down.
func TestValuesAppend(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Rows: 3, Columns: 3, Values: rows(row("a", "b", "c"))}}})
	resp, body := e.sheetsCall(t, "POST", valuesPath(id, "Sheet1", "append"), raw,
		map[string]any{"values": rows(row(1, 2, 3), row(4, 5, 6), row(7, 8, 9))})
	m := sheetsOK(t, resp, body)
	u := m["updates"].(map[string]any)
	if m["tableRange"] != "Sheet1!A1:C1" || u["updatedRange"] != "Sheet1!A2:C4" || u["updatedCells"] != 9.0 {
		t.Fatalf("%s", body)
	}
	if ss, _ := e.s.Spreadsheet(id); ss.Tabs[0].Rows != 4 {
		t.Fatalf("grid not grown to 4 rows: %+v", ss.Tabs[0])
	}

	id = e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Rows: 6, Columns: 3,
		Values: rows(row("h1", "h2"), row(1, 2), nil, row("footer"))}}})
	resp, body = e.sheetsCall(t, "POST", valuesPath(id, "Sheet1!A1:B1", "append"),
		url.Values{"valueInputOption": {"RAW"}, "insertDataOption": {"INSERT_ROWS"}}, map[string]any{"values": rows(row(3, 4))})
	if m := sheetsOK(t, resp, body); m["tableRange"] != "Sheet1!A1:B2" {
		t.Fatalf("%s", body)
	}
	got, _ := e.s.Values(id, "Sheet1")
	if want := rows(row("h1", "h2"), row(1.0, 2.0), row(3.0, 4.0), nil, row("footer")); !reflect.DeepEqual(got, want) {
		t.Fatalf("after INSERT_ROWS %#v", got)
	}
	if ss, _ := e.s.Spreadsheet(id); ss.Tabs[0].Rows != 7 {
		t.Fatalf("INSERT_ROWS did not add a row: %+v", ss.Tabs[0])
	}
	// OVERWRITE fills the gap under the first table rather than going past
	// the footer.
	resp, body = e.sheetsCall(t, "POST", valuesPath(id, "Sheet1!A1", "append"), raw, map[string]any{"values": rows(row(5, 6))})
	if m := sheetsOK(t, resp, body); m["updates"].(map[string]any)["updatedRange"] != "Sheet1!A4:B4" {
		t.Fatalf("%s", body)
	}
}

// TestValuesAppendCellLimit: growing the grid past 10,000,000 cells is
// refused, and nothing is written.
func TestValuesAppendCellLimit(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Rows: 384615, Columns: 26}}}) // 9,999,990 cells
	resp, body := e.sheetsCall(t, "POST", valuesPath(id, "Sheet1!A384615", "append"), raw, map[string]any{"values": rows(row(1), row(2))})
	wantSheetsError(t, resp, body, 400, "INVALID_ARGUMENT",
		"This action would increase the number of cells in the workbook above the limit of 10000000 cells.")
	if got, _ := e.s.Values(id, "Sheet1"); len(got) != 0 {
		t.Fatal("refused append wrote cells")
	}
	resp, body = e.sheetsCall(t, "POST", valuesPath(id, "Sheet1!A384615", "append"), raw, map[string]any{"values": rows(row(1))})
	sheetsOK(t, resp, body)
}

// TestValuesClearAndBatchUpdate: clear empties a range; a values.batchUpdate
// writes all of its ranges or none, naming the one that failed.
func TestValuesClearAndBatchUpdate(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{Values: rows(row("a", "b"), row("c", "d"))}}})
	resp, body := e.sheetsCall(t, "POST", valuesPath(id, "Sheet1!B1:B2", "clear"), nil, map[string]any{})
	if m := sheetsOK(t, resp, body); m["clearedRange"] != "Sheet1!B1:B2" {
		t.Fatalf("%s", body)
	}
	batch := func(second string) map[string]any {
		return map[string]any{"valueInputOption": "RAW", "data": []any{
			map[string]any{"range": "Sheet1!C1", "values": rows(row("new"))},
			map[string]any{"range": second, "values": rows(row("x", "y"))},
		}}
	}
	resp, body = e.sheetsCall(t, "POST", "/v4/spreadsheets/"+id+"/values:batchUpdate", nil, batch("Nope!A1"))
	wantSheetsError(t, resp, body, 400, "INVALID_ARGUMENT", "Invalid data[1]: Unable to parse range: Nope!A1")
	resp, body = e.sheetsCall(t, "POST", "/v4/spreadsheets/"+id+"/values:batchUpdate", nil, batch("Sheet1!A1:A1"))
	wantSheetsError(t, resp, body, 400, "INVALID_ARGUMENT",
		"Invalid data[1]: Requested writing within range [Sheet1!A1], but tried writing to column [B]")
	if got, _ := e.s.Values(id, "Sheet1"); !reflect.DeepEqual(got, rows(row("a"), row("c"))) {
		t.Fatalf("a refused batch wrote: %#v", got)
	}
	resp, body = e.sheetsCall(t, "POST", "/v4/spreadsheets/"+id+"/values:batchUpdate", nil, batch("Sheet1!A3"))
	m := sheetsOK(t, resp, body)
	if m["totalUpdatedCells"] != 3.0 || m["totalUpdatedRows"] != 2.0 || m["totalUpdatedSheets"] != 1.0 || len(m["responses"].([]any)) != 2 {
		t.Fatalf("%s", body)
	}
	if got, _ := e.s.Values(id, "Sheet1"); !reflect.DeepEqual(got, rows(row("a", nil, "new"), row("c"), row("x", "y"))) {
		t.Fatalf("%#v", got)
	}
	resp, body = e.sheetsCall(t, "POST", "/v4/spreadsheets/"+id+"/values:batchClear", nil, map[string]any{"ranges": []string{"Sheet1!A1:A2", "Sheet1!3:3"}})
	if m := sheetsOK(t, resp, body); !reflect.DeepEqual(m["clearedRanges"], []any{"Sheet1!A1:A2", "Sheet1!A3:Z3"}) {
		t.Fatalf("%s", body)
	}
	if got, _ := e.s.Values(id, "Sheet1"); !reflect.DeepEqual(got, rows(row(nil, nil, "new"))) {
		t.Fatalf("after batchClear %#v", got)
	}
}
