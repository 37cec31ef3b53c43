package sheets

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"

	sheets "google.golang.org/api/sheets/v4"
)

// Developer metadata keys the sync puts on tabs.
const (
	// metaSync holds a tab's syncState: what its last sync wrote.
	metaSync = "dbbackup.sync"
	// metaPending marks a tab being written by a replace, with the title
	// it will take; a run that failed leaves it, the next one deletes it.
	metaPending = "dbbackup.pending"
)

// book is what a sync needs to know of a spreadsheet: its tabs.
type book struct {
	tabs []*tabInfo
}

type tabInfo struct {
	id          int64
	title       string
	index       int
	rows, cols  int
	hidden      bool
	state       *syncState // from metaSync, nil if none
	stateMetaID int64
	pending     string // from metaPending: the title it was to replace
}

// bookFields is what spreadsheets.get reads: tab properties and metadata,
// never cell data.
const bookFields = "sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),developerMetadata)"

func (r *run) loadBook(ctx context.Context) (*book, error) {
	var ss *sheets.Spreadsheet
	err := r.read(ctx, "open spreadsheet "+r.job.SpreadsheetID, func() error {
		var err error
		ss, err = r.s.svc.Spreadsheets.Get(r.job.SpreadsheetID).Fields(bookFields).Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, err
	}
	b := &book{}
	for _, sh := range ss.Sheets {
		p := sh.Properties
		t := &tabInfo{id: p.SheetId, title: p.Title, index: int(p.Index), hidden: p.Hidden}
		if g := p.GridProperties; g != nil {
			t.rows, t.cols = int(g.RowCount), int(g.ColumnCount)
		}
		for _, m := range sh.DeveloperMetadata {
			switch m.MetadataKey {
			case metaSync:
				var st syncState
				if json.Unmarshal([]byte(m.MetadataValue), &st) == nil {
					t.state, t.stateMetaID = &st, m.MetadataId
				}
			case metaPending:
				t.pending = m.MetadataValue
			}
		}
		b.tabs = append(b.tabs, t)
	}
	return b, nil
}

// tab finds a tab by title as Google does: without case.
func (b *book) tab(title string) *tabInfo {
	for _, t := range b.tabs {
		if strings.EqualFold(t.title, title) {
			return t
		}
	}
	return nil
}

// cells is the size of every grid, which Google's cell limit counts.
func (b *book) cells() int64 {
	var n int64
	for _, t := range b.tabs {
		n += int64(t.rows) * int64(t.cols)
	}
	return n
}

// freeID is a sheet id (or metadata id) no tab uses.
func (b *book) freeID() int64 {
	for {
		id := 1 + rand.Int64N(1<<31-1)
		used := false
		for _, t := range b.tabs {
			used = used || t.id == id || t.stateMetaID == id
		}
		if !used {
			return id
		}
	}
}
