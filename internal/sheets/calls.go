package sheets

import (
	"context"
	"errors"
	"fmt"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/google"
	"google.golang.org/api/googleapi"
)

// read makes a read call, retrying temporary failures.
func (r *run) read(ctx context.Context, what string, call func() error) error {
	first := true
	return r.s.o.Retry.Do(ctx, r.s.o.Log, what, func() error {
		if !first {
			r.retried()
		}
		first = false
		return r.explain(what, call(), false)
	})
}

// write makes a write request: paced, counted, retried on temporary
// failures. Before a retry, landed (if not nil) is asked whether the
// failed attempt took effect anyway — a response lost after Google applied
// the request — so that nothing is done twice. A sync that runs out of
// tries on Google's rate limit fails with a hint: it is never reported as
// a success.
func (r *run) write(ctx context.Context, what string, call func() error, landed func() (bool, error)) error {
	first := true
	err := r.s.o.Retry.Do(ctx, r.s.o.Log, what, func() error {
		if !first {
			r.retried()
			if landed != nil {
				done, err := landed()
				if err != nil {
					return err
				}
				if done {
					return nil
				}
			}
		}
		first = false
		if err := r.s.pace.wait(ctx); err != nil {
			return err
		}
		r.mu.Lock()
		r.res.Requests++
		r.mu.Unlock()
		return r.explain(what, call(), true)
	})
	if err != nil && rateLimited(err) {
		return &dbbackup.HintError{Err: err,
			Hint: "Google kept refusing writes over the account's per-minute quota; nothing was reported as synced. " +
				"Run the sync again later, or write fewer requests a minute (SHEETS_WRITES_PER_MINUTE) when other tools share the account"}
	}
	return err
}

func rateLimited(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == 429
}

func (r *run) retried() {
	r.mu.Lock()
	r.res.Retries++
	r.mu.Unlock()
}

// explain turns a failure of the Sheets client into one that says what to
// do (see google.Explain), and words what concerns the spreadsheet.
func (r *run) explain(what string, err error, writing bool) error {
	if err == nil {
		return nil
	}
	id := r.job.SpreadsheetID
	switch google.Classify(err) {
	case google.NotFound:
		return &dbbackup.HintError{Err: &said{fmt.Sprintf("%s: there is no spreadsheet %s that %s can see", what, id, r.s.account()), err},
			Hint: "check the spreadsheet id: the part of its address between /d/ and /edit"}
	case google.Forbidden:
		return r.s.forbidden(what, id, writing, err)
	}
	return google.Explain(what, err, r.s.o.Unauthorized)
}

// forbidden says that the token's account may not open spreadsheet id,
// or (writing) not edit it, and whose account it is; cause is Google's
// refusal (nil when Drive said so beforehand).
func (s *Syncer) forbidden(what, id string, writing bool, cause error) error {
	may := "open"
	if writing {
		may = "edit"
	}
	return &dbbackup.HintError{Err: &said{fmt.Sprintf("%s: permission is missing: %s may not %s spreadsheet %s", what, s.account(), may, id), cause},
		Hint: "share the spreadsheet with that account as an Editor, or authorize an account that can edit it with `dbbackup token`"}
}

// said is Google's refusal in the engine's words: one line that names
// the spreadsheet and the account instead of Google's text, with
// Google's error still in it for google.Classify.
type said struct {
	msg string
	err error
}

func (e *said) Error() string { return e.msg }
func (e *said) Unwrap() error { return e.err }
