package dbbackup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// History records runs in the local run history.
type History interface {
	// Begin records a run that starts now and returns its id.
	Begin(ctx context.Context, started time.Time) (int64, error)
	// Finish stores what the run did.
	Finish(ctx context.Context, id int64, o *Outcome) error
	// SetReport keeps the rendered report and whether it was sent.
	SetReport(ctx context.Context, id int64, subject, text, html string, sent bool, sendErr string) error
	// LastSuccessful returns the row counts and size of the newest
	// successful run of database; ok is false when there is none.
	LastSuccessful(ctx context.Context, database string) (tables []TableCount, size int64, ok bool, err error)
}

// Reporter renders and sends the report of a run.
type Reporter interface {
	Notifier
	// Render returns the report's subject and bodies without sending it.
	Render(o *Outcome) (subject, text, html string, err error)
	// Wants reports whether this outcome is to be sent at all (EMAIL_ON).
	Wants(o *Outcome) bool
}

// ErrReportNotSent: the backup's result stands, but its report could not be
// sent (exit code 3).
var ErrReportNotSent = errors.New("the report could not be sent")

// Job is the unattended run: back up; then, only if the set is stored and
// verified, apply retention; then record the run and send the report,
// whatever happened before. A failed run deletes nothing.
type Job struct {
	Runner    *Runner
	Retention Policy // Days 0: keep every set; applied to Runner.Copy too
	Reporter  Reporter
	History   History
	Log       *slog.Logger
}

// Run performs the job. Its error is the backup's failure (a *StageError)
// or, when the backup succeeded, an error wrapping ErrReportNotSent.
func (j *Job) Run(ctx context.Context) (*Outcome, error) {
	r := j.Runner
	started := r.Now()
	o := &Outcome{Report: &Report{Started: started}, Destination: r.Dest.String()}
	var runID int64
	if j.History != nil {
		var err error
		if runID, err = j.History.Begin(ctx, started); err != nil {
			j.Log.Warn("run history unwritable: this run is not recorded", "err", err)
		}
	}
	rep, err := r.Run(ctx)
	o.Report = rep
	if err != nil {
		j.fail(o, err)
	} else {
		if j.History != nil {
			var herr error
			if o.Previous, o.PreviousSize, _, herr = j.History.LastSuccessful(ctx, rep.Snapshot.Database); herr != nil {
				j.Log.Warn("run history unreadable: the report shows no change since the last run", "err", herr)
			}
		}
		j.retain(ctx, o)
	}
	// The run's own context may be over (a timeout, Ctrl-C): the record
	// and the report still go out.
	after, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if j.History != nil && runID != 0 {
		if herr := j.History.Finish(after, runID, o); herr != nil {
			j.Log.Warn("could not record the run in the history", "err", herr)
		}
	}
	sendErr := j.report(after, runID, o)
	if err != nil {
		return o, err
	}
	if sendErr != nil {
		return o, fmt.Errorf("backup %s is stored, but %w: %v", rep.SetID, ErrReportNotSent, sendErr)
	}
	return o, nil
}

// MaxClockSkew is how far the machine's clock may be from the database
// server's before retention is skipped: a clock far ahead would make
// every set look old.
const MaxClockSkew = time.Hour

// retain applies retention to the sets of the database just backed up,
// in the destination and in the local copy, unless it is off or the
// clocks disagree.
func (j *Job) retain(ctx context.Context, o *Outcome) {
	r, rep := j.Runner, o.Report
	if j.Retention.Off() {
		return
	}
	if skew := clockSkew(rep); skew != 0 {
		w := fmt.Sprintf("retention skipped: this machine's clock is %s away from the database server's (snapshot at %s, run started %s); set both clocks right (NTP) and the next run applies it",
			skew.Round(time.Second), rep.Snapshot.SnapshotTime.Format(time.RFC3339), rep.Started.Format(time.RFC3339))
		rep.Warnings = append(rep.Warnings, w)
		j.Log.Warn(w)
		return
	}
	prune := func(dest Destination, what string) *RetentionResult {
		res, err := Prune(ctx, dest, j.Retention, r.Now(), r.Location, rep.Snapshot.Database, false, j.Log)
		if err != nil {
			rep.Warnings = append(rep.Warnings, "retention "+what+"did not run: "+err.Error()+"; the next run tries again")
		}
		return res
	}
	o.Retention = prune(r.Dest, "")
	if r.Copy != nil {
		o.CopyRetention = prune(r.Copy, "of the copy in "+r.Copy.String()+" ")
	}
}

// clockSkew returns how far the database server's time at the snapshot
// lies outside the run as this machine's clock saw it, when that is more
// than MaxClockSkew; 0 otherwise.
func clockSkew(rep *Report) time.Duration {
	at := rep.Snapshot.SnapshotTime
	switch {
	case at.IsZero():
		return 0
	case at.Before(rep.Started.Add(-MaxClockSkew)):
		return rep.Started.Sub(at)
	case at.After(rep.Finished.Add(MaxClockSkew)):
		return at.Sub(rep.Finished)
	}
	return 0
}

// fail records in o why the run failed, where, and what to do.
func (j *Job) fail(o *Outcome, err error) {
	o.Err = err
	o.Stage = StageConnect
	var se *StageError
	if errors.As(err, &se) {
		o.Stage = se.Stage
	}
	var he *HintError
	var ce *ConfigError
	switch {
	case errors.As(err, &ce):
		o.Stage, o.Hint = StageConfig, ce.Hint
	case errors.As(err, &he):
		o.Hint = he.Hint
	case errors.Is(err, context.DeadlineExceeded):
		o.Hint = "the run took longer than BACKUP_TIMEOUT allows: raise it, or back up fewer tables or formats"
	case errors.Is(err, context.Canceled):
		o.Hint = "the run was stopped before it finished; nothing of it was kept: run it again"
	}
}

// report renders and sends the report and keeps it in the history.
func (j *Job) report(ctx context.Context, runID int64, o *Outcome) error {
	if j.Reporter == nil {
		return nil
	}
	subject, text, html, rerr := j.Reporter.Render(o)
	sendErr := rerr
	wanted := j.Reporter.Wants(o)
	if rerr == nil && wanted {
		sendErr = j.Reporter.Notify(ctx, o)
	}
	if j.History != nil && runID != 0 {
		msg := ""
		switch {
		case sendErr != nil:
			msg = sendErr.Error()
		case !wanted:
			msg = "not sent: EMAIL_ON does not ask for it"
		}
		if err := j.History.SetReport(ctx, runID, subject, text, html, wanted && sendErr == nil, msg); err != nil {
			j.Log.Warn("could not keep the report in the history", "err", err)
		}
	}
	if sendErr != nil {
		j.Log.Error("the report was not sent", "err", sendErr)
	}
	return sendErr
}

// ReportFailure sends the report of a run that could not start (a
// configuration error), so that an unattended setup that broke is noticed.
func (j *Job) ReportFailure(ctx context.Context, err error) error {
	now := time.Now()
	o := &Outcome{Report: &Report{Started: now, Finished: now}}
	if j.Runner != nil {
		o.Destination = j.Runner.Dest.String()
	}
	j.fail(o, err)
	var id int64
	if j.History != nil {
		if id, err = j.History.Begin(ctx, now); err == nil {
			err = j.History.Finish(ctx, id, o)
		}
		if err != nil {
			j.Log.Warn("could not record the run in the history", "err", err)
		}
	}
	return j.report(ctx, id, o)
}
