package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/state"
)

// weekly is how old the last restore test may be before
// BACKUP_VERIFY=weekly makes another.
const weekly = 7 * 24 * time.Hour

// restoreTester is the restore test a run of cfg's job makes after its
// set is stored and verified (BACKUP_VERIFY), nil when it makes none. It
// records every test it makes in the history (store may be nil).
func (a *App) restoreTester(cfg *config.Config, log *slog.Logger, store *state.Store) dbbackup.RestoreTester {
	if cfg.Verify.When == config.VerifyNever {
		return nil
	}
	return func(ctx context.Context, rep *dbbackup.Report, _ dbbackup.Observer) (*dbbackup.RestoreTest, error) {
		if cfg.Verify.When == config.VerifyWeekly && store != nil {
			last, ok, err := store.LastRestore(ctx, cfg.Job)
			if err != nil {
				log.Warn("run history unreadable: the restore test is made now", "err", err)
			} else if ok && rep.Started.Sub(last.At) < weekly {
				return &dbbackup.RestoreTest{Skipped: fmt.Sprintf("not due: set %s was restored and compared on %s (BACKUP_VERIFY=weekly; after-run tests every run)",
					last.SetID, last.At.Format("2006-01-02 15:04"))}, nil
			}
		}
		if _, _, err := restoreFilesOf(rep.SetID, rep.Files, ""); err != nil {
			return &dbbackup.RestoreTest{SetID: rep.SetID, Warn: true,
				Skipped: "not made: the set holds no format that restores (xlsx is for people): add csv, json or dump to BACKUP_FORMATS"}, nil
		}
		id := KeyFile(cfg, "BACKUP_VERIFY_IDENTITY", "")
		if id.Path == "" && encrypted(rep.Files) {
			return &dbbackup.RestoreTest{SetID: rep.SetID, Warn: true,
				Skipped: "not made: the set is encrypted and BACKUP_VERIFY_IDENTITY names no key to open it, so only its checksums were checked; set BACKUP_VERIFY_IDENTITY to a key file to restore-test it"}, nil
		}
		test, err := a.TestRestore(ctx, cfg, log, TestRestoreOptions{SetID: rep.SetID, Identity: id})
		var cannot *cannotTestError
		if errors.As(err, &cannot) {
			return &dbbackup.RestoreTest{SetID: rep.SetID, Warn: true,
				Skipped: "not made: " + cannot.Problem + "; " + cannot.Hint}, nil
		}
		v := state.Verification{At: time.Now(), Job: cfg.Job, SetID: rep.SetID, Database: rep.Snapshot.Database, By: "run", Restored: true}
		if err != nil {
			v.Problems, v.Detail = 1, err.Error()
		} else {
			v.OK, v.Problems, v.Tables, v.Rows = len(test.Problems) == 0, len(test.Problems), test.Tables, test.Rows
			if len(test.Problems) > 0 {
				v.Detail = test.Failed().Error()
			}
		}
		if store != nil {
			if rerr := store.RecordVerification(context.WithoutCancel(ctx), v); rerr != nil {
				log.Warn("run history: the restore test is not recorded", "err", rerr)
			}
		}
		return test, err
	}
}

// encrypted reports whether any of files is stored encrypted.
func encrypted(files []dbbackup.File) bool {
	for _, f := range files {
		if f.Encrypted {
			return true
		}
	}
	return false
}
