package googlefake

import (
	"net/url"
	"reflect"
	"testing"
)

// TestSpreadsheetsGet: the tab list a sync reads, with `fields` as the
// client sends it, and members at their zero value left out as Google does.
func TestSpreadsheetsGet(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Title: "Report", Tabs: []TabSpec{
		{Title: "Sheet1"}, {Title: "My tab", SheetID: 42, Rows: 10, Columns: 3, FrozenRows: 1, Hidden: true}}})
	fields := "spreadsheetId,properties.title,sheets.properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount,frozenRowCount))"
	resp, body := e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id, url.Values{"fields": {fields}}, nil)
	m := sheetsOK(t, resp, body)
	want := map[string]any{
		"spreadsheetId": id,
		"properties":    map[string]any{"title": "Report"},
		"sheets": []any{
			map[string]any{"properties": map[string]any{"title": "Sheet1",
				"gridProperties": map[string]any{"rowCount": 1000.0, "columnCount": 26.0}}},
			map[string]any{"properties": map[string]any{"sheetId": 42.0, "title": "My tab", "index": 1.0, "hidden": true,
				"gridProperties": map[string]any{"rowCount": 10.0, "columnCount": 3.0, "frozenRowCount": 1.0}}},
		},
	}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("got  %v\nwant %v", m, want)
	}

	resp, body = e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id, url.Values{"ranges": {"'my tab'!A1:B2"}, "fields": {"sheets/properties/title"}}, nil)
	if m := sheetsOK(t, resp, body); !reflect.DeepEqual(m["sheets"], []any{map[string]any{"properties": map[string]any{"title": "My tab"}}}) {
		t.Fatalf("ranges: %s", body)
	}
	resp, body = e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id, url.Values{"fields": {"sheets.nope"}}, nil)
	se := wantSheetsError(t, resp, body, 400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
	if len(se.Error.Details) != 1 || se.Error.Details[0]["@type"] != "type.googleapis.com/google.rpc.BadRequest" {
		t.Fatalf("%s", body)
	}
	resp, body = e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id, url.Values{"includeGridData": {"true"}}, nil)
	wantSheetsError(t, resp, body, 501, "UNIMPLEMENTED", "")
}

// TestSpreadsheetsCreate: a spreadsheet the app creates gets Sheet1 (id
// 0), and a drive.file token reaches it but not one the user made.
func TestSpreadsheetsCreate(t *testing.T) {
	e := newRaw(t)
	e.token = e.s.AccessToken(ScopeDriveFile)
	resp, body := e.sheetsCall(t, "POST", "/v4/spreadsheets", nil, map[string]any{"properties": map[string]any{"title": "Sync"}})
	m := sheetsOK(t, resp, body)
	id := m["spreadsheetId"].(string)
	sh := m["sheets"].([]any)[0].(map[string]any)["properties"].(map[string]any)
	if len(id) != 44 || sh["title"] != "Sheet1" || sh["sheetId"] != nil || m["spreadsheetUrl"] != "https://docs.google.com/spreadsheets/d/"+id+"/edit" {
		t.Fatalf("%s", body)
	}
	resp, body = e.sheetsCall(t, "PUT", valuesPath(id, "Sheet1!A1", ""), raw, map[string]any{"values": rows(row("x"))})
	sheetsOK(t, resp, body)

	mine := e.s.AddSpreadsheet(SpreadsheetSpec{})
	resp, body = e.sheetsCall(t, "GET", "/v4/spreadsheets/"+mine, nil, nil)
	wantSheetsError(t, resp, body, 403, "PERMISSION_DENIED", "The caller does not have permission")
}

// TestDeveloperMetadata: a "last synced" note kept on a tab and on the
// spreadsheet, listed by spreadsheets.get, updated through a lookup, and
// gone with its tab.
func TestDeveloperMetadata(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{Tabs: []TabSpec{{}, {Title: "Data", SheetID: 9}}})
	create := func(loc map[string]any, key string) map[string]any {
		return map[string]any{"createDeveloperMetadata": map[string]any{"developerMetadata": map[string]any{
			"metadataKey": key, "metadataValue": "2026-02-10T02:00:00Z", "visibility": "DOCUMENT", "location": loc}}}
	}
	m, body, code := e.batch(t, id, create(map[string]any{"sheetId": 9}, "dbbackup.synced"),
		create(map[string]any{"spreadsheet": true}, "dbbackup.version"))
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	dm := m["replies"].([]any)[0].(map[string]any)["createDeveloperMetadata"].(map[string]any)["developerMetadata"].(map[string]any)
	if dm["metadataId"].(float64) <= 0 || !reflect.DeepEqual(dm["location"], map[string]any{"locationType": "SHEET", "sheetId": 9.0}) {
		t.Fatalf("%s", body)
	}
	_, body, code = e.batch(t, id, map[string]any{"updateDeveloperMetadata": map[string]any{
		"dataFilters":       []any{map[string]any{"developerMetadataLookup": map[string]any{"metadataKey": "dbbackup.synced"}}},
		"developerMetadata": map[string]any{"metadataValue": "later"},
		"fields":            "metadataValue"}})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	resp, body := e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id, url.Values{"fields": {"developerMetadata,sheets.developerMetadata"}}, nil)
	g := sheetsOK(t, resp, body)
	tabMeta := g["sheets"].([]any)[1].(map[string]any)["developerMetadata"].([]any)[0].(map[string]any)
	if tabMeta["metadataValue"] != "later" || len(g["developerMetadata"].([]any)) != 1 {
		t.Fatalf("%s", body)
	}
	_, body, code = e.batch(t, id, create(map[string]any{}, "k"))
	if code != 400 || !containsJSON(body, "Invalid requests[0].createDeveloperMetadata: Developer metadata must have a location specified.") {
		t.Fatalf("%d %s", code, body)
	}
	if _, body, code = e.batch(t, id, map[string]any{"deleteSheet": map[string]any{"sheetId": 9}}); code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	ss, _ := e.s.Spreadsheet(id)
	if len(ss.Metadata) != 1 || ss.Metadata[0].Key != "dbbackup.version" || len(ss.Tabs) != 1 {
		t.Fatalf("%+v", ss)
	}
}
