// Package lock keeps two runs from overlapping (a cron run and a manual
// one) with an advisory file lock. The kernel releases it when the process
// ends, however it ends, so a killed run never leaves it stuck.
package lock

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/gofrs/flock"
)

// HeldError says that another process holds the lock.
type HeldError struct {
	PID   int
	Since time.Time
	Path  string
}

func (e *HeldError) Error() string {
	if e.PID == 0 {
		return "another backup is running (lock " + e.Path + ")"
	}
	return fmt.Sprintf("another backup is running (pid %d since %s)", e.PID, e.Since.Format("2006-01-02 15:04:05"))
}

// Hint says what to do (dbbackup.Hinter).
func (e *HeldError) Hint() string {
	return "wait for it to finish (a run that was killed frees the lock by itself)"
}

// ExitCode is dbbackup.ExitLocked (dbbackup.ExitCoder): a run that found
// the lock held did not run, and a script can tell that from a failure.
func (e *HeldError) ExitCode() int { return dbbackup.ExitLocked }

var (
	_ dbbackup.Hinter    = (*HeldError)(nil)
	_ dbbackup.ExitCoder = (*HeldError)(nil)
)

// Lock is a held lock.
type Lock struct {
	fl *flock.Flock
}

// Acquire takes the lock at path without waiting, and writes this
// process's pid and start time into it for the next one to read.
// A symbolic link at path is refused, never followed: writing through it
// would overwrite whatever file it points to.
func Acquire(path string) (*Lock, error) {
	fl := flock.New(path, flock.SetPermissions(0o600), flock.SetFlag(os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, lockError(path, err)
	}
	if !ok {
		return nil, holder(path)
	}
	// The lock is on the file, not its content: writing it is safe.
	info := fmt.Sprintf("%d %s\n", os.Getpid(), time.Now().Format(time.RFC3339))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC|syscall.O_NOFOLLOW, 0)
	if err == nil {
		_, err = f.WriteString(info)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fl.Unlock()
		return nil, lockError(path, err)
	}
	return &Lock{fl: fl}, nil
}

// ErrSymlink says that the lock's path is a symbolic link.
var ErrSymlink = errors.New("is a symbolic link, not a lock file dbbackup made")

func lockError(path string, err error) error {
	if errors.Is(err, syscall.ELOOP) {
		return fmt.Errorf("lock %s %w", path, ErrSymlink)
	}
	return fmt.Errorf("lock %s: %w", path, err)
}

// Release gives the lock up.
func (l *Lock) Release() error { return l.fl.Unlock() }

func holder(path string) error {
	e := &HeldError{Path: path}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return e
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 100))
	if err != nil {
		return e
	}
	fields := strings.Fields(string(b))
	if len(fields) == 2 {
		e.PID, _ = strconv.Atoi(fields[0])
		e.Since, _ = time.Parse(time.RFC3339, fields[1])
	}
	return e
}

// IsHeld reports whether err says the lock is held elsewhere.
func IsHeld(err error) bool {
	var he *HeldError
	return errors.As(err, &he)
}
