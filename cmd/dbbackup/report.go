package main

import (
	"context"
	"log/slog"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/email"
	"github.com/spf13/cobra"
)

// newReporter is the email report, or nil without EMAIL_TO.
func newReporter(e *config.Email, log *slog.Logger) (dbbackup.Reporter, error) {
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

// reportEarlyFailure records and emails the failure of a run whose
// settings could not be read: the history in STATE_DIR, the report when
// the email settings themselves are usable.
func reportEarlyFailure(ctx context.Context, g *globals, cmd *cobra.Command, cause error, log *slog.Logger) {
	e, stateDir, err := config.LoadReport(g.envFile, cmd.Flags().Changed("env-file"))
	var rep dbbackup.Reporter
	if err == nil {
		rep, _ = newReporter(e, log)
	}
	history, closeHistory, unrecorded := openHistory(stateDir, log)
	defer closeHistory()
	job := &dbbackup.Job{Reporter: rep, History: history, Unrecorded: unrecorded, Log: log}
	job.ReportFailure(ctx, cause)
}
