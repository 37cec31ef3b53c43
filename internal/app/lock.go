package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/lock"
)

// Lock takes the lock that keeps the runs and prunes of the job cfg
// describes from overlapping. It lives in BACKUP_DIR, which every run of
// the job shares (LockName). A
// BACKUP_DIR that cannot hold backups is a *dbbackup.ConfigError; a lock
// held by another run, a *lock.HeldError.
func Lock(cfg *config.Config) (unlock func(), err error) {
	if err := UsableDir("BACKUP_DIR", cfg.BackupDir, true); err != nil {
		return nil, err
	}
	l, err := lock.Acquire(filepath.Join(cfg.BackupDir, LockName(cfg.Job)))
	switch {
	case lock.IsHeld(err):
		return nil, err
	case errors.Is(err, lock.ErrSymlink):
		return nil, &dbbackup.ConfigError{Var: "BACKUP_DIR", Problem: err.Error(),
			Hint: "remove the link (dbbackup makes its own lock file), and check who else can write to BACKUP_DIR"}
	case err != nil:
		return nil, dirError("BACKUP_DIR", cfg.BackupDir, err)
	}
	return func() { l.Release() }, nil
}

// UsableDir says, as a ConfigError naming variable, why dir cannot be
// written, or nil. With create a missing dir is made; without it (check,
// which changes nothing) a missing dir is fine when it could be made.
func UsableDir(variable, dir string, create bool) error {
	fi, err := os.Stat(dir)
	missing := errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
	switch {
	case err == nil && !fi.IsDir():
		return &dbbackup.ConfigError{Var: variable, Problem: dir + " is a file, not a folder",
			Hint: fmt.Sprintf("point %s to a folder (or move the file away)", variable)}
	case missing && !create:
		// It could be made when the nearest folder above it can be written.
		return UsableDir(variable, filepath.Dir(filepath.Clean(dir)), false)
	case missing:
		if err := os.MkdirAll(dir, 0o750); err != nil {
			if perr := UsableDir(variable, filepath.Dir(filepath.Clean(dir)), false); perr != nil {
				return perr // names the file in the way, or the folder that is read-only
			}
			return dirError(variable, dir, err)
		}
	case err != nil:
		return dirError(variable, dir, err)
	}
	// access(2) sees what a write would meet: permissions, and a read-only
	// file system even for root.
	if err := syscall.Access(dir, 0o3); err != nil { // W_OK|X_OK
		return dirError(variable, dir, &fs.PathError{Op: "write in", Path: dir, Err: err})
	}
	return nil
}

// dirError is a folder this user cannot write in, as a setting to change.
func dirError(variable, dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	hint := fmt.Sprintf("point %s to a folder this user can write", variable)
	if errors.Is(err, syscall.EROFS) {
		hint = fmt.Sprintf("the file system of %s is mounted read-only: remount it read-write, or point %s to a folder on another disk", dir, variable)
	}
	return &dbbackup.ConfigError{Var: variable, Problem: fmt.Sprintf("cannot write in %s: %v", dir, err), Hint: hint}
}

// LockName is the lock file of job in BACKUP_DIR: one per job, so that two
// jobs may run at once and one job never twice.
func LockName(job string) string {
	if job == "" || job == dbbackup.DefaultJob {
		return ".dbbackup.lock"
	}
	return ".dbbackup-" + job + ".lock"
}
