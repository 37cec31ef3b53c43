package googlefake

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Sheets v4 endpoint kinds, for FailNext, SetLatency and Calls.
const (
	KindSheetsGet    Kind = "sheets.get"         // spreadsheets.get
	KindSheetsCreate Kind = "sheets.create"      // spreadsheets.create
	KindSheetsBatch  Kind = "sheets.batchUpdate" // spreadsheets.batchUpdate
	KindValuesGet    Kind = "values.get"         // values.get and values.batchGet
	KindValuesUpdate Kind = "values.update"
	KindValuesAppend Kind = "values.append"
	KindValuesClear  Kind = "values.clear"       // values.clear and values.batchClear
	KindValuesBatch  Kind = "values.batchUpdate" // values.batchUpdate
	// KindSheetsWrite stands for every Sheets call that Google counts as a
	// write request against the per-minute quota, when scripting faults or
	// counting calls.
	KindSheetsWrite Kind = "sheets.write"
)

// Google's documented limits (support.google.com/drive/answer/37603 and the
// Sheets API usage-limits page).
const (
	maxSheetCells  = 10_000_000 // per spreadsheet, every tab's grid counted
	maxSheetCols   = 18_278     // column ZZZ
	maxCellChars   = 50_000
	defaultRows    = 1000 // a new tab's grid
	defaultColumns = 26
)

// sheets reports whether k is a Sheets v4 kind.
func (k Kind) sheets() bool {
	switch k {
	case KindSheetsGet, KindSheetsCreate, KindValuesGet:
		return true
	}
	return k.sheetsWrite()
}

// sheetsWrite reports whether k counts against the write quota. Google
// counts every call that changes a spreadsheet, create included.
func (k Kind) sheetsWrite() bool {
	switch k {
	case KindSheetsCreate, KindSheetsBatch, KindValuesUpdate, KindValuesAppend, KindValuesClear, KindValuesBatch:
		return true
	}
	return false
}

// matches reports whether a fault script or a count for scripted covers a
// request of kind k.
func (k Kind) matches(scripted Kind) bool {
	return scripted == k || scripted == KindAll || (scripted == KindSheetsWrite && k.sheetsWrite())
}

// sheetsState is every spreadsheet the fake holds, by id.
type sheetsState struct {
	books map[string]*spreadsheet
	quota quotaState
}

func (st *sheetsState) init() { st.books = map[string]*spreadsheet{} }

// spreadsheet is one stored spreadsheet. A batchUpdate works on a clone and
// replaces the stored value only when every request succeeded.
type spreadsheet struct {
	id, title, locale, timeZone string
	readOnly, hidden, byApp     bool
	tabs                        []*tab // in index order
	meta                        []*devMeta
	batches                     [][]string // request names of each applied batchUpdate
}

// tab is one sheet (Google's "sheet"; "tab" here, to keep it apart from
// the API name). cells is row-major and sparse at the right and bottom:
// each row is only as long as its last written cell. A cell holds nil,
// string, float64, bool or Formula.
type tab struct {
	id                                 int64
	title                              string
	hidden                             bool
	rows, cols, frozenRows, frozenCols int
	cells                              [][]any
	formats                            []formatRun
	tabColor                           any
	owned                              bool // cells and formats belong to this value alone
}

// Formula is a cell holding a formula, entered with USER_ENTERED or as an
// updateCells formulaValue. The fake does not evaluate formulas.
type Formula string

// devMeta is one piece of developer metadata; sheetID is nil when it sits
// on the spreadsheet itself.
type devMeta struct {
	id                     int64
	key, value, visibility string
	sheetID                *int64
}

func (b *spreadsheet) clone() *spreadsheet {
	c := *b
	c.tabs = make([]*tab, len(b.tabs))
	for i, t := range b.tabs {
		tc := *t
		tc.owned = false
		c.tabs[i] = &tc
	}
	c.meta = make([]*devMeta, len(b.meta))
	for i, m := range b.meta {
		mc := *m
		c.meta[i] = &mc
	}
	c.batches = slices.Clone(b.batches)
	return &c
}

// own gives t cells and formats of its own before a batchUpdate changes
// them, so that a batch that fails leaves the stored tab untouched.
func (t *tab) own() {
	if t.owned {
		return
	}
	cells := make([][]any, len(t.cells))
	for i, row := range t.cells {
		cells[i] = slices.Clone(row)
	}
	t.cells, t.formats, t.owned = cells, slices.Clone(t.formats), true
}

func (t *tab) get(r, c int) any {
	if r < len(t.cells) && c < len(t.cells[r]) {
		return t.cells[r][c]
	}
	return nil
}

func (t *tab) set(r, c int, v any) {
	if v == nil && (r >= len(t.cells) || c >= len(t.cells[r])) {
		return
	}
	for len(t.cells) <= r {
		t.cells = append(t.cells, nil)
	}
	row := t.cells[r]
	for len(row) <= c {
		row = append(row, nil)
	}
	row[c] = v
	t.cells[r] = row
}

// cellCount is the size of every grid in b, which Google's cell limit counts.
func (b *spreadsheet) cellCount() int64 {
	var n int64
	for _, t := range b.tabs {
		n += int64(t.rows) * int64(t.cols)
	}
	return n
}

// tabByTitle finds a tab as Google does: titles compare without case.
func (b *spreadsheet) tabByTitle(title string) *tab {
	for _, t := range b.tabs {
		if strings.EqualFold(t.title, title) {
			return t
		}
	}
	return nil
}

func (b *spreadsheet) tabByID(id int64) *tab {
	for _, t := range b.tabs {
		if t.id == id {
			return t
		}
	}
	return nil
}

func (b *spreadsheet) firstVisible() *tab {
	for _, t := range b.tabs {
		if !t.hidden {
			return t
		}
	}
	return nil
}

// sheetsRoute is a Sheets request taken apart: the spreadsheet id and, for
// values calls on one range, the range as the caller wrote it.
type sheetsRoute struct {
	kind  Kind
	id    string
	rng   string
	batch bool // values.batchGet / values.batchClear
}

// parseSheetsRoute reads the escaped path, because the Go client escapes
// the range (':' → %3A, '!' → %21) and a literal ':' then only separates
// the custom verb (":append", ":batchUpdate").
func parseSheetsRoute(r *http.Request) (sheetsRoute, bool) {
	p, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v4/spreadsheets")
	if !ok {
		return sheetsRoute{}, false
	}
	m := r.Method
	if p == "" || p == "/" {
		return sheetsRoute{kind: KindSheetsCreate}, m == http.MethodPost
	}
	p = p[1:]
	id, rest, _ := strings.Cut(p, "/")
	if id, ok := strings.CutSuffix(id, ":batchUpdate"); ok && rest == "" {
		return sheetsRoute{kind: KindSheetsBatch, id: id}, m == http.MethodPost
	}
	switch {
	case rest == "" && strings.Contains(p, "/"):
		return sheetsRoute{}, false
	case rest == "":
		return sheetsRoute{kind: KindSheetsGet, id: id}, m == http.MethodGet
	case rest == "values:batchGet":
		return sheetsRoute{kind: KindValuesGet, id: id, batch: true}, m == http.MethodGet
	case rest == "values:batchUpdate":
		return sheetsRoute{kind: KindValuesBatch, id: id, batch: true}, m == http.MethodPost
	case rest == "values:batchClear":
		return sheetsRoute{kind: KindValuesClear, id: id, batch: true}, m == http.MethodPost
	}
	esc, ok := strings.CutPrefix(rest, "values/")
	if !ok || esc == "" {
		return sheetsRoute{}, false
	}
	kind := KindValuesGet
	if m == http.MethodPut {
		kind = KindValuesUpdate
	}
	if i := strings.LastIndexByte(esc, ':'); i >= 0 {
		switch esc[i+1:] {
		case "append":
			kind, esc = KindValuesAppend, esc[:i]
		case "clear":
			kind, esc = KindValuesClear, esc[:i]
		}
	}
	rng, err := url.PathUnescape(esc)
	if err != nil {
		return sheetsRoute{}, false
	}
	want := http.MethodPost
	switch kind {
	case KindValuesGet:
		want = http.MethodGet
	case KindValuesUpdate:
		want = http.MethodPut
	}
	return sheetsRoute{kind: kind, id: id, rng: rng}, m == want
}

// handleSheets is the one entry point of Sheets v4: it finds the endpoint,
// applies the per-minute quota, and hands over to the endpoint's handler.
func (s *Server) handleSheets(w http.ResponseWriter, r *http.Request) {
	rt, ok := parseSheetsRoute(r)
	if !ok {
		s.writeError(w, r, Failure{Code: 404, Message: "Method not found."})
		return
	}
	if _, fail := sheetsFields(rt, r.URL.Query().Get("fields")); fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	if fail := s.takeSheetsQuota(rt.kind); fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	switch rt.kind {
	case KindSheetsCreate:
		s.handleSheetsCreate(w, r)
	case KindSheetsGet:
		s.handleSheetsGet(w, r, rt)
	case KindSheetsBatch:
		s.handleSheetsBatch(w, r, rt)
	case KindValuesGet:
		s.handleValuesGet(w, r, rt)
	case KindValuesUpdate, KindValuesAppend:
		s.handleValuesWrite(w, r, rt)
	case KindValuesClear:
		s.handleValuesClear(w, r, rt)
	case KindValuesBatch:
		s.handleValuesBatch(w, r, rt)
	}
}

// bookLocked finds the spreadsheet a request names and checks that the
// user may read it (and, for a write kind, change it). Google answers 404
// only for ids that do not exist; a spreadsheet that exists but is not
// shared with the user, or (under drive.file) was not created by the app,
// is 403 PERMISSION_DENIED.
func (s *Server) bookLocked(rt sheetsRoute, g *grant) (*spreadsheet, *Failure) {
	b := s.sheets.books[rt.id]
	switch {
	case b == nil:
		f := sheetsNotFound()
		return nil, &f
	case b.hidden, !b.byApp && !g.has(ScopeDrive) && !g.has(ScopeDriveReadonly) &&
		!g.has(ScopeSpreadsheets) && !g.has(ScopeSpreadsheetsReadonly),
		rt.kind.sheetsWrite() && b.readOnly:
		f := sheetsForbidden()
		return nil, &f
	}
	return b, nil
}

// withBook runs fn on the request's spreadsheet under the lock, after the
// lookup and access checks, and answers fn's result or the first failure.
func (s *Server) withBook(w http.ResponseWriter, r *http.Request, rt sheetsRoute, fn func(b *spreadsheet) (map[string]any, *Failure)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, fail := s.bookLocked(rt, grantFrom(r))
	var resp map[string]any
	if fail == nil {
		resp, fail = fn(b)
	}
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	s.writeSheetsJSON(w, r, resp)
}

// parseRanges resolves ranges that must lie within their grids, as reads
// and clears need.
func (b *spreadsheet) parseRanges(ranges []string) ([]a1, *Failure) {
	out := make([]a1, 0, len(ranges))
	for _, rng := range ranges {
		a, fail := b.parseRange(rng)
		if fail == nil {
			fail = a.checkGrid()
		}
		if fail != nil {
			return nil, fail
		}
		out = append(out, a)
	}
	return out, nil
}
