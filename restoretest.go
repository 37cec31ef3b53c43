package dbbackup

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// StageRestoreTest is a run's restore test (BACKUP_VERIFY): the set, stored
// and verified, is restored into a throwaway database and every table
// compared with the manifest. A run that fails it failed.
const StageRestoreTest Stage = "restore-test"

// RestoreTest is what restoring a set into a throwaway database proved, or
// why it was not made.
type RestoreTest struct {
	SetID  string
	Format Format // the files restored: dump, csv or json
	// Database is the throwaway database the set was restored into; it is
	// dropped when the test ends.
	Database string
	Tables   int
	Rows     int64
	Took     time.Duration
	// Problems are the tables that came back unlike the manifest says
	// (rows, fingerprint), one line each; none when the test passed.
	Problems []string
	// Skipped says why no restore was made; Warn marks a reason the user
	// should act on (an encrypted set without a key, a role that may not
	// create the throwaway database), not a test that is off or not due.
	Skipped string
	Warn    bool
	// Warnings are what the report must carry beside the result, such as
	// a throwaway database that could not be dropped.
	Warnings []string
}

// RestoreTester tests a run's stored and verified set by restoring it
// (Job.RestoreTest). It returns the test (nil when there was none to
// tell) and an error when the set could not be restored or came back
// different: the run then fails at StageRestoreTest, deletes nothing, and
// is reported as failed. A test that was not due, or could not be made
// for a reason that is not the set's (Skipped, Warn), is no error.
type RestoreTester func(ctx context.Context, rep *Report, observe Observer) (*RestoreTest, error)

// Failed is an error describing the problems, nil when there are none.
func (t *RestoreTest) Failed() error {
	if t == nil || len(t.Problems) == 0 {
		return nil
	}
	return fmt.Errorf("restore test of set %s from %s: %d of %d tables came back unlike the manifest: %s",
		t.SetID, t.Format, len(t.Problems), t.Tables, strings.Join(t.Problems, "; "))
}

// restoreTestStep is the restore test's step of a run.
func (o *Outcome) restoreTestStep() (StepStatus, string) {
	t := o.RestoreTest
	if !o.OK() && o.failedStage() == StageRestoreTest {
		return StepFailed, o.cause()
	}
	switch {
	case !o.OK():
		return StepSkipped, o.notRun()
	case t == nil:
		return StepSkipped, "off (BACKUP_VERIFY=never)"
	case t.Skipped != "" && t.Warn:
		return StepWarning, t.Skipped
	case t.Skipped != "":
		return StepSkipped, t.Skipped
	}
	return StepOK, fmt.Sprintf("set %s restored from %s into a throwaway database in %s: %d %s, %s %s, each identical to the manifest's fingerprint",
		t.SetID, t.Format, t.Took.Round(100*time.Millisecond), t.Tables, plural(t.Tables, "table", "tables"),
		HumanCount(t.Rows), plural(int(min(t.Rows, 2)), "row", "rows"))
}
