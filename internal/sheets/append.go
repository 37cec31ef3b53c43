package sheets

import (
	"context"
	"fmt"
	"strconv"

	"github.com/dbbackup/dbbackup"
	sheets "google.golang.org/api/sheets/v4"
)

// appendRows adds to tab t, which a sync wrote before, the rows whose key
// is greater than the last key the tab's sync state records, in key
// order, with values.append.
//
// Neither a failed run nor a retry loses or doubles a row. The state is
// written only at the end of a run, so a run that failed after appending
// some chunks leaves rows below the ones the state counts: the next run
// reads the key column below them and skips, in the source, the rows they
// hold (checking each key), then appends the rest. An append whose answer
// was lost is checked before it is sent again: if its rows are in the tab,
// it is not repeated.
func (r *run) appendRows(ctx context.Context, b *book, src *source, t *tabInfo) error {
	st := t.state
	if st.Key != r.job.Key {
		return fmt.Errorf("tab %q was synced with key column %q, not %q: run one replace sync to rewrite it with the new key", t.title, st.Key, r.job.Key)
	}
	cols, key := len(src.cols), src.key
	keyCol := columnName(key)
	from := st.Rows + 2 // the row after the last one the state counts
	if st.Rows > 0 {
		from-- // and that row itself, to check it
	}
	got, err := r.readRanges(ctx, fmt.Sprintf("read the header and last rows of tab %q", t.title), []string{
		quoteTitle(t.title) + "!1:1",
		fmt.Sprintf("%s!%s%d:%s", quoteTitle(t.title), keyCol, from, keyCol),
	})
	if err != nil {
		return err
	}
	if err := r.checkHeader(t.title, src.cols, got[0]); err != nil {
		return err
	}
	probe := newEncoder(src.cols) // not enc: its counts are the run's
	below := got[1]
	if st.Rows > 0 {
		if st.LastKey == nil || len(below) == 0 || len(below[0]) == 0 || !cellEqual(probe.cell(key, []byte(*st.LastKey)), below[0][0]) {
			return r.edited(t.title, fmt.Sprintf("row %d should hold the last key synced, %s", st.Rows+1, lastKeyText(st.LastKey)))
		}
		below = below[1:]
	}
	for i, row := range below {
		if len(row) == 0 || row[0] == "" {
			return r.edited(t.title, fmt.Sprintf("row %d has no key", int(st.Rows)+2+i))
		}
	}
	if r.job.LastKey != "" && (st.LastKey == nil || *st.LastKey != r.job.LastKey) {
		r.s.o.Log.Info("the tab's own record of its last key wins over the one passed in", "tab", t.title,
			"tab_last_key", lastKeyText(st.LastKey), "passed", r.job.LastKey)
	}

	if st.LastKey != nil {
		err = src.start(ctx, *st.LastKey, true)
	} else {
		err = src.start(ctx, "", false)
	}
	if err != nil {
		return err
	}
	extra := int64(len(below))
	if src.total < extra {
		return r.edited(t.title, fmt.Sprintf("it holds %d rows after the last sync's, and the source has only %d after its last key", extra, src.total))
	}
	adding := src.total - extra
	width := max(t.cols, cols)
	grow := adding*int64(width) + int64(width-t.cols)*int64(t.rows)
	if err := checkCells(r.job.SpreadsheetID, b.cells(), grow, fmt.Sprintf("appending %s rows × %d columns to tab %q adds %s",
		dbbackup.HumanCount(adding), width, t.title, dbbackup.HumanCount(grow))); err != nil {
		return err
	}
	r.total = adding

	enc := newEncoder(src.cols)
	skipped := 0
	skip := func(row []any) (bool, error) {
		if skipped == len(below) {
			return false, nil
		}
		if !cellEqual(row[key], below[skipped][0]) {
			return false, r.edited(t.title, fmt.Sprintf("row %d holds key %v where the source's next row has %v", int(st.Rows)+2+skipped, below[skipped][0], row[key]))
		}
		skipped++
		return true, nil
	}
	next := int(st.Rows) + 2 + len(below)
	s, err := r.stream(ctx, src, enc, nil, skip, func(chunk [][]any) error {
		if err := r.appendChunk(ctx, t.title, columnsRange(t.title, cols), key, next, chunk); err != nil {
			return err
		}
		next += len(chunk)
		r.addRows(int64(len(chunk)))
		return nil
	})
	if err != nil {
		return err
	}
	if skipped < len(below) {
		return r.edited(t.title, fmt.Sprintf("it holds %d rows after the last sync's, and the source has only %d after its last key", len(below), skipped))
	}
	rows := int64(next - 2)
	lastKey := st.LastKey
	if s.lastKey != nil {
		lastKey = s.lastKey
	}
	r.progress("verify")
	if s.last != nil {
		if err := r.verifyEnd(ctx, t.title, cols, next-1, t.rows+int(adding), s.last); err != nil {
			return err
		}
	}
	state := r.state(rows, adding, lastKey)
	reqs := append(numberFormats(t.id, src.cols, enc.subSecond, st.Rows+1, rows+1),
		noteOnHeader(t.id, state.note()), replaceMeta(t.id, metaSync, metaSync, state.json()))
	err = r.batch(ctx, fmt.Sprintf("record the sync in tab %q", t.title), reqs, func(b *book) bool {
		t := b.byID(t.id)
		return t != nil && t.state != nil && t.state.SyncedAt.Equal(state.SyncedAt)
	})
	if err != nil {
		return err
	}
	r.finish(enc, src, rows, lastKey, t.id)
	return nil
}

// appendChunk adds chunk below the table of tab title, where row (1-based)
// must be the first row after it. Before a retry it reads the key column
// from row: if the chunk is there, the failed attempt was applied and is
// not repeated.
func (r *run) appendChunk(ctx context.Context, title, rng string, key, row int, chunk [][]any) error {
	keyCol := columnName(key)
	landed := func() (bool, error) {
		got, err := r.readRanges(ctx, fmt.Sprintf("check tab %q for rows of a failed append", title),
			[]string{fmt.Sprintf("%s!%s%d:%s", quoteTitle(title), keyCol, row, keyCol)})
		if err != nil || len(got[0]) == 0 {
			return false, err
		}
		if len(got[0]) != len(chunk) {
			return false, r.edited(title, fmt.Sprintf("%d rows follow row %d where %d or none were expected", len(got[0]), row-1, len(chunk)))
		}
		for i, g := range got[0] {
			if len(g) == 0 || !cellEqual(chunk[i][key], g[0]) {
				return false, r.edited(title, fmt.Sprintf("row %d does not hold the row appended there", row+i))
			}
		}
		return true, nil
	}
	var resp *sheets.AppendValuesResponse
	err := r.write(ctx, fmt.Sprintf("append rows %d to %d to tab %q", row, row+len(chunk)-1, title), func() error {
		var err error
		resp, err = r.s.svc.Spreadsheets.Values.Append(r.job.SpreadsheetID, rng, &sheets.ValueRange{Values: chunk}).
			ValueInputOption("RAW").InsertDataOption("INSERT_ROWS").Context(ctx).Do()
		return err
	}, landed)
	if err != nil || resp == nil { // resp is nil when a retry found the rows landed
		return err
	}
	var at string
	if resp.Updates != nil {
		at = resp.Updates.UpdatedRange
	}
	if first, last, ok := spanRows(at); !ok || first != row || last != row+len(chunk)-1 {
		return r.edited(title, fmt.Sprintf("Google appended the rows at %q, not at row %d", at, row))
	}
	return nil
}

// checkHeader compares the tab's header with the source's columns: an
// append must add rows of the same shape.
func (r *run) checkHeader(title string, cols []dbbackup.Column, got [][]any) error {
	var row []any
	if len(got) > 0 {
		row = got[0]
	}
	same := len(row) == len(cols)
	for i := 0; same && i < len(cols); i++ {
		same = row[i] == cols[i].Name
	}
	if same {
		return nil
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return &dbbackup.HintError{Err: fmt.Errorf("tab %q has the columns %v, and the source has %q", title, row, names),
		Hint: "the source's columns changed: run one replace sync to rewrite the tab, then append again"}
}

// edited is the error for a tab whose rows are not what its syncs wrote.
func (r *run) edited(title, what string) error {
	return &dbbackup.HintError{Err: fmt.Errorf("tab %q of spreadsheet %s was changed since its last sync: %s", title, r.job.SpreadsheetID, what),
		Hint: "an append adds rows below the ones it wrote and cannot tell where they end now: run one replace sync to rewrite the tab, then append again"}
}

func lastKeyText(k *string) string {
	if k == nil {
		return "none"
	}
	return strconv.Quote(*k)
}
