package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/email"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/sheets"
	"github.com/dbbackup/dbbackup/internal/state"
)

// SyncProgress is how a sync goes, for a terminal: the tab being written
// and how far.
type SyncProgress struct {
	Job, Sheet string
	sheets.Progress
}

// SyncNow runs the Google Sheets sync job name now, under its lock (see
// SyncLock): it reads the database of the sync job's backup job (its
// DATABASE_URL, secrets opened) and writes each of its tabs with the
// token of `dbbackup token`, an append going on from the key the history
// kept. Every run is recorded in the history (as skipped when another
// sync of the job holds the lock) and reported by email under the backup
// job's EMAIL_TO and EMAIL_ON. progress (may be nil) hears how it goes.
//
// The outcome is nil only for a sync job that does not exist
// (*NoSyncJobError, not recorded). The error is the sync's failure, or,
// when it succeeded, one wrapping dbbackup.ErrReportNotSent.
func (a *App) SyncNow(ctx context.Context, name string, log *slog.Logger, progress func(SyncProgress)) (*dbbackup.SyncOutcome, error) {
	o := &dbbackup.SyncOutcome{Job: name, Started: a.now()}
	sj, err := a.LoadSyncJob(ctx, name)
	if errors.As(err, new(*NoSyncJobError)) {
		return nil, err
	}
	if err != nil {
		return o, a.syncFailedEarly(ctx, o, config.DefaultJob, err, log)
	}
	o.BackupJob, o.Spreadsheet = sj.Job, sj.SpreadsheetID
	cfg, err := a.LoadJob(ctx, sj.Job, nil)
	if err != nil {
		return o, a.syncFailedEarly(ctx, o, sj.Job, fmt.Errorf("the backup job %s it reads from: %w", sj.Job, err), log)
	}
	o.Database, _ = DatabaseName(cfg)
	o.Warnings = settingWarnings(cfg)
	var n *email.Notifier
	if len(cfg.Email.To) > 0 {
		if n, err = NewNotifier(&cfg.Email, log); err != nil {
			return o, a.finishSync(ctx, o, err, nil, nil, cfg.StateDir, log)
		}
	}
	store, err := state.Open(cfg.StateDir)
	if err != nil {
		log.Warn("run history unavailable: this sync is not recorded", "err", err, "hint", dbbackup.Explain(err).Hint)
		o.Warnings = append(o.Warnings, "this sync could not be recorded in the history: "+err.Error())
		store = nil
	} else {
		defer store.Close()
	}
	// The sync's log lines are kept with it, as a backup's are (deferred
	// after Close, so they are written first).
	kept, plain := newRunLog(MaxRunLog), log
	log = kept.tee(log)
	defer func() {
		if store != nil {
			kept.keep(ctx, store, o.RunID, plain)
		}
	}()
	unlock, err := SyncLock(cfg.StateDir, name)
	if err != nil {
		o.Skipped = lock.IsHeld(err)
		return o, a.finishSync(ctx, o, err, n, store, "", log)
	}
	defer unlock()
	if store != nil {
		if k, err := store.MarkSyncInterrupted(ctx, name); err != nil {
			log.Warn("run history", "err", err)
		} else if k > 0 {
			log.Warn("an earlier sync of this job was interrupted (killed or crashed)", "runs", k)
		}
		if o.RunID, err = store.BeginSync(ctx, name, o.Started); err != nil {
			log.Warn("run history unwritable: this sync is not recorded", "err", err)
			o.Warnings = append(o.Warnings, "this sync could not be recorded in the history: "+err.Error())
			store = nil
		}
	}
	runCtx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	err = a.syncTabs(runCtx, o, sj, cfg, store, log, progress)
	return o, a.finishSync(ctx, o, err, n, store, "", log)
}

// syncTabs writes each tab of sj in turn and records what each did in o;
// a tab that fails does not keep the next from being written, unless the
// sync was stopped. The error is the sync's.
func (a *App) syncTabs(ctx context.Context, o *dbbackup.SyncOutcome, sj *config.SyncJob, cfg *config.Config, store *state.Store,
	log *slog.Logger, progress func(SyncProgress)) error {
	sh, err := config.LoadSheets(a.envFile(), a.Explicit)
	if err != nil {
		return err
	}
	syncer, err := a.syncer(ctx, cfg, sh.WritesPerMinute, log)
	if err != nil {
		return err
	}
	sources := sj.Sources()
	var failed []dbbackup.SyncTab
	for _, src := range sources {
		target := state.SyncTarget{Spreadsheet: sj.SpreadsheetID, Sheet: src.Sheet, Source: src.Source(), Key: sj.Key}
		job := sheetsJob(cfg, sj, src)
		if store != nil && sj.Key != "" {
			if job.LastKey, _, err = store.LastSyncKey(ctx, sj.Name, target); err != nil {
				log.Warn("run history unreadable: the tab's own record of its last key is used", "err", err)
			}
		}
		if progress != nil {
			job.Progress = func(p sheets.Progress) { progress(SyncProgress{Job: sj.Name, Sheet: src.Sheet, Progress: p}) }
		}
		log.Info("sheets sync started", "tab", src.Sheet, "source", target.Source, "mode", sj.Mode, "spreadsheet", sj.SpreadsheetID)
		res, err := syncer.Sync(ctx, job)
		tab := dbbackup.SyncTab{Source: target.Source, Sheet: src.Sheet, URL: res.URL, Mode: sj.Mode, Key: sj.Key,
			Rows: res.Rows, SheetRows: res.SheetRows, LastKey: res.LastKey, HasLastKey: res.LastKey != "",
			Requests: res.Requests, Retries: res.Retries, Err: syncStopped(ctx, sj, scopeRefused(cfg.Google.TokenFile, err))}
		for _, c := range res.Cut {
			tab.Cut = append(tab.Cut, dbbackup.CutCells{Column: c.Column, Cells: c.Cells})
			o.Warnings = append(o.Warnings, fmt.Sprintf("tab %s: %s texts of column %s were cut to 50,000 characters, a cell's limit",
				src.Sheet, dbbackup.HumanCount(c.Cells), c.Column))
		}
		o.Tabs = append(o.Tabs, tab)
		if err = tab.Err; err != nil {
			log.Error("sheets sync failed", "tab", src.Sheet, "err", err)
			failed = append(failed, tab)
			if ctx.Err() != nil {
				break // stopped: the tabs after it are not begun
			}
			continue
		}
		log.Info("sheets sync finished", "tab", src.Sheet, "rows", res.Rows, "in the tab", res.SheetRows,
			"requests", res.Requests, "retries", res.Retries, "duration", res.Elapsed.Round(time.Millisecond))
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(sources) == 1:
		return failed[0].Err
	}
	return fmt.Errorf("%d of %d tabs failed; tab %s: %w", len(failed), len(sources), failed[0].Sheet, failed[0].Err)
}

// syncFailedEarly records and reports a sync whose settings could not be
// read, with the email settings of the backup job job as far as they can
// be read.
func (a *App) syncFailedEarly(ctx context.Context, o *dbbackup.SyncOutcome, job string, cause error, log *slog.Logger) error {
	e, stateDir, err := a.reportSettings(ctx, job)
	var n *email.Notifier
	if err == nil && len(e.To) > 0 {
		n, _ = NewNotifier(e, log)
	}
	store, err := state.Open(stateDir)
	if err != nil {
		log.Warn("run history unavailable: this sync is not recorded", "err", err)
		store = nil
	} else {
		defer store.Close()
	}
	return a.finishSync(ctx, o, cause, n, store, "", log)
}

// finishSync ends the sync o with err: it records it (begun as o.RunID,
// or now), then renders and sends its report and keeps that too. It
// returns err, or the report's failure when the sync succeeded. stateDir,
// when not "", is where to open the history when store is nil because it
// was not opened yet.
func (a *App) finishSync(ctx context.Context, o *dbbackup.SyncOutcome, err error, n *email.Notifier, store *state.Store,
	stateDir string, log *slog.Logger) error {
	o.Err, o.Finished = err, a.now()
	// The sync's own context may be over (a timeout, Ctrl-C): the record
	// and the report still go out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if store == nil && stateDir != "" {
		if s, err := state.Open(stateDir); err == nil {
			store = s
			defer s.Close()
		}
	}
	if n == nil {
		d := dbbackup.ReportStep(dbbackup.StepSkipped, "EMAIL_TO is not set")
		o.Delivery = &d
	}
	if store != nil {
		rerr := error(nil)
		if o.RunID == 0 {
			o.RunID, rerr = store.BeginSync(ctx, o.Job, o.Started)
		}
		if rerr == nil {
			rerr = store.FinishSync(ctx, o.RunID, o)
		}
		if rerr != nil {
			o.RunID = 0
			log.Warn("could not record the sync in the history", "err", rerr)
			o.Warnings = append(o.Warnings, "this sync could not be recorded in the history: "+rerr.Error())
		}
	}
	sendErr := reportSync(ctx, o, n, store, log)
	if err != nil || sendErr == nil {
		return err
	}
	return &dbbackup.HintError{Err: fmt.Errorf("the sync is done, but %w: %v", dbbackup.ErrReportNotSent, sendErr),
		Hint: "check SMTP_HOST and SMTP_PORT (is the mail server running?): `dbbackup check` tests them, `dbbackup history` shows the report"}
}

// reportSync renders and sends the sync's report under EMAIL_ON and
// keeps it in the history; the error is why it was not sent.
func reportSync(ctx context.Context, o *dbbackup.SyncOutcome, n *email.Notifier, store *state.Store, log *slog.Logger) error {
	if n == nil {
		return nil
	}
	subject, text, html, sendErr := email.RenderSync(o)
	wanted := n.WantsSync(o)
	if sendErr == nil && wanted {
		sendErr = n.NotifySync(ctx, o)
	}
	d := dbbackup.ReportStep(dbbackup.StepOK, "sent")
	switch {
	case sendErr != nil:
		d = dbbackup.ReportStep(dbbackup.StepFailed, sendErr.Error())
		log.Error("the report was not sent", "err", sendErr)
	case !wanted:
		d = dbbackup.ReportStep(dbbackup.StepSkipped, "EMAIL_ON does not ask for it")
	}
	o.Delivery = &d
	if store != nil && o.RunID != 0 {
		if err := store.SetReport(ctx, o.RunID, subject, text, html, d); err != nil {
			log.Warn("could not keep the report in the history", "err", err)
		}
	}
	return sendErr
}
