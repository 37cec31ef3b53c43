package dbbackup

import (
	"errors"
	"fmt"
	"strings"
)

// Step is one step of a run as every view of the run shows it: the
// summary `dbbackup run` prints, the email, `dbbackup history RUN` and
// the web page all render Outcome.Steps, and the history stores them as
// rows. A step is added in Outcome.Steps alone.
type Step struct {
	Name   string // stable, for programs and the history: "retention"
	Title  string // what a person reads: "Retention"
	Status StepStatus
	Detail string // one line: what the step did, or why it did not
}

// StepStatus is how a step ended.
type StepStatus string

// The statuses of a step.
const (
	StepOK      StepStatus = "ok"
	StepWarning StepStatus = "warning" // done, with something to look at
	StepFailed  StepStatus = "failed"
	StepSkipped StepStatus = "skipped" // not done: it is off, or an earlier step failed
)

// Leftovers is what a run did about what interrupted runs left, before it
// began (Runner.Recover).
type Leftovers struct {
	Notes []string // one line per interrupted run cleaned up, or not
	Err   error    // why it could not look
}

// Steps returns the steps of the run, in the order they happen: recover
// leftovers, export, store, verify, the restore test, retention, retention of the local
// copy (when there is one) and the report (once it is sent or known not
// to be).
func (o *Outcome) Steps() []Step {
	steps := []Step{
		o.step("recover", "Recover leftovers", o.recoverStep),
		o.step("export", "Export", o.runStep(StageExport, o.exported)),
		o.step("store", "Store", o.runStep(StageStore, o.stored)),
		o.step("verify", "Verify", o.runStep(StageVerify, func() string {
			return "every file listed back with the size written (and the md5, where the destination keeps one)"
		})),
		o.step("restore-test", "Restore test", o.restoreTestStep),
		o.step("retention", "Retention", func() (StepStatus, string) { return o.retentionStep(o.Retention, "") }),
	}
	if o.Copy != "" {
		steps = append(steps, o.step("copy-retention", "Retention of the local copy", func() (StepStatus, string) {
			return o.retentionStep(o.CopyRetention, " in "+o.Copy)
		}))
	}
	if o.Delivery != nil {
		steps = append(steps, *o.Delivery)
	}
	return steps
}

// ReportStep is the report's step: sent (StepOK), not asked for
// (StepSkipped), or not sent (StepFailed), detail saying why.
func ReportStep(status StepStatus, detail string) Step {
	return Step{Name: "report", Title: "Report", Status: status, Detail: detail}
}

func (o *Outcome) step(name, title string, of func() (StepStatus, string)) Step {
	status, detail := of()
	return Step{Name: name, Title: title, Status: status, Detail: detail}
}

func (o *Outcome) recoverStep() (StepStatus, string) {
	switch l := o.Leftovers; {
	case l == nil:
		return StepSkipped, o.notRun()
	case l.Err != nil:
		return StepWarning, "could not look for what interrupted runs left: " + firstLine(l.Err.Error())
	case len(l.Notes) > 0:
		return StepWarning, strings.Join(l.Notes, "; ")
	}
	return StepOK, "no interrupted run left anything to remove"
}

// stageOrder is where each stage comes in a run, to tell the steps a
// failure stopped from those that were done.
var stageOrder = map[Stage]int{StageConfig: 0, StageLock: 1, StageCheck: 2, StageConnect: 3, StageExport: 4, StageStore: 5, StageVerify: 6, StageRestoreTest: 7}

// runStep is the status of the backup's step that ends with stage (its
// detail, done, when the run got past it).
func (o *Outcome) runStep(stage Stage, done func() string) func() (StepStatus, string) {
	return func() (StepStatus, string) {
		if o.OK() {
			return StepOK, done()
		}
		failed := o.failedStage()
		switch {
		case failed == stage, stage == StageExport && failed == StageConnect:
			return StepFailed, o.cause()
		case stageOrder[failed] < stageOrder[stage]:
			return StepSkipped, o.notRun()
		}
		return StepOK, done()
	}
}

func (o *Outcome) exported() string {
	var formats []string
	for _, f := range o.Report.Files {
		if !f.Format.setFile() {
			formats = append(formats, string(f.Format))
		}
	}
	n := len(o.Report.Tables)
	return fmt.Sprintf("%d %s from one snapshot into %s", n, plural(n, "table", "tables"), strings.Join(formats, ", "))
}

func (o *Outcome) stored() string {
	n := len(o.Report.Files)
	return fmt.Sprintf("%d %s (the manifest last), %s, in %s", n, plural(n, "file", "files"), HumanSize(o.Report.Size()), o.Destination)
}

// retentionStep tells what retention did; where is " in …" for the
// local copy, "" for the destination.
func (o *Outcome) retentionStep(res *RetentionResult, where string) (StepStatus, string) {
	switch {
	case !o.OK():
		return StepSkipped, "nothing is deleted after a failed run"
	case res == nil:
		return StepSkipped, "did not run, so no set" + where + " was deleted"
	}
	kept, removed, verb := 0, len(res.Removed), "deleted"
	if res.DryRun {
		removed, verb = 0, "dry run: would delete"
	}
	for _, d := range res.Decisions {
		switch {
		case !d.Remove:
			kept++
		case res.DryRun:
			removed++
		}
	}
	detail := fmt.Sprintf("%s %d expired %s of database %s%s, kept %d", verb, removed, plural(removed, "set", "sets"), o.DatabaseName(), where, kept)
	if len(res.Failed) == 0 {
		return StepOK, detail
	}
	var failed []string
	for _, f := range res.Failed {
		failed = append(failed, f.Set.ID+" ("+firstLine(f.Err)+")")
	}
	return StepWarning, detail + "; could not delete " + strings.Join(failed, ", ") + ": the next run tries again"
}

// failedStage is the stage the run failed at.
func (o *Outcome) failedStage() Stage {
	var se *StageError
	if o.Stage == "" && errors.As(o.Err, &se) {
		return se.Stage
	}
	return o.Stage
}

// cause is the first line of why the run failed, without the stage the
// step names already.
func (o *Outcome) cause() string {
	err := o.Err
	var se *StageError
	if errors.As(err, &se) {
		err = se.Err
	}
	return firstLine(err.Error())
}

// notRun says why a step was not done: the run stopped before it.
func (o *Outcome) notRun() string {
	if o.Skipped() {
		return "another run held the lock"
	}
	if s := o.failedStage(); s != "" {
		return "the run failed at the " + string(s) + " stage"
	}
	return "the run failed before it began"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}
