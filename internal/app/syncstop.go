package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/sheets"
)

// syncStopped words the failure err of a tab of sj that was stopped by
// the sync's context: its timeout (the BACKUP_TIMEOUT of the backup job
// it reads from) or its caller (Ctrl-C, SIGTERM). A backup run stopped so
// keeps nothing, and dbbackup.Explain says so; a sync keeps what it had
// done, and its hint says what: a replace leaves the tab as it was (the
// new tab is swapped in only at its end), an append keeps the rows it
// appended and the next sync goes on after them, and the tabs written
// before are written. Any other err is returned as it is.
func syncStopped(ctx context.Context, sj *config.SyncJob, err error) error {
	cause := ctx.Err()
	if err == nil || cause == nil {
		return err
	}
	kept := "the tab it was writing is as it was before (a replace swaps in the new tab only once it is complete)"
	if sheets.Mode(sj.Mode) == sheets.Append {
		kept = "the rows it appended are kept, and the next sync goes on after them without doubling any"
	}
	if len(sj.Sources()) > 1 {
		kept += "; the tabs synced before it are written, the ones after it not begun"
	}
	hint := "the sync was interrupted; " + kept + ": run it again"
	if errors.Is(cause, context.DeadlineExceeded) {
		hint = fmt.Sprintf("the sync took longer than BACKUP_TIMEOUT of backup job %s allows; %s: raise BACKUP_TIMEOUT, or sync fewer rows (a query)", sj.Job, kept)
	}
	if !errors.Is(err, cause) { // PostgreSQL's or Google's words for it: keep the cause findable
		err = &stoppedError{err: err, cause: cause}
	}
	return &dbbackup.HintError{Err: err, Hint: hint}
}

// stoppedError is a failure a stopped context caused, said in the words
// of what failed; errors.Is finds both.
type stoppedError struct{ err, cause error }

func (e *stoppedError) Error() string   { return e.err.Error() }
func (e *stoppedError) Unwrap() []error { return []error{e.err, e.cause} }
