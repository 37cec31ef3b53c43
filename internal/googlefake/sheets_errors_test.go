package googlefake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSheetsAccess: no such spreadsheet is 404, one the user may only
// read refuses writes with 403, one not shared with them refuses
// everything with 403.
func TestSheetsAccess(t *testing.T) {
	e := newRaw(t)
	ro := e.s.AddSpreadsheet(SpreadsheetSpec{ReadOnly: true})
	hidden := e.s.AddSpreadsheet(SpreadsheetSpec{Hidden: true})
	one := map[string]any{"values": rows(row("x"))}

	resp, body := e.sheetsCall(t, "GET", "/v4/spreadsheets/nope", nil, nil)
	wantSheetsError(t, resp, body, 404, "NOT_FOUND", "Requested entity was not found.")
	resp, body = e.sheetsCall(t, "PUT", valuesPath("nope", "Sheet1!A1", ""), raw, one)
	wantSheetsError(t, resp, body, 404, "NOT_FOUND", "Requested entity was not found.")

	resp, body = e.sheetsCall(t, "GET", valuesPath(ro, "Sheet1", ""), nil, nil)
	sheetsOK(t, resp, body)
	resp, body = e.sheetsCall(t, "PUT", valuesPath(ro, "Sheet1!A1", ""), raw, one)
	wantSheetsError(t, resp, body, 403, "PERMISSION_DENIED", "The caller does not have permission")
	_, body, code := e.batch(t, ro, map[string]any{"addSheet": map[string]any{}})
	if code != 403 {
		t.Fatalf("batchUpdate on a read-only spreadsheet: %d %s", code, body)
	}
	resp, body = e.sheetsCall(t, "GET", "/v4/spreadsheets/"+hidden, nil, nil)
	wantSheetsError(t, resp, body, 403, "PERMISSION_DENIED", "The caller does not have permission")

	e.s.SetSpreadsheetAccess(ro, false, false)
	resp, body = e.sheetsCall(t, "PUT", valuesPath(ro, "Sheet1!A1", ""), raw, one)
	sheetsOK(t, resp, body)
}

// TestSheetsScopes: drive and spreadsheets tokens write, the read-only
// scopes read, and a token without any gets Google's 403 with the
// ACCESS_TOKEN_SCOPE_INSUFFICIENT ErrorInfo naming the method.
func TestSheetsScopes(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{})
	one := map[string]any{"values": rows(row("x"))}
	for _, sc := range []string{ScopeDrive, ScopeSpreadsheets} {
		e.token = e.s.AccessToken(sc)
		resp, body := e.sheetsCall(t, "PUT", valuesPath(id, "Sheet1!A1", ""), raw, one)
		sheetsOK(t, resp, body)
	}
	for _, sc := range []string{ScopeDriveReadonly, ScopeSpreadsheetsReadonly} {
		e.token = e.s.AccessToken(sc)
		resp, body := e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id, nil, nil)
		sheetsOK(t, resp, body)
		resp, body = e.sheetsCall(t, "PUT", valuesPath(id, "Sheet1!A1", ""), raw, one)
		se := wantSheetsError(t, resp, body, 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
		d := se.Error.Details[0]
		md, _ := d["metadata"].(map[string]any)
		if d["@type"] != "type.googleapis.com/google.rpc.ErrorInfo" || d["reason"] != "ACCESS_TOKEN_SCOPE_INSUFFICIENT" ||
			d["domain"] != "googleapis.com" || md["method"] != "google.apps.sheets.v4.SpreadsheetsService.UpdateValues" ||
			md["service"] != "sheets.googleapis.com" {
			t.Fatalf("%s", body)
		}
		if h := resp.Header.Get("WWW-Authenticate"); !strings.Contains(h, `error="insufficient_scope"`) {
			t.Fatalf("WWW-Authenticate %q", h)
		}
	}
	e.token = e.s.AccessToken("https://www.googleapis.com/auth/gmail.send")
	resp, body := e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id, nil, nil)
	wantSheetsError(t, resp, body, 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
}

// TestSheetsFaults: scripted 429s and 503s per method, or for every write,
// with the bodies Google sends; reads are left alone by a write fault.
func TestSheetsFaults(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{})
	one := map[string]any{"values": rows(row("x"))}
	e.s.FailNext(KindValuesUpdate, 2, SheetsRateLimited())
	for range 2 {
		resp, body := e.sheetsCall(t, "PUT", valuesPath(id, "Sheet1!A1", ""), raw, one)
		se := wantSheetsError(t, resp, body, 429, "RESOURCE_EXHAUSTED",
			"Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service "+
				"'sheets.googleapis.com' for consumer 'project_number:1234567890'.")
		md, _ := se.Error.Details[0]["metadata"].(map[string]any)
		if se.Error.Details[0]["reason"] != "RATE_LIMIT_EXCEEDED" || md["quota_limit"] != "WriteRequestsPerMinutePerUser" ||
			resp.Header.Get("Retry-After") != "" {
			t.Fatalf("%s", body)
		}
	}
	resp, body := e.sheetsCall(t, "PUT", valuesPath(id, "Sheet1!A1", ""), raw, one)
	sheetsOK(t, resp, body)

	e.s.FailNext(KindSheetsWrite, 1, SheetsUnavailable())
	resp, body = e.sheetsCall(t, "GET", valuesPath(id, "Sheet1", ""), nil, nil)
	sheetsOK(t, resp, body)
	_, body, code := e.batch(t, id, map[string]any{"addSheet": map[string]any{}})
	if code != 503 || !containsJSON(body, "The service is currently unavailable.") {
		t.Fatalf("%d %s", code, body)
	}
	if ss, _ := e.s.Spreadsheet(id); len(ss.Tabs) != 1 {
		t.Fatal("a failed request changed the spreadsheet")
	}
	// 3 updates and 1 batchUpdate were writes; the read was not.
	if w, r := e.s.Calls(KindSheetsWrite), e.s.Calls(KindValuesGet); w != 4 || r != 1 {
		t.Fatalf("writes %d, reads %d", w, r)
	}
	e.s.SetLatency(KindSheetsWrite, 100*time.Millisecond)
	start := time.Now()
	resp, body = e.sheetsCall(t, "POST", valuesPath(id, "Sheet1", "clear"), nil, nil)
	if sheetsOK(t, resp, body); time.Since(start) < 100*time.Millisecond {
		t.Fatal("a write was not delayed")
	}
	e.s.SetLatency(KindSheetsWrite, 0)
	if n := e.s.MaxBodyBytes(KindValuesUpdate); n != int64(len(`{"values":[["x"]]}`)) {
		t.Fatalf("largest update body %d bytes", n)
	}
	if n := e.s.MaxBodyBytes(KindSheetsWrite); n != int64(len(`{"requests":[{"addSheet":{}}]}`)) {
		t.Fatalf("largest write body %d bytes", n)
	}
}

// TestSheetsQuota: with the quota on, the 61st write in a minute gets the
// 429, and a minute later writes go through again.
func TestSheetsQuota(t *testing.T) {
	e := newRaw(t)
	now := fixedTime
	e.s.SetClock(func() time.Time { return now })
	e.s.SetSheetsQuota(60, 0)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{})
	write := func() *http.Response {
		resp, _ := e.sheetsCall(t, "PUT", valuesPath(id, "Sheet1!A1", ""), raw, map[string]any{"values": rows(row("x"))})
		return resp
	}
	for i := range 60 {
		if resp := write(); resp.StatusCode != 200 {
			t.Fatalf("write %d: %d", i+1, resp.StatusCode)
		}
		now = now.Add(500 * time.Millisecond)
	}
	if resp := write(); resp.StatusCode != 429 {
		t.Fatalf("61st write in a minute: %d", resp.StatusCode)
	}
	resp, body := e.sheetsCall(t, "GET", valuesPath(id, "Sheet1", ""), url.Values{}, nil)
	sheetsOK(t, resp, body) // reads have their own quota, off here
	now = now.Add(31 * time.Second)
	if resp := write(); resp.StatusCode != 200 {
		t.Fatalf("after a minute: %d", resp.StatusCode)
	}
}

// TestSheetsServiceDisabled: a project without the Sheets API gets the
// 403 Google sends, naming the project and the page that enables it.
func TestSheetsServiceDisabled(t *testing.T) {
	e := newRaw(t)
	id := e.s.AddSpreadsheet(SpreadsheetSpec{})
	e.s.FailNext(KindSheetsGet, 1, SheetsServiceDisabled())
	resp, body := e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id, nil, nil)
	activate := "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=1234567890"
	se := wantSheetsError(t, resp, body, 403, "PERMISSION_DENIED", "Google Sheets API has not been used in project 1234567890 before or it is disabled. "+
		"Enable it by visiting "+activate+" then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.")
	md, _ := se.Error.Details[0]["metadata"].(map[string]any)
	if se.Error.Details[0]["reason"] != "SERVICE_DISABLED" || md["activationUrl"] != activate || md["consumer"] != "projects/1234567890" {
		t.Fatalf("%s", body)
	}
	resp, body = e.sheetsCall(t, "GET", "/v4/spreadsheets/"+id, nil, nil)
	sheetsOK(t, resp, body)
}

// TestASpreadsheetIsADriveFile: as at Google, files.get tells whether the
// user may edit a spreadsheet (a viewer may not), and answers 404 for one
// not shared with them.
func TestASpreadsheetIsADriveFile(t *testing.T) {
	e := newRaw(t)
	for _, tc := range []struct {
		spec    SpreadsheetSpec
		code    int
		canEdit bool
	}{
		{SpreadsheetSpec{Title: "Mine"}, 200, true},
		{SpreadsheetSpec{Title: "Viewer", ReadOnly: true}, 200, false},
		{SpreadsheetSpec{Title: "Hidden", Hidden: true}, 404, false},
	} {
		id := e.s.AddSpreadsheet(tc.spec)
		resp, body := e.do(t, req{method: "GET", path: "/drive/v3/files/" + id, query: url.Values{"fields": {"mimeType,name,capabilities(canEdit)"}}})
		if resp.StatusCode != tc.code {
			t.Fatalf("%s: %d %s", tc.spec.Title, resp.StatusCode, body)
		}
		if tc.code != 200 {
			continue
		}
		var f struct {
			Name, MimeType string
			Capabilities   struct{ CanEdit bool }
		}
		if err := json.Unmarshal(body, &f); err != nil || f.Name != tc.spec.Title || f.MimeType != SpreadsheetMimeType || f.Capabilities.CanEdit != tc.canEdit {
			t.Fatalf("%s: %s", tc.spec.Title, body)
		}
	}
}
