// Command dbbackup keeps a PostgreSQL database safe: it exports it to CSV,
// XLSX, JSON and a pg_dump archive from one consistent snapshot, stores the
// files, verifies them and says exactly what happened.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	_ "time/tzdata" // BACKUP_NAME_TIMEZONE works on machines without zoneinfo

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/lock"
)

// Exit codes, as documented in the README.
const (
	exitOK       = 0
	exitFailed   = 1 // the backup failed
	exitConfig   = 2 // a setting is wrong
	exitNoReport = 3 // stored, but the report could not be sent
	exitLocked   = 4 // another run holds the lock
)

func main() {
	ctx, stopped := stopOnSignal(context.Background())
	err := newRootCommand().ExecuteContext(ctx)
	code := report(os.Stderr, err)
	if sig := stopped(); sig != 0 && code != exitOK {
		code = 128 + int(sig) // as a shell reports a program a signal ended: 130, 143
	}
	os.Exit(code)
}

// stopOnSignal returns a context that SIGINT or SIGTERM cancels, and a
// function that tells which signal did (0: none). The first signal stops
// the run cleanly (it still records and reports itself); a second one,
// during the cleanup and the report, ends the program at once.
func stopOnSignal(parent context.Context) (context.Context, func() syscall.Signal) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var got atomic.Int32
	go func() {
		sig := (<-ch).(syscall.Signal)
		got.Store(int32(sig))
		signal.Stop(ch) // the next one takes the default action
		cancel()
	}()
	return ctx, func() syscall.Signal { return syscall.Signal(got.Load()) }
}

// report is the one place that turns an error into what the user reads
// and the exit code.
func report(w io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	code, hint := exitFailed, ""
	var cfgErr *dbbackup.ConfigError
	var hintErr *dbbackup.HintError
	switch {
	case errors.As(err, &cfgErr):
		code, hint = exitConfig, cfgErr.Hint
	case errors.As(err, &usageError{}):
		code = exitConfig
		if errors.As(err, &hintErr) {
			hint = hintErr.Hint
		}
	case lock.IsHeld(err):
		code, hint = exitLocked, "wait for it to finish (a run that was killed frees the lock by itself)"
	case errors.Is(err, dbbackup.ErrReportNotSent):
		code, hint = exitNoReport, "the backup is stored; check SMTP_HOST and SMTP_PORT (is the mail server running?): `dbbackup check` tests it, `dbbackup history` shows the report"
	case errors.As(err, &hintErr):
		hint = hintErr.Hint
	case errors.Is(err, context.DeadlineExceeded):
		hint = "the run took longer than BACKUP_TIMEOUT allows; nothing of it was kept: raise BACKUP_TIMEOUT, or back up fewer formats"
	case errors.Is(err, context.Canceled):
		hint = "the run was interrupted; nothing of it was kept, run it again"
	}
	fmt.Fprintf(w, "Error: %v\n", err)
	if hint != "" {
		fmt.Fprintf(w, "Try: %s\n", hint)
	}
	return code
}

// usageError is a command line the program cannot use (exit code 2). A
// *dbbackup.HintError inside it says what to do.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }
