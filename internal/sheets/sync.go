package sheets

import (
	"context"
	"fmt"
)

// Sync runs one sync and returns what it did. A Result comes back even
// with an error, filled as far as the sync went; an error means the sync
// failed, whatever was written: a replace that fails leaves the tab as it
// was, an append that fails leaves rows the next run accounts for.
func (s *Syncer) Sync(ctx context.Context, job Job) (Result, error) {
	if err := job.Validate(); err != nil {
		return Result{}, err
	}
	r := s.newRun(job.withDefaults())
	err := r.sync(ctx)
	r.progress("done")
	return r.result(), err
}

func (r *run) sync(ctx context.Context) error {
	r.progress("read")
	src, err := openSource(ctx, r.job, r.s.o.StatementTimeout)
	if err != nil {
		return err
	}
	defer src.close()
	if err := checkColumns(src.what, len(src.cols)); err != nil {
		return err
	}
	b, err := r.loadBook(ctx)
	if err != nil {
		return err
	}
	t := b.tab(r.job.Sheet)
	if r.job.Mode == Replace {
		return r.replace(ctx, b, src, "", false)
	}
	if t != nil && t.state == nil {
		empty, err := r.empty(ctx, t)
		if err != nil {
			return err
		}
		if !empty {
			return fmt.Errorf("tab %q of spreadsheet %s holds data no sync of dbbackup wrote, and an append would add rows below it: "+
				"name another tab, clear this one, or sync with replace once", t.title, r.job.SpreadsheetID)
		}
		t = nil
	}
	if t == nil { // the first append loads the tab as a replace does
		return r.replace(ctx, b, src, r.job.LastKey, r.job.LastKey != "")
	}
	return r.appendRows(ctx, b, src, t)
}

// empty reports whether tab t holds no value at all.
func (r *run) empty(ctx context.Context, t *tabInfo) (bool, error) {
	got, err := r.readRanges(ctx, fmt.Sprintf("read tab %q", t.title), []string{quoteTitle(t.title)})
	return err == nil && len(got[0]) == 0, err
}
