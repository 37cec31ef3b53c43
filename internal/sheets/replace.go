package sheets

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/dbbackup/dbbackup"
	sheets "google.golang.org/api/sheets/v4"
)

// replace writes the source's rows into a new tab, sized to them, and then
// swaps it for the tab it replaces in one batchUpdate — the old tab
// deleted, the new one renamed to its title and moved to its place — so
// that a reader sees the old rows or the new ones, never a mix, and no
// stale row survives below the new data. The new tab has a new sheet id.
// With after, only rows whose key is greater than lastKey are read (an
// Append into a tab that does not exist yet).
func (r *run) replace(ctx context.Context, b *book, src *source, lastKey string, after bool) error {
	target := r.job.Sheet
	old := b.tab(target)
	if err := src.start(ctx, lastKey, after); err != nil {
		return err
	}
	cols := len(src.cols)
	gridRows := int(max(src.total+1, 2)) // a frozen header needs a row below it
	leftovers := b.leftovers(target)
	now := b.cells()
	var reqs []*sheets.Request
	for _, t := range leftovers {
		now -= int64(t.rows) * int64(t.cols)
		reqs = append(reqs, deleteTab(t.id))
	}
	detail := fmt.Sprintf("the new tab needs %s cells (%s rows and the header × %d columns)",
		dbbackup.HumanCount(int64(gridRows)*int64(cols)), dbbackup.HumanCount(src.total), cols)
	if old != nil {
		detail += fmt.Sprintf(", while tab %q keeps its %s cells until the new one takes its place", old.title,
			dbbackup.HumanCount(int64(old.rows)*int64(old.cols)))
	}
	if err := checkCells(r.job.SpreadsheetID, now, int64(gridRows)*int64(cols), detail); err != nil {
		return err
	}
	r.total = src.total

	id, tmp := b.freeID(), tmpTitle(b)
	reqs = append(reqs, addTab(id, tmp, gridRows, cols), createMeta(id, metaPending, target), boldHeader(id, cols))
	if err := r.batch(ctx, fmt.Sprintf("add a tab to write %q into", target), reqs, func(b *book) bool { return b.byID(id) != nil }); err != nil {
		return err
	}
	swapped := false
	defer func() {
		if !swapped {
			r.dropTab(ctx, id)
		}
	}()

	enc := newEncoder(src.cols)
	header := make([]any, cols)
	for i, c := range src.cols {
		header[i] = c.Name
	}
	next := 1 // the row the next chunk starts at
	st, err := r.stream(ctx, src, enc, header, nil, func(chunk [][]any) error {
		if err := r.update(ctx, tmp, next, chunk); err != nil {
			return err
		}
		data := int64(len(chunk))
		if next == 1 {
			data-- // the header
		}
		next += len(chunk)
		r.addRows(data)
		return nil
	})
	if err != nil {
		return err
	}
	written := int64(next - 2)
	if written != src.total {
		return fmt.Errorf("read %d rows of %s where PostgreSQL counted %d in the same snapshot", written, src.what, src.total)
	}
	r.progress("verify")
	want := header
	if st.last != nil {
		want = st.last
	}
	if err := r.verifyEnd(ctx, tmp, cols, next-1, gridRows, want); err != nil {
		return err
	}

	state := r.state(written, written, st.lastKey)
	reqs = append(numberFormats(id, src.cols, enc.subSecond, 1, int64(next-1)),
		noteOnHeader(id, state.note()), replaceMeta(id, metaPending, metaSync, state.json()))
	index, hidden := len(b.tabs)-len(leftovers), false
	if old != nil {
		reqs = append(reqs, deleteTab(old.id))
		index, hidden = old.index, old.hidden
	}
	reqs = append(reqs, takePlace(id, target, index, hidden))
	r.progress("swap")
	err = r.batch(ctx, fmt.Sprintf("put the new tab in place of %q", target), reqs, func(b *book) bool {
		t := b.byID(id)
		return t != nil && t.title == target && t.state != nil
	})
	if err != nil {
		return err
	}
	swapped = true
	r.finish(enc, src, written, st.lastKey, id)
	return nil
}

// update writes chunk at row (1-based) of tab title with values.update,
// which is idempotent, and checks that Google wrote the rows asked.
func (r *run) update(ctx context.Context, title string, row int, chunk [][]any) error {
	rng := cellRange(title, 0, row)
	what := fmt.Sprintf("write rows %d to %d of tab %q", row, row+len(chunk)-1, r.job.Sheet)
	var resp *sheets.UpdateValuesResponse
	err := r.write(ctx, what, func() error {
		var err error
		resp, err = r.s.svc.Spreadsheets.Values.Update(r.job.SpreadsheetID, rng, &sheets.ValueRange{Values: chunk}).
			ValueInputOption("RAW").Context(ctx).Do()
		return err
	}, nil)
	if err != nil {
		return err
	}
	first, last, ok := spanRows(resp.UpdatedRange)
	if !ok || first != row || last != row+len(chunk)-1 || resp.UpdatedRows != int64(len(chunk)) {
		return r.mismatch(title, fmt.Sprintf("Google wrote %d rows at %s where rows %d to %d were sent", resp.UpdatedRows, resp.UpdatedRange, row, row+len(chunk)-1))
	}
	return nil
}

// tmpTitle is a title no tab has, for the tab a replace writes.
func tmpTitle(b *book) string {
	for {
		t := fmt.Sprintf("dbbackup sync %08x", rand.Uint32())
		if b.tab(t) == nil {
			return t
		}
	}
}

// state is the sync state of the tab after this run.
func (r *run) state(rows, added int64, lastKey *string) syncState {
	return syncState{Tool: "dbbackup", SyncedAt: r.s.o.Now().UTC(), Source: r.job.source(), Mode: r.job.Mode,
		Rows: rows, Added: added, Key: r.job.Key, LastKey: lastKey}
}

// finish fills the result of a sync that succeeded.
func (r *run) finish(enc *encoder, src *source, sheetRows int64, lastKey *string, sheetID int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.SheetRows = sheetRows
	if lastKey != nil {
		r.res.LastKey = *lastKey
	}
	r.res.URL = fmt.Sprintf("https://docs.google.com/spreadsheets/d/%s/edit#gid=%d", r.job.SpreadsheetID, sheetID)
	for i, n := range enc.cut {
		if n > 0 {
			r.res.Cut = append(r.res.Cut, CutColumn{Column: src.cols[i].Name, Cells: n})
		}
	}
	if len(r.res.Cut) > 0 {
		var parts []string
		for _, c := range r.res.Cut {
			parts = append(parts, fmt.Sprintf("%s (%d)", c.Column, c.Cells))
		}
		r.s.o.Log.Warn("texts longer than a cell takes were cut to 50,000 characters", "tab", r.job.Sheet, "columns", strings.Join(parts, ", "))
	}
}
