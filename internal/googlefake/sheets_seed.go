package googlefake

import (
	"fmt"
	"slices"
	"time"
)

// SpreadsheetSpec describes a spreadsheet a test puts straight into the
// fake, as if the user had made it in the web UI.
type SpreadsheetSpec struct {
	ID    string // default: a fresh 44-character id
	Title string
	Tabs  []TabSpec // default: one tab "Sheet1", 1000 × 26, sheetId 0
	// ReadOnly spreadsheets are shared with the user as a viewer: reads
	// work, writes get 403 "The caller does not have permission".
	ReadOnly bool
	// Hidden spreadsheets exist but are not shared with the user: every
	// call gets that 403 (not 404, which is for ids that do not exist).
	Hidden bool
	// ByApp marks a spreadsheet the app created, which a drive.file token
	// reaches; others answer it 403.
	ByApp bool
}

// TabSpec describes one tab. Values fill it from A1, row by row, with
// strings, numbers (any Go integer or float), booleans, Formula or nil.
type TabSpec struct {
	Title         string // default: "Sheet<n>"
	SheetID       int64  // default: 0 for the first tab, a random id for the others
	Rows, Columns int    // default: 1000 × 26
	FrozenRows    int
	Hidden        bool
	Values        [][]any
}

// AddSpreadsheet stores spec directly, bypassing checks, quotas and
// faults, and returns the spreadsheet's id. It panics on a spec Google
// would refuse (a duplicate title, a grid over the cell limit), since that
// is a mistake in the test.
func (s *Server) AddSpreadsheet(spec SpreadsheetSpec) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := newSpreadsheet(spec.Title)
	if spec.ID != "" {
		b.id = spec.ID
	}
	b.readOnly, b.hidden, b.byApp = spec.ReadOnly, spec.Hidden, spec.ByApp
	tabs := spec.Tabs
	if len(tabs) == 0 {
		tabs = []TabSpec{{}}
	}
	for i, ts := range tabs {
		p := sheetPropsIn{Title: &ts.Title, Hidden: &ts.Hidden, GridProperties: &gridPropsIn{FrozenRowCount: &ts.FrozenRows}}
		if ts.SheetID != 0 {
			p.SheetID = &ts.SheetID
		}
		if ts.Rows > 0 {
			p.GridProperties.RowCount = &ts.Rows
		}
		if ts.Columns > 0 {
			p.GridProperties.ColumnCount = &ts.Columns
		}
		t, f := b.addTab(p, i == 0)
		if f != nil {
			panic("googlefake: AddSpreadsheet: " + f.Message)
		}
		for r, row := range ts.Values {
			for c, v := range row {
				t.set(r, c, seedValue(v))
			}
		}
	}
	s.sheets.books[b.id] = b
	s.addDriveFile(b)
	return b.id
}

func seedValue(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	case string:
		if x == "" {
			return nil
		}
	case nil, float64, bool, Formula:
	default:
		panic(fmt.Sprintf("googlefake: a cell cannot hold %T", v))
	}
	return v
}

// SetSpreadsheetAccess changes how the spreadsheet is shared with the user
// (see SpreadsheetSpec), and reports whether it exists.
func (s *Server) SetSpreadsheetAccess(id string, readOnly, hidden bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.sheets.books[id]
	if b != nil {
		b.readOnly, b.hidden = readOnly, hidden
	}
	return b != nil
}

// Tab is a snapshot of one tab's properties, for assertions.
type Tab struct {
	SheetID                                  int64
	Title                                    string
	Index                                    int
	Rows, Columns, FrozenRows, FrozenColumns int
	Hidden                                   bool
	Metadata                                 []DeveloperMetadata
}

// DeveloperMetadata is a snapshot of one piece of developer metadata.
type DeveloperMetadata struct {
	ID         int64
	Key, Value string
	Visibility string
	SheetID    int64 // when OnSheet
	OnSheet    bool  // false: on the spreadsheet itself
}

// Spreadsheet is a snapshot of a stored spreadsheet, for assertions.
type Spreadsheet struct {
	ID, Title string
	Tabs      []Tab // in index order
	Metadata  []DeveloperMetadata
	// Batches lists, for each spreadsheets.batchUpdate applied, the names
	// of its requests in order ("addSheet", "deleteSheet", …).
	Batches [][]string
}

// Spreadsheet returns a snapshot of one stored spreadsheet.
func (s *Server) Spreadsheet(id string) (Spreadsheet, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.sheets.books[id]
	if b == nil {
		return Spreadsheet{}, false
	}
	out := Spreadsheet{ID: b.id, Title: b.title, Batches: slices.Clone(b.batches)}
	for i, t := range b.tabs {
		tb := Tab{SheetID: t.id, Title: t.title, Index: i, Rows: t.rows, Columns: t.cols,
			FrozenRows: t.frozenRows, FrozenColumns: t.frozenCols, Hidden: t.hidden}
		for _, m := range b.meta {
			if m.sheetID != nil && *m.sheetID == t.id {
				tb.Metadata = append(tb.Metadata, m.snapshot())
			}
		}
		out.Tabs = append(out.Tabs, tb)
	}
	for _, m := range b.meta {
		if m.sheetID == nil {
			out.Metadata = append(out.Metadata, m.snapshot())
		}
	}
	return out, true
}

func (m *devMeta) snapshot() DeveloperMetadata {
	d := DeveloperMetadata{ID: m.id, Key: m.key, Value: m.value, Visibility: m.visibility}
	if m.sheetID != nil {
		d.SheetID, d.OnSheet = *m.sheetID, true
	}
	return d
}

// Values returns a tab's cells as stored, from A1: string, float64, bool,
// Formula, or nil for an empty cell. Each row stops at its last non-empty
// cell and trailing empty rows are left out, so the length is the number
// of rows holding data. The tab is found by title, without case.
func (s *Server) Values(id, title string) ([][]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tabLocked(id, title)
	if t == nil {
		return nil, false
	}
	var out [][]any
	last := -1
	for i, row := range t.cells {
		end := len(row)
		for end > 0 && row[end-1] == nil {
			end--
		}
		out = append(out, slices.Clone(row[:end]))
		if end > 0 {
			last = i
		}
	}
	return out[:last+1], true
}

// CellFormat returns the userEnteredFormat that repeatCell and updateCells
// requests gave the cell at 0-based row and col (nil if none), e.g.
// {"textFormat": {"bold": true}} for a bold header.
func (s *Server) CellFormat(id, title string, row, col int) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tabLocked(id, title)
	if t == nil {
		return nil
	}
	f, _ := t.cellFields(row, col)["userEnteredFormat"].(map[string]any)
	return f
}

func (s *Server) tabLocked(id, title string) *tab {
	b := s.sheets.books[id]
	if b == nil {
		return nil
	}
	return b.tabByTitle(title)
}

// MaxBodyBytes is the largest request body of kind (KindSheetsWrite: of
// any Sheets write) served so far. Google documents no hard limit on a
// Sheets request and recommends at most 2 MB; the fake accepts any size
// and lets a test assert the recommendation with this.
func (s *Server) MaxBodyBytes(kind Kind) int64 {
	var n int64
	for _, r := range s.Requests() {
		if r.Kind.matches(kind) {
			n = max(n, r.BodyBytes)
		}
	}
	return n
}

// SpreadsheetMimeType is the Drive type of a Google Sheets spreadsheet.
const SpreadsheetMimeType = "application/vnd.google-apps.spreadsheet"

// SheetsOwner is the owner Drive names for a spreadsheet another user
// shares with the authorized one (ReadOnly or Hidden).
const SheetsOwner = "owner@example.com"

// addDriveFile makes spreadsheet b a Drive file too, as it is at Google:
// files.get tells its capabilities (canEdit false for a viewer) and
// answers 404 for one not shared. Called with s.mu held.
func (s *Server) addDriveFile(b *spreadsheet) {
	d := &s.drive
	now := s.now().Truncate(time.Millisecond)
	f := d.newFile(now)
	delete(d.files, f.id)
	f.id, f.name, f.mimeType, f.parents = b.id, b.title, SpreadsheetMimeType, []string{rootID}
	f.hidden, f.readOnly = b.hidden, b.readOnly
	if b.hidden || b.readOnly {
		f.owner = SheetsOwner
	}
	if b.byApp {
		f.app = appAny
	}
	d.files[f.id] = f
}
