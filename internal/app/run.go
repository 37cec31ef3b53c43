package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/googleauth"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/state"
)

// Run backs up the job cfg describes now, under its lock: it removes what
// interrupted runs left, makes the set, applies retention when the set is
// stored and verified, records the run and sends its report. observe (may
// be nil) hears the run's progress; cancelling ctx stops the run cleanly.
// The outcome is nil only when the run never began (a lock held by
// another run, a setting that stops everything); the error is the run's
// failure, or wraps dbbackup.ErrReportNotSent. The run's log lines (the
// last MaxRunLog) are kept with it in the history.
func (a *App) Run(ctx context.Context, cfg *config.Config, log *slog.Logger, observe dbbackup.Observer) (*dbbackup.Outcome, error) {
	history, closeHistory, unrecorded := OpenHistory(cfg.StateDir, log)
	defer closeHistory()
	kept, plain := newRunLog(MaxRunLog), log
	log = kept.tee(log)
	var runID int64 // once the run is recorded
	defer func() { kept.keep(ctx, history, runID, plain) }()
	// A DATABASE_URL that does not parse fails with Runner, recorded.
	database, _ := DatabaseName(cfg)
	job := &dbbackup.Job{Name: cfg.Job, Retention: cfg.Retention, History: history, Unrecorded: unrecorded,
		Database: database, Warnings: settingWarnings(cfg), Log: log}
	// From here on every failure is recorded, and reported when the
	// email settings allow.
	failEarly := func(stage dbbackup.Stage, err error) error {
		var o *dbbackup.Outcome
		o, err = failEarly(ctx, job, stage, err)
		runID = o.RunID
		return err
	}
	var err error
	if job.Reporter, err = NewReporter(&cfg.Email, log); err != nil {
		return nil, failEarly(dbbackup.StageConfig, err)
	}
	unlock, err := Lock(cfg)
	if err != nil {
		stage := dbbackup.StageConfig // BACKUP_DIR cannot hold backups
		if lock.IsHeld(err) {
			stage = dbbackup.StageLock // recorded as skipped
		}
		return nil, failEarly(stage, err)
	}
	defer unlock()
	MarkInterrupted(ctx, history, cfg.Job, log)
	RemoveStaleRestores(cfg.BackupDir, log)

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	r, err := a.Runner(ctx, cfg, log)
	if err != nil {
		// A setting, or the destination that could not be reached.
		stage := dbbackup.StageCheck
		if errors.As(err, new(*dbbackup.ConfigError)) {
			stage = dbbackup.StageConfig
		}
		return nil, failEarly(stage, err)
	}
	job.Runner = r
	store, _ := history.(*state.Store)
	job.RestoreTest = a.restoreTester(cfg, log, store)
	log.Info("backup started", "destination", r.Dest.String(), "formats", fmt.Sprint(cfg.Formats))
	o, err := job.Run(ctx, observe)
	runID = o.RunID
	if err == nil {
		rep := o.Report
		log.Info("backup finished", "set", rep.SetID, "files", len(rep.Files), "bytes", rep.Size(), "duration", rep.Finished.Sub(rep.Started).Round(time.Millisecond))
	}
	return o, err
}

// settingWarnings are what the settings themselves warn about, for the
// report: an unattended run's email must show what only its log said.
func settingWarnings(cfg *config.Config) []string {
	w := append([]string{}, cfg.Warnings...)
	if cfg.DriveEnabled() {
		if e := googleauth.Exposed(cfg.Google.TokenFile); e != "" {
			w = append(w, e)
		}
	}
	return w
}

// failEarly records and reports a run that failed before its runner ran,
// and returns it as recorded and the error named by its stage.
func failEarly(ctx context.Context, job *dbbackup.Job, stage dbbackup.Stage, err error) (*dbbackup.Outcome, error) {
	err = dbbackup.AtStage(stage, err)
	o, _ := job.ReportFailure(ctx, err)
	return o, err
}
