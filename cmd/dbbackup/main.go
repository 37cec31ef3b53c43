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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// The first Ctrl-C stops the run cleanly; a second one, during the
		// cleanup and the report, ends the program at once.
		<-ctx.Done()
		stop()
	}()
	err := newRootCommand().ExecuteContext(ctx)
	os.Exit(report(os.Stderr, err))
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

// usageError is a command line the program cannot use (exit code 2).
type usageError struct{ error }
