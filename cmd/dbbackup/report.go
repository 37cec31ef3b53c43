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
	return email.New(email.Config{Host: e.Host, Port: e.Port, Username: e.Username, Password: e.Password,
		TLS: email.TLSMode(e.TLS), From: e.From, To: e.To, On: email.When(e.On)}, log)
}

// reportEarlyFailure emails the failure of a run that could not start
// because of its settings, when the email settings themselves are usable.
func reportEarlyFailure(ctx context.Context, g *globals, cmd *cobra.Command, cause error, log *slog.Logger) {
	e, err := config.LoadEmail(g.envFile, cmd.Flags().Changed("env-file"))
	if err != nil {
		return
	}
	rep, err := newReporter(e, log)
	if err != nil || rep == nil {
		return
	}
	job := &dbbackup.Job{Reporter: rep, Log: log}
	job.ReportFailure(ctx, cause)
}
