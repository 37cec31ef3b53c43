package googlefake

import (
	"encoding/json"
	"io"
	"net/http"

	sheets "google.golang.org/api/sheets/v4"
)

// spreadsheetJSON is the Spreadsheet resource without grid data, as
// spreadsheets.get returns it; only lists the tabs of only (nil: all).
func (b *spreadsheet) spreadsheetJSON(only map[*tab]bool) map[string]any {
	var tabs []any
	for i, t := range b.tabs {
		if only != nil && !only[t] {
			continue
		}
		sh := map[string]any{"properties": t.propsJSON(i)}
		if meta := b.metaJSON(&t.id); len(meta) > 0 {
			sh["developerMetadata"] = meta
		}
		tabs = append(tabs, sh)
	}
	m := map[string]any{
		"spreadsheetId": b.id,
		"properties": map[string]any{"title": b.title, "locale": b.locale, "autoRecalc": "ON_CHANGE",
			"timeZone": b.timeZone},
		"sheets":         tabs,
		"spreadsheetUrl": "https://docs.google.com/spreadsheets/d/" + b.id + "/edit",
	}
	if meta := b.metaJSON(nil); len(meta) > 0 {
		m["developerMetadata"] = meta
	}
	return m
}

// handleSheetsGet is spreadsheets.get. With ranges, only the tabs they
// name are listed (each must parse, as Google checks them); grid data
// (includeGridData=true) is not implemented.
func (s *Server) handleSheetsGet(w http.ResponseWriter, r *http.Request, rt sheetsRoute) {
	q := r.URL.Query()
	if q.Get("includeGridData") == "true" {
		s.writeError(w, r, sheetsUnimplemented("spreadsheets.get with includeGridData=true"))
		return
	}
	s.withBook(w, r, rt, func(b *spreadsheet) (map[string]any, *Failure) {
		var only map[*tab]bool
		if ranges := q["ranges"]; len(ranges) > 0 {
			targets, fail := b.parseRanges(ranges)
			if fail != nil {
				return nil, fail
			}
			only = map[*tab]bool{}
			for _, a := range targets {
				only[a.t] = true
			}
		}
		return b.spreadsheetJSON(only), nil
	})
}

// createIn is the part of a spreadsheets.create body the fake uses.
type createIn struct {
	Properties struct {
		Title    string `json:"title"`
		Locale   string `json:"locale"`
		TimeZone string `json:"timeZone"`
	} `json:"properties"`
	Sheets []struct {
		Properties sheetPropsIn `json:"properties"`
	} `json:"sheets"`
}

// handleSheetsCreate is spreadsheets.create: a spreadsheet the app
// created, so that a drive.file token reaches it too.
func (s *Server) handleSheetsCreate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	var in createIn
	fail := decodeStrict(body, new(sheets.Spreadsheet), "")
	if fail == nil && err == nil && len(body) > 0 {
		err = json.Unmarshal(body, &in)
	}
	if fail == nil && err != nil {
		f := sheetsInvalid("Invalid JSON payload received. %v", err)
		fail = &f
	}
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := newSpreadsheet(in.Properties.Title)
	b.byApp = true
	if in.Properties.Locale != "" {
		b.locale = in.Properties.Locale
	}
	if in.Properties.TimeZone != "" {
		b.timeZone = in.Properties.TimeZone
	}
	props := []sheetPropsIn{{}}
	if len(in.Sheets) > 0 {
		props = props[:0]
		for _, sh := range in.Sheets {
			props = append(props, sh.Properties)
		}
	}
	for i, p := range props {
		if _, fail := b.addTab(p, i == 0); fail != nil {
			s.writeError(w, r, *fail)
			return
		}
	}
	s.sheets.books[b.id] = b
	s.addDriveFile(b)
	s.writeSheetsJSON(w, r, b.spreadsheetJSON(nil))
}

// newSpreadsheet is an empty spreadsheet with Google's defaults and a
// fresh id (44 characters, like Google's).
func newSpreadsheet(title string) *spreadsheet {
	if title == "" {
		title = "Untitled spreadsheet"
	}
	return &spreadsheet{id: "1" + randomString(43), title: title, locale: "en_US", timeZone: "Etc/GMT"}
}
