package dbbackup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// History records runs in the local run history.
type History interface {
	// Begin records a run of job ("" is DefaultJob) that starts now and
	// returns its id.
	Begin(ctx context.Context, job string, started time.Time) (int64, error)
	// Finish stores what the run did.
	Finish(ctx context.Context, id int64, o *Outcome) error
	// SetReport keeps the rendered report and its step (ReportStep):
	// whether it was sent, and why not.
	SetReport(ctx context.Context, id int64, subject, text, html string, delivery Step) error
	// LastSuccessful returns the row counts and size of the newest
	// successful run of job ("" is DefaultJob) and database; ok is false
	// when there is none. Runs of other jobs never count, even of the
	// same database.
	LastSuccessful(ctx context.Context, job, database string) (tables []TableCount, size int64, ok bool, err error)
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

// Job is the unattended run: remove what interrupted runs left (see
// Runner.Recover); back up; then, only if the set is stored and verified,
// apply retention; then record the run and send the report, whatever
// happened before. A failed run deletes no set. Run it only while holding
// the run lock.
type Job struct {
	// Name is the job's name ("" is DefaultJob): the history records it.
	// It must be Runner.Job: the run's sets, retention and the report's
	// changes since the last run are all that job's.
	Name      string
	Runner    *Runner
	Retention Policy // Days 0: keep every set; applied to Runner.Copy too
	Reporter  Reporter
	History   History
	// Unrecorded is why History is nil when the history could not be
	// opened: the report says so, so that a run missing from the history
	// is not a mystery.
	Unrecorded error
	// Database is the database the settings name, for the report of a
	// run that failed before it could ask the server.
	Database string
	// Warnings were found before the run began (an unknown setting, a
	// token file others can read): the report carries them, so that an
	// unattended run's email shows what only its log said.
	Warnings []string
	Log      *slog.Logger
	// RestoreTest, when set, tests every stored and verified set before
	// retention runs (BACKUP_VERIFY): a set that fails it fails the run,
	// and no older set is deleted.
	RestoreTest RestoreTester
}

// Run performs the job. Its error is the backup's failure (a *StageError)
// or, when the backup succeeded, an error wrapping ErrReportNotSent.
func (j *Job) Run(ctx context.Context, observe Observer) (*Outcome, error) {
	r := j.Runner
	started := r.Now()
	o := &Outcome{Report: &Report{Started: started}, Destination: r.Dest.String(), Database: j.Database, Job: j.Name}
	if r.Copy != nil {
		o.Copy = r.Copy.String()
	}
	if jobOrDefault(j.Name) != r.job() {
		// A wiring mistake: going on would count another job's sets.
		return o, &StageError{StageConfig, fmt.Errorf("job %s was given the runner of job %s", jobOrDefault(j.Name), r.job())}
	}
	unrecorded := j.Unrecorded
	if j.History != nil {
		if o.RunID, unrecorded = j.History.Begin(ctx, j.Name, started); unrecorded != nil {
			j.Log.Warn("run history unwritable: this run is not recorded", "err", unrecorded)
		}
	}
	// Before the backup: the leftovers take room the new set may need.
	recovered, rerr := r.Recover(ctx)
	o.Leftovers = &Leftovers{Notes: recovered, Err: rerr}
	if rerr != nil {
		// The run itself stops on the same folder and says why.
		j.Log.Warn("could not look for what interrupted runs left", "err", rerr)
	}
	observe = observe.withRun(o.RunID)
	rep, err := r.Run(ctx, observe)
	if err == nil && j.RestoreTest != nil {
		observe.stage(StageRestoreTest)
		var t *RestoreTest
		t, err = j.RestoreTest(ctx, rep, observe)
		o.RestoreTest = t
		if t != nil {
			rep.Warnings = append(rep.Warnings, t.Warnings...)
		}
		if err == nil {
			err = t.Failed()
		}
		err = AtStage(StageRestoreTest, err)
	}
	err = stoppedBy(ctx, err)
	rep.Warnings = slices.Concat(j.Warnings, rep.Warnings)
	o.Report = rep
	if err != nil {
		j.fail(o, err)
	} else {
		if j.History != nil {
			var herr error
			if o.Previous, o.PreviousSize, _, herr = j.History.LastSuccessful(ctx, r.job(), rep.Snapshot.Database); herr != nil {
				j.Log.Warn("run history unreadable: the report shows no change since the last run", "err", herr)
			}
		}
		j.retain(ctx, o)
	}
	// The run's own context may be over (a timeout, Ctrl-C): the record
	// and the report still go out.
	after, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	sendErr := j.finish(after, o, unrecorded)
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

// retain applies retention to the job's sets of the database just backed
// up, in the destination and in the local copy, unless it is off or the
// clocks disagree.
func (j *Job) retain(ctx context.Context, o *Outcome) {
	r, rep := j.Runner, o.Report
	if j.Retention.Off() {
		return
	}
	if len(r.OneOff) > 0 {
		j.Log.Info("retention skipped: a run with one-off settings deletes nothing; the next regular run applies it")
		return
	}
	if skew := ClockSkew(rep.Snapshot.SnapshotTime, rep.Started, rep.Finished); skew != 0 {
		w := fmt.Sprintf("retention skipped: this machine's clock is %s away from the database server's (snapshot at %s, run started %s); set both clocks right (NTP) and the next run applies it",
			skew.Round(time.Second), rep.Snapshot.SnapshotTime.Format(time.RFC3339), rep.Started.Format(time.RFC3339))
		rep.Warnings = append(rep.Warnings, w)
		j.Log.Warn(w)
		return
	}
	prune := func(dest Destination, what string) *RetentionResult {
		res, err := Prune(ctx, dest, j.Retention, r.Now(), r.Location, r.job(), rep.Snapshot.Database, false, j.Log)
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

// ClockSkew returns how far server, the database server's time read
// between from and to by this machine's clock, lies outside that interval,
// when that is more than MaxClockSkew; 0 otherwise (and when server is
// unknown).
func ClockSkew(server, from, to time.Time) time.Duration {
	switch {
	case server.IsZero():
		return 0
	case server.Before(from.Add(-MaxClockSkew)):
		return from.Sub(server)
	case server.After(to.Add(MaxClockSkew)):
		return server.Sub(to)
	}
	return 0
}

// record finishes the run in the history (begun by the caller as
// o.RunID, or now when that is 0) and leaves its id in o.RunID, 0 when it
// is not recorded. A run that cannot be recorded says so in its own
// report.
func (j *Job) record(ctx context.Context, o *Outcome, unrecorded error) {
	if j.History != nil && unrecorded == nil {
		if o.RunID == 0 {
			o.RunID, unrecorded = j.History.Begin(ctx, j.Name, o.Report.Started)
		}
		if unrecorded == nil {
			unrecorded = j.History.Finish(ctx, o.RunID, o)
		}
	}
	if unrecorded == nil {
		return
	}
	o.RunID = 0
	if j.History != nil {
		j.Log.Warn("could not record the run in the history", "err", unrecorded)
	}
	o.Report.Warnings = append(o.Report.Warnings, "this run could not be recorded in the history: "+unrecorded.Error())
}

// fail records in o why the run failed and where. The stage is the one
// the error names (a *StageError), so the error text, the summary, the
// report and the history agree; a setting found wrong before any stage
// began is the config stage.
func (j *Job) fail(o *Outcome, err error) {
	o.Err = err
	var se *StageError
	switch {
	case errors.As(err, &se):
		o.Stage = se.Stage
	case errors.As(err, new(*ConfigError)):
		o.Stage = StageConfig
	}
}

// finish records the run (begun as o.RunID, or not yet when that is 0),
// then renders and sends its report and keeps that in the history too.
func (j *Job) finish(ctx context.Context, o *Outcome, unrecorded error) error {
	if j.Reporter == nil {
		d := ReportStep(StepSkipped, "EMAIL_TO is not set")
		o.Delivery = &d
	}
	j.record(ctx, o, unrecorded)
	return j.report(ctx, o.RunID, o)
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
	d := ReportStep(StepOK, "sent")
	switch {
	case sendErr != nil:
		d = ReportStep(StepFailed, sendErr.Error())
	case !wanted:
		d = ReportStep(StepSkipped, "EMAIL_ON does not ask for it")
	}
	o.Delivery = &d
	if j.History != nil && runID != 0 {
		if err := j.History.SetReport(ctx, runID, subject, text, html, d); err != nil {
			j.Log.Warn("could not keep the report in the history", "err", err)
		}
	}
	if sendErr != nil {
		j.Log.Error("the report was not sent", "err", sendErr)
	}
	return sendErr
}

// ReportFailure records and reports a run that could not start: a setting
// is wrong (the config stage), or another run holds the lock (the lock
// stage: the run is skipped). An unattended setup that broke, or a run
// that hangs and keeps the next ones out, is noticed that way. The
// outcome is the run as recorded; the error is why its report was not
// sent.
func (j *Job) ReportFailure(ctx context.Context, err error) (*Outcome, error) {
	now := time.Now()
	o := &Outcome{Report: &Report{Started: now, Finished: now, Warnings: slices.Clone(j.Warnings)}, Database: j.Database, Job: j.Name}
	if j.Runner != nil {
		o.Destination = j.Runner.Dest.String()
		if j.Runner.Copy != nil {
			o.Copy = j.Runner.Copy.String()
		}
	}
	j.fail(o, err)
	// A run cancelled (a signal, the server's Cancel) is still recorded
	// and reported: not with the context that was cancelled.
	after, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	return o, j.finish(after, o, j.Unrecorded)
}
