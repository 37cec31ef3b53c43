package main

import (
	"os"
	"path/filepath"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/lock"
)

// lockRun takes the lock that keeps runs and prunes from overlapping. It
// lives in BACKUP_DIR, which every run of one installation shares.
func lockRun(cfg *config.Config) (unlock func(), err error) {
	if err := os.MkdirAll(cfg.BackupDir, 0o750); err != nil {
		return nil, &dbbackup.ConfigError{Var: "BACKUP_DIR", Problem: err.Error(), Hint: "point BACKUP_DIR to a folder this user can write"}
	}
	l, err := lock.Acquire(filepath.Join(cfg.BackupDir, ".dbbackup.lock"))
	if err != nil {
		return nil, err
	}
	return func() { l.Release() }, nil
}
