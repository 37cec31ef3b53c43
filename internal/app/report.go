package app

import (
	"context"
	"log/slog"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/email"
)

// NewReporter is the email report, or nil without EMAIL_TO.
func NewReporter(e *config.Email, log *slog.Logger) (dbbackup.Reporter, error) {
	if len(e.To) == 0 {
		log.Info("EMAIL_TO is not set: no report is emailed")
		return nil, nil
	}
	n, err := email.New(email.Config{Host: e.Host, Port: e.Port, Username: e.Username, Password: e.Password,
		TLS: email.TLSMode(e.TLS), From: e.From, To: e.To, On: email.When(e.On)}, log)
	if err != nil {
		return nil, err // not a nil *Notifier in a non-nil Reporter
	}
	return n, nil
}

// ReportEarlyFailure records and emails the failure of a run of job whose
// settings could not be read: the history in STATE_DIR, the report (to
// the .env's recipients) when the email settings themselves are usable.
func (a *App) ReportEarlyFailure(ctx context.Context, job string, cause error, log *slog.Logger) {
	e, stateDir, err := config.LoadReport(a.envFile(), a.Explicit)
	var rep dbbackup.Reporter
	if err == nil {
		rep, _ = NewReporter(e, log)
	}
	history, closeHistory, unrecorded := OpenHistory(stateDir, log)
	defer closeHistory()
	j := &dbbackup.Job{Name: job, Reporter: rep, History: history, Unrecorded: unrecorded, Log: log}
	j.ReportFailure(ctx, cause)
}
