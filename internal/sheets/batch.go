package sheets

import (
	"context"
	"strings"
	"time"

	sheets "google.golang.org/api/sheets/v4"
)

// batch sends one spreadsheets.batchUpdate, which Google applies whole or
// not at all. landed tells, before a retry, whether a failed attempt was
// applied anyway (see write).
func (r *run) batch(ctx context.Context, what string, reqs []*sheets.Request, landed func(b *book) bool) error {
	var check func() (bool, error)
	if landed != nil {
		check = func() (bool, error) {
			b, err := r.loadBook(ctx)
			if err != nil {
				return false, err
			}
			return landed(b), nil
		}
	}
	return r.write(ctx, what, func() error {
		_, err := r.s.svc.Spreadsheets.BatchUpdate(r.job.SpreadsheetID, &sheets.BatchUpdateSpreadsheetRequest{Requests: reqs}).
			Context(ctx).Do()
		return err
	}, check)
}

// dropTab deletes a tab a failed replace was writing, so that it does not
// hold cells against the limit; if that fails too, the next run deletes
// it (it is marked pending). One attempt, even when ctx is done.
func (r *run) dropTab(ctx context.Context, id int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if r.s.pace.wait(ctx) != nil {
		return
	}
	r.mu.Lock()
	r.res.Requests++
	r.mu.Unlock()
	_, err := r.s.svc.Spreadsheets.BatchUpdate(r.job.SpreadsheetID, &sheets.BatchUpdateSpreadsheetRequest{
		Requests: []*sheets.Request{deleteTab(id)}}).Context(ctx).Do()
	if err != nil {
		r.s.o.Log.Warn("the unfinished tab of a failed sync stays until the next sync deletes it", "spreadsheet", r.job.SpreadsheetID, "err", err)
	}
}

// byID finds a tab by its sheet id.
func (b *book) byID(id int64) *tabInfo {
	for _, t := range b.tabs {
		if t.id == id {
			return t
		}
	}
	return nil
}

// leftovers are the tabs failed replaces of title left behind.
func (b *book) leftovers(title string) []*tabInfo {
	var out []*tabInfo
	for _, t := range b.tabs {
		if t.pending != "" && strings.EqualFold(t.pending, title) && !strings.EqualFold(t.title, title) {
			out = append(out, t)
		}
	}
	return out
}
