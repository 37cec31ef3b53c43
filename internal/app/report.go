package app

import (
	"context"
	"errors"
	"log/slog"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/email"
	"github.com/dbbackup/dbbackup/internal/secret"
)

// NewReporter is the email report, or nil without EMAIL_TO.
func NewReporter(e *config.Email, log *slog.Logger) (dbbackup.Reporter, error) {
	if len(e.To) == 0 {
		log.Info("EMAIL_TO is not set: no report is emailed")
		return nil, nil
	}
	n, err := NewNotifier(e, log)
	if err != nil {
		return nil, err // not a nil *Notifier in a non-nil Reporter
	}
	return n, nil
}

// NewNotifier is the email of the settings e: what sends a job's reports
// and the settings page's test email.
func NewNotifier(e *config.Email, log *slog.Logger) (*email.Notifier, error) {
	return email.New(email.Config{Host: e.Host, Port: e.Port, Username: e.Username, Password: e.Password,
		TLS: email.TLSMode(e.TLS), From: e.From, To: e.To, On: email.When(e.On)}, log)
}

// ReportEarlyFailure records and emails the failure of a run of job that
// did not begin (its settings could not be read, or it was skipped): the
// history in STATE_DIR, the report when
// the email settings themselves are usable (a stored job's own, as far as
// they can be read without its secrets, over the .env's). A job that does
// not exist is neither recorded nor reported (the outcome is nil). The
// outcome is the run as recorded.
func (a *App) ReportEarlyFailure(ctx context.Context, job string, cause error, log *slog.Logger) *dbbackup.Outcome {
	// A stored job's report goes to its own recipients, as far as its
	// settings can be read: a secret that cannot be opened is left out.
	if errors.As(cause, new(*NoJobError)) {
		return nil
	}
	e, stateDir, err := a.reportSettings(ctx, job)
	kept := newRunLog(MaxRunLog)
	runLog := kept.tee(log)
	var rep dbbackup.Reporter
	if err == nil {
		rep, _ = NewReporter(e, runLog)
	}
	history, closeHistory, unrecorded := OpenHistory(stateDir, log)
	defer closeHistory()
	j := &dbbackup.Job{Name: job, Reporter: rep, History: history, Unrecorded: unrecorded, Log: runLog}
	o, _ := j.ReportFailure(ctx, cause)
	kept.keep(ctx, history, o.RunID, log)
	return o
}

// reportSettings are the email settings and STATE_DIR of job as far as
// they can be read when its other settings cannot: a stored job's own
// (without the secrets it keeps sealed) over the .env's. stateDir is set
// even when the email settings are wrong.
func (a *App) reportSettings(ctx context.Context, job string) (e *config.Email, stateDir string, err error) {
	own := map[string]string{}
	if job != config.DefaultJob {
		if j, _, err := a.storedJob(ctx, job); err == nil {
			for k, v := range j.Settings {
				if secret.IsSealed(v) {
					v = "" // never the .env's password, sent to the job's server
				}
				own[k] = v
			}
		}
	}
	return config.LoadReport(a.envFile(), a.Explicit, own)
}
