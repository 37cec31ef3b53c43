package sheets

import (
	"github.com/dbbackup/dbbackup"
	sheets "google.golang.org/api/sheets/v4"
)

// The spreadsheets.batchUpdate requests a sync sends. Sheet ids are always
// sent, 0 included: the client leaves zero values out, and a missing
// sheetId is not tab 0 everywhere (a metadata location without one is no
// location at all).

func gridRange(sheetID int64, r1, r2, c1, c2 int64) *sheets.GridRange {
	return &sheets.GridRange{SheetId: sheetID, StartRowIndex: r1, EndRowIndex: r2, StartColumnIndex: c1, EndColumnIndex: c2,
		ForceSendFields: []string{"SheetId"}}
}

func sheetLocation(sheetID int64) *sheets.DeveloperMetadataLocation {
	return &sheets.DeveloperMetadataLocation{SheetId: sheetID, ForceSendFields: []string{"SheetId"}}
}

// addTab adds the tab a replace writes: sized to the data, since
// values.update does not grow a grid, with the header frozen.
func addTab(id int64, title string, rows, cols int) *sheets.Request {
	return &sheets.Request{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{
		SheetId: id, Title: title,
		GridProperties: &sheets.GridProperties{RowCount: int64(rows), ColumnCount: int64(cols), FrozenRowCount: 1},
	}}}
}

func deleteTab(id int64) *sheets.Request {
	return &sheets.Request{DeleteSheet: &sheets.DeleteSheetRequest{SheetId: id, ForceSendFields: []string{"SheetId"}}}
}

// boldHeader makes row 1 bold.
func boldHeader(sheetID int64, cols int) *sheets.Request {
	return &sheets.Request{RepeatCell: &sheets.RepeatCellRequest{
		Range:  gridRange(sheetID, 0, 1, 0, int64(cols)),
		Cell:   &sheets.CellData{UserEnteredFormat: &sheets.CellFormat{TextFormat: &sheets.TextFormat{Bold: true}}},
		Fields: "userEnteredFormat.textFormat.bold",
	}}
}

// noteOnHeader puts the sync note on A1, where a reader sees it.
func noteOnHeader(sheetID int64, note string) *sheets.Request {
	return &sheets.Request{RepeatCell: &sheets.RepeatCellRequest{
		Range:  gridRange(sheetID, 0, 1, 0, 1),
		Cell:   &sheets.CellData{Note: note},
		Fields: "note",
	}}
}

// numberFormats gives the date, time and timestamp columns their number
// format on rows [r1, r2) (0-based): a serial number shows as a date only
// with one. A column that held fractions of a second shows milliseconds,
// the finest a format shows.
func numberFormats(sheetID int64, cols []dbbackup.Column, subSecond []bool, r1, r2 int64) []*sheets.Request {
	if r2 <= r1 {
		return nil
	}
	var out []*sheets.Request
	for i, c := range cols {
		var typ, pattern string
		switch c.Kind {
		case dbbackup.KindDate:
			typ, pattern = "DATE", "yyyy-mm-dd"
		case dbbackup.KindTimestamp, dbbackup.KindTimestampTZ:
			typ, pattern = "DATE_TIME", "yyyy-mm-dd hh:mm:ss"
		case dbbackup.KindTime:
			typ, pattern = "TIME", "hh:mm:ss"
		default:
			continue
		}
		if subSecond[i] {
			pattern += ".000"
		}
		out = append(out, &sheets.Request{RepeatCell: &sheets.RepeatCellRequest{
			Range:  gridRange(sheetID, r1, r2, int64(i), int64(i)+1),
			Cell:   &sheets.CellData{UserEnteredFormat: &sheets.CellFormat{NumberFormat: &sheets.NumberFormat{Type: typ, Pattern: pattern}}},
			Fields: "userEnteredFormat.numberFormat",
		}})
	}
	return out
}

// createMeta puts developer metadata on a tab.
func createMeta(sheetID int64, key, value string) *sheets.Request {
	return &sheets.Request{CreateDeveloperMetadata: &sheets.CreateDeveloperMetadataRequest{
		DeveloperMetadata: &sheets.DeveloperMetadata{MetadataKey: key, MetadataValue: value,
			Location: sheetLocation(sheetID), Visibility: "DOCUMENT"}}}
}

// replaceMeta turns the tab's metadata of key from into key to with value:
// the pending mark of a new tab becomes its sync state in the same request.
func replaceMeta(sheetID int64, from, to, value string) *sheets.Request {
	return &sheets.Request{UpdateDeveloperMetadata: &sheets.UpdateDeveloperMetadataRequest{
		DataFilters: []*sheets.DataFilter{{DeveloperMetadataLookup: &sheets.DeveloperMetadataLookup{
			MetadataKey: from, MetadataLocation: sheetLocation(sheetID)}}},
		DeveloperMetadata: &sheets.DeveloperMetadata{MetadataKey: to, MetadataValue: value},
		Fields:            "metadataKey,metadataValue",
	}}
}

// takePlace gives the new tab the old one's title, place and visibility.
func takePlace(id int64, title string, index int, hidden bool) *sheets.Request {
	return &sheets.Request{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{
		Properties: &sheets.SheetProperties{SheetId: id, Title: title, Index: int64(index), Hidden: hidden,
			ForceSendFields: []string{"Index", "Hidden"}},
		Fields: "title,index,hidden",
	}}
}
