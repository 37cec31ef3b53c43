// Command dbbackup keeps a PostgreSQL database safe: it exports it to CSV,
// XLSX, JSON and a pg_dump archive from one consistent snapshot, stores the
// files, verifies them and says exactly what happened.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	_ "time/tzdata" // BACKUP_NAME_TIMEZONE works on machines without zoneinfo

	"github.com/dbbackup/dbbackup"
)

// Exit codes, as documented in the README (dbbackup.Explain picks them).
const (
	exitOK       = dbbackup.ExitOK
	exitFailed   = dbbackup.ExitFailed
	exitConfig   = dbbackup.ExitConfig
	exitNoReport = dbbackup.ExitNoReport
	exitLocked   = dbbackup.ExitLocked
)

func main() {
	tuneGC(os.Getenv)
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

// report prints what the user reads of err (its hint from
// dbbackup.Explain, the same as the email and the history show) and
// returns the exit code.
func report(w io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	e := dbbackup.Explain(err)
	fmt.Fprintf(w, "Error: %v\n", err)
	if e.Hint != "" {
		fmt.Fprintf(w, "Try: %s\n", e.Hint)
	}
	return e.Code
}

// usageError is a command line the program cannot use (exit code 2). A
// *dbbackup.HintError inside it says what to do.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// ExitCode makes a usage error exit 2 (dbbackup.ExitCoder).
func (e usageError) ExitCode() int { return exitConfig }
