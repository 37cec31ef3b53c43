package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/drive"
	"github.com/dbbackup/dbbackup/internal/google"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/sheets"
)

// sheetsScopes are the scopes that let a token write a spreadsheet it did
// not make (drive.file reaches only the files dbbackup made).
var sheetsScopes = []string{"https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/spreadsheets",
	"https://www.googleapis.com/auth/drive.file"}

// syncer is the Sheets engine with the token of `dbbackup token`. Each
// sync makes its own: the token file may have changed since the last.
func (a *App) syncer(ctx context.Context, cfg *config.Config, writesPerMinute int, log *slog.Logger) (*sheets.Syncer, error) {
	g := cfg.Google
	if !slices.ContainsFunc(g.Scopes, func(s string) bool { return slices.Contains(sheetsScopes, s) }) {
		return nil, &dbbackup.ConfigError{Var: "GOOGLE_SCOPES", Problem: fmt.Sprintf("%s lets no token write to Google Sheets", strings.Join(g.Scopes, ",")),
			Hint: "add " + sheetsScopes[1] + " (or use " + config.DefaultScope + ", the default) and run `dbbackup token` again"}
	}
	gc, err := google.New(ctx, g.TokenFile, g.Scopes, log)
	if err != nil {
		return nil, err
	}
	return sheets.New(ctx, sheets.Options{HTTPClient: gc.HTTP(), Unauthorized: gc.Invalidate, Endpoint: g.APIEndpoint,
		Account: account(ctx, g, gc, log), WritesPerMinute: writesPerMinute, Retry: a.retry(), Log: log.WithGroup("sheets")})
}

// account is the email of the token's Google account, to name in the
// message of a spreadsheet it may not edit; "" when Drive does not say
// (a token with the spreadsheets scope alone may not ask).
func account(ctx context.Context, g config.Google, gc *google.Client, log *slog.Logger) string {
	d, err := drive.New(ctx, drive.Options{Endpoint: g.APIEndpoint, HTTPClient: gc.HTTP()})
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	q, err := d.Account(ctx)
	if err != nil {
		log.Debug("the token's Google account is unknown", "err", err)
		return ""
	}
	return q.User
}

// SyncLock takes the lock of the sync job name, a file in STATE_DIR: two
// syncs of one tab at once would delete each other's unfinished tab, and
// `serve` and cron may both start one. A lock another sync holds is a
// *SyncLockedError (exit code 4).
func SyncLock(stateDir, name string) (unlock func(), err error) {
	if err := UsableDir("STATE_DIR", stateDir, true); err != nil {
		return nil, err
	}
	l, err := lock.Acquire(filepath.Join(stateDir, ".sheets-"+name+".lock"))
	var held *lock.HeldError
	switch {
	case errors.As(err, &held):
		return nil, &SyncLockedError{Name: name, Held: held}
	case errors.Is(err, lock.ErrSymlink):
		return nil, &dbbackup.ConfigError{Var: "STATE_DIR", Problem: err.Error(),
			Hint: "remove the link (dbbackup makes its own lock file), and check who else can write to STATE_DIR"}
	case err != nil:
		return nil, dirError("STATE_DIR", stateDir, err)
	}
	return func() { l.Release() }, nil
}

// SyncLockedError is a sync that did not run because another sync of the
// same job holds its lock. Its hint and exit code are the lock's.
type SyncLockedError struct {
	Name string
	Held *lock.HeldError
}

func (e *SyncLockedError) Error() string {
	if e.Held.PID == 0 {
		return fmt.Sprintf("another sync of %s is running (lock %s)", e.Name, e.Held.Path)
	}
	return fmt.Sprintf("another sync of %s is running (pid %d since %s)", e.Name, e.Held.PID, e.Held.Since.Format("2006-01-02 15:04:05"))
}

func (e *SyncLockedError) Unwrap() error { return e.Held }

// scopeRefused words a call Google refused because the token was not
// granted a scope that writes Google Sheets (google.Scope): Google's own
// text of it runs to a page of JSON. Any other err is returned as it is.
func scopeRefused(tokenFile string, err error) error {
	if google.Classify(err) != google.Scope {
		return err
	}
	return &dbbackup.HintError{Err: &scopeError{tokenFile: tokenFile, err: err},
		Hint: "run `dbbackup token` again to authorize dbbackup for Google Sheets: with GOOGLE_SCOPES " + config.DefaultScope +
			" (the default) or " + sheetsScopes[1] + "; Google asks the account to agree to it"}
}

// scopeError is Google's refusal for want of a scope, said in one line;
// errors.As still finds Google's own error in it.
type scopeError struct {
	tokenFile string
	err       error
}

func (e *scopeError) Error() string {
	return fmt.Sprintf("the token in %s (GOOGLE_TOKEN_FILE) may not write to Google Sheets: it was authorized without a scope that allows it (Google answered 403 %s)",
		e.tokenFile, google.Reason(e.err))
}

func (e *scopeError) Unwrap() error { return e.err }
