package dbbackup

import "context"

// Notifier tells the owner what a run did: the report email.
type Notifier interface {
	// Notify sends the report of one run. An error means the report did
	// not reach the server; the backup's own result stands.
	Notify(ctx context.Context, o *Outcome) error
}

// Outcome is everything the report of one run tells.
type Outcome struct {
	Report *Report // what the run did; never nil
	// Err is why the run failed, nil on success; Stage is where. Hint
	// says what to do.
	Err   error
	Stage Stage
	// Destination names where the sets are kept, e.g. "Google Drive
	// folder 1AbC…".
	Destination string
	// Database is the database the settings name; Report.Snapshot has
	// the server's own name once the run got that far.
	Database string
	// Job is the job that ran ("" is DefaultJob).
	Job string
	// RunID is the run's id in the history (History.Begin), 0 when it is
	// not recorded: the server links to the run's page with it.
	RunID int64
	// Previous holds the row counts and size of the previous successful
	// run, for the change columns; nil when there is none.
	Previous     []TableCount
	PreviousSize int64
	// RestoreTest is what the run's restore test proved, or why it was
	// not made; nil when restore tests are off (BACKUP_VERIFY=never).
	RestoreTest *RestoreTest
	// Retention is what retention did; nil when it did not run (it runs
	// only after a stored and verified set).
	Retention *RetentionResult
	// Copy names where the local copy beside Drive is kept
	// (BACKUP_KEEP_LOCAL), "" when there is none; CopyRetention is what
	// retention did there, nil when it did not run.
	Copy          string
	CopyRetention *RetentionResult
	// Leftovers is what the run removed of interrupted runs before it
	// began; nil when it did not get that far.
	Leftovers *Leftovers
	// Delivery is the report's step (ReportStep): nil until it is known
	// whether the report is sent, which is after it is rendered.
	Delivery *Step
}

// Quota is a destination's storage. Limit is 0 when unlimited.
type Quota struct {
	Used, Limit int64
}

// OK reports whether the run succeeded.
func (o *Outcome) OK() bool { return o.Err == nil }

// Hint is what to do about the run's failure (Explain), "" when it
// succeeded: the summary, the email and the history show this one.
func (o *Outcome) Hint() string { return Explain(o.Err).Hint }

// Skipped reports whether the run did not happen because another run held
// the lock. It is reported as a failure is: backups that stop happening
// because a run hangs must be noticed.
func (o *Outcome) Skipped() bool { return !o.OK() && o.Stage == StageLock }

// DatabaseName is the database the run backs up: the server's name for it,
// else the one the settings give, else "".
func (o *Outcome) DatabaseName() string {
	if o.Report != nil && o.Report.Snapshot.Database != "" {
		return o.Report.Snapshot.Database
	}
	return o.Database
}
