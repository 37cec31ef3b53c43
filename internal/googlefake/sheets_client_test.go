package googlefake

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/dbbackup/dbbackup/internal/google"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	sheets "google.golang.org/api/sheets/v4"
)

// sheetsService is the official client against the fake, authorized by a
// refresh token of the given scopes (none: DefaultRefreshToken, drive).
func sheetsService(t *testing.T, s *Server, root string, scopes ...string) *sheets.Service {
	t.Helper()
	tok := DefaultRefreshToken
	if len(scopes) > 0 {
		tok = "1//fake-" + randomString(20)
		s.AddRefreshToken(DefaultClientID, tok, scopes...)
	}
	ctx := context.Background()
	hc := s.OAuth2Config(root).Client(ctx, &oauth2.Token{RefreshToken: tok})
	svc, err := sheets.NewService(ctx, option.WithEndpoint(root+"/"), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestSheetsOfficialClient runs a sync's calls through
// google.golang.org/api/sheets/v4: the client and the fake agree on paths,
// escaping, bodies and replies.
func TestSheetsOfficialClient(t *testing.T) {
	s, srv := NewTestServer(t)
	svc := sheetsService(t, s, srv.URL)

	ss, err := svc.Spreadsheets.Create(&sheets.Spreadsheet{Properties: &sheets.SpreadsheetProperties{Title: "Sync"}}).
		Fields("spreadsheetId").Do()
	if err != nil {
		t.Fatal(err)
	}
	id := ss.SpreadsheetId
	bu, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Data (new)",
			GridProperties: &sheets.GridProperties{RowCount: 3, ColumnCount: 3}}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	dataID := bu.Replies[0].AddSheet.Properties.SheetId

	link := `=HYPERLINK("https://example.com","x")`
	up, err := svc.Spreadsheets.Values.Update(id, "'Data (new)'!A1", &sheets.ValueRange{Values: [][]any{
		{"id", "link", "ok"}, {1, link, true}, {2, nil, false}}}).ValueInputOption("RAW").Do()
	if err != nil || up.UpdatedRange != "'Data (new)'!A1:C3" || up.UpdatedCells != 8 {
		t.Fatalf("update: %+v %v", up, err)
	}
	ap, err := svc.Spreadsheets.Values.Append(id, "'Data (new)'", &sheets.ValueRange{Values: [][]any{{3, "c", true}}}).
		ValueInputOption("RAW").InsertDataOption("INSERT_ROWS").Do()
	if err != nil || ap.TableRange != "'Data (new)'!A1:C3" || ap.Updates.UpdatedRange != "'Data (new)'!A4:C4" {
		t.Fatalf("append: %+v %v", ap, err)
	}

	// The swap: old Sheet1 goes, the new tab takes its place, bold frozen
	// header. Index 0 is not sent (omitempty), which under the mask means 0.
	_, err = svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{DeleteSheet: &sheets.DeleteSheetRequest{SheetId: 0}},
		{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{
			Properties: &sheets.SheetProperties{SheetId: dataID, Title: "Data", Index: 0,
				GridProperties: &sheets.GridProperties{FrozenRowCount: 1}},
			Fields: "title,index,gridProperties.frozenRowCount"}},
		{RepeatCell: &sheets.RepeatCellRequest{
			Range:  &sheets.GridRange{SheetId: dataID, StartRowIndex: 0, EndRowIndex: 1},
			Cell:   &sheets.CellData{UserEnteredFormat: &sheets.CellFormat{TextFormat: &sheets.TextFormat{Bold: true}}},
			Fields: "userEnteredFormat.textFormat.bold"}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.Spreadsheets.Get(id).Fields("sheets(properties(sheetId,title,index,gridProperties))").Do()
	if err != nil || len(got.Sheets) != 1 {
		t.Fatalf("get: %+v %v", got, err)
	}
	if p := got.Sheets[0].Properties; p.Title != "Data" || p.SheetId != dataID || p.GridProperties.FrozenRowCount != 1 || p.GridProperties.RowCount != 4 {
		t.Fatalf("tab %+v %+v", p, p.GridProperties)
	}
	vr, err := svc.Spreadsheets.Values.Get(id, "Data").ValueRenderOption("UNFORMATTED_VALUE").Do()
	want := [][]any{{"id", "link", "ok"}, {1.0, link, true}, {2.0, "", false}, {3.0, "c", true}}
	if err != nil || !reflect.DeepEqual(vr.Values, want) || vr.Range != "Data!A1:C4" {
		t.Fatalf("read back %+v %v", vr, err)
	}
	if f := s.CellFormat(id, "Data", 0, 2); !reflect.DeepEqual(f, map[string]any{"textFormat": map[string]any{"bold": true}}) {
		t.Fatalf("header format %v", f)
	}
	if v, _ := s.Values(id, "Data"); v[1][1] != link {
		t.Fatalf("RAW made %T of formula-looking text", v[1][1])
	}
}

// TestSheetsClientErrors: the fake's errors reach the official client as
// *googleapi.Error, and internal/google classifies them as it must.
func TestSheetsClientErrors(t *testing.T) {
	s, srv := NewTestServer(t)
	svc := sheetsService(t, s, srv.URL)
	id := s.AddSpreadsheet(SpreadsheetSpec{})
	ro := s.AddSpreadsheet(SpreadsheetSpec{ReadOnly: true})
	one := &sheets.ValueRange{Values: [][]any{{"x"}}}
	update := func(svc *sheets.Service, id, rng string) error {
		_, err := svc.Spreadsheets.Values.Update(id, rng, one).ValueInputOption("RAW").Do()
		return err
	}

	err := update(svc, id, "Sheet1!A1001")
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != 400 || ge.Message != "Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns: 26" ||
		google.Classify(err) != google.Invalid {
		t.Fatalf("grid: %v", err)
	}
	if err := update(svc, "nope", "Sheet1!A1"); google.Classify(err) != google.NotFound {
		t.Fatalf("missing spreadsheet: %v", err)
	}
	if err := update(svc, ro, "Sheet1!A1"); google.Classify(err) != google.Forbidden {
		t.Fatalf("read-only: %v", err)
	}
	s.FailNext(KindValuesUpdate, 1, SheetsRateLimited())
	if err := update(svc, id, "Sheet1!A1"); google.Classify(err) != google.Temporary || google.Reason(err) != "RATE_LIMIT_EXCEEDED" {
		t.Fatalf("429: %v", err)
	}
	s.FailNext(KindSheetsWrite, 1, SheetsUnavailable())
	if err := update(svc, id, "Sheet1!A1"); google.Classify(err) != google.Temporary {
		t.Fatalf("503: %v", err)
	}
	readOnly := sheetsService(t, s, srv.URL, ScopeDriveReadonly)
	if _, err := readOnly.Spreadsheets.Get(id).Do(); err != nil {
		t.Fatalf("a read with drive.readonly: %v", err)
	}
	if err := update(readOnly, id, "Sheet1!A1"); google.Classify(err) != google.Scope || google.Reason(err) != "ACCESS_TOKEN_SCOPE_INSUFFICIENT" {
		t.Fatalf("scope: %v (%v)", err, google.Reason(err))
	}
	if err := update(svc, id, "Sheet1!A1"); err != nil {
		t.Fatalf("after the faults: %v", err)
	}
}
