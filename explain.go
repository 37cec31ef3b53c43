package dbbackup

import (
	"context"
	"errors"
)

// Exit codes of the program, as the README documents them. A run a signal
// stopped exits 128 plus the signal's number (130, 143) instead.
const (
	ExitOK       = 0
	ExitFailed   = 1 // the backup, or the command, failed
	ExitConfig   = 2 // a setting or the command line is wrong
	ExitNoReport = 3 // the backup is stored, but its report could not be sent
	ExitLocked   = 4 // another run holds the lock
)

// Hinter is an error that says itself what to do about it. An adapter's
// error implements it so that Explain finds the advice without the root
// package knowing the adapter (internal/lock's HeldError does).
type Hinter interface {
	Hint() string
}

// ExitCoder is an error that names the exit code the program ends with
// (a command line the program cannot use says ExitConfig; a held lock,
// ExitLocked).
type ExitCoder interface {
	ExitCode() int
}

// Explanation is what a person is told about an error beside its text.
type Explanation struct {
	// Hint is what to do; "" when nothing better can be said than the
	// error itself.
	Hint string
	// Code is the exit code the program ends with.
	Code int
}

// Explain is the one place that turns an error into its hint and exit
// code: the command line prints them, and a run's summary, email, history
// and web page show the same hint (Outcome.Hint). A nil err is ExitOK.
//
// The hint is the first of: a *ConfigError's, a *HintError's, a Hinter's,
// then the advice for a report not sent, a timeout, an interruption, and
// for any other failure of a backup run (a *StageError).
func Explain(err error) Explanation {
	if err == nil {
		return Explanation{Code: ExitOK}
	}
	return Explanation{Hint: hintOf(err), Code: codeOf(err)}
}

func codeOf(err error) int {
	var ec ExitCoder
	switch {
	case errors.As(err, &ec):
		return ec.ExitCode()
	case errors.As(err, new(*ConfigError)):
		return ExitConfig
	case errors.Is(err, ErrReportNotSent):
		return ExitNoReport
	}
	return ExitFailed
}

func hintOf(err error) string {
	var ce *ConfigError
	var he *HintError
	var h Hinter
	if errors.As(err, &ce) && ce.Hint != "" {
		return ce.Hint
	}
	if errors.As(err, &he) && he.Hint != "" {
		return he.Hint
	}
	if errors.As(err, &h) && h.Hint() != "" {
		return h.Hint()
	}
	switch {
	case errors.Is(err, ErrReportNotSent):
		return "the backup is stored; check SMTP_HOST and SMTP_PORT (is the mail server running?): `dbbackup check` tests it, `dbbackup history` shows the report"
	case errors.Is(err, context.DeadlineExceeded):
		return "the run took longer than BACKUP_TIMEOUT allows; nothing of it was kept: raise BACKUP_TIMEOUT, or back up fewer tables or formats"
	case errors.Is(err, context.Canceled):
		return "the run was interrupted; nothing of it was kept: run it again"
	case errors.As(err, new(*StageError)):
		return "run `dbbackup check` to test every part of the setup, then `dbbackup run` to try again"
	}
	return ""
}
