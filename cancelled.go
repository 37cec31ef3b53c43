package dbbackup

import (
	"context"
	"errors"
)

// Cancelled is why a run was stopped on purpose: By names who stopped it
// (a person's Cancel, "the server shutting down"). A run's context is
// cancelled with it as the cause (context.WithCancelCause), and the run's
// error then says it in words, not as the "context canceled" of whatever
// read was going on. It is context.Canceled for errors.Is: the history
// records the run as interrupted, as any other cancelled one.
type Cancelled struct {
	By string
}

func (c *Cancelled) Error() string {
	if c.By == "" {
		return "cancelled"
	}
	return "cancelled by " + c.By
}

// Is makes a Cancelled run an interrupted one.
func (c *Cancelled) Is(target error) bool { return target == context.Canceled }

// Hint says that nothing is left half-done.
func (c *Cancelled) Hint() string {
	return "nothing of this run was kept, and the sets made before are as they were; start it again when you want"
}

// stoppedBy is err, the failure of a run whose context ended, told by the
// cause it was cancelled with when that is a *Cancelled: the stage is kept
// ("export: cancelled by alice"). Any other err is returned as it is.
func stoppedBy(ctx context.Context, err error) error {
	var c *Cancelled
	if err == nil || !errors.Is(err, context.Canceled) || !errors.As(context.Cause(ctx), &c) {
		return err
	}
	var se *StageError
	if errors.As(err, &se) {
		return &StageError{se.Stage, c}
	}
	return c
}

// exportFailure is the one of errs, the failures of the formats' exports
// and of the stores that overlap them, that a failed exportAll returns;
// ctx is exportAll's own. When one failure stopped the others, it is the
// first cause. When the run was stopped from outside (cancelled, or out of
// time), every one of errs is the stop's doing, heard in whatever order the
// goroutines gave up, and the one returned names the stage that was
// interrupted: the export while any format was still being written (its
// exporter failed), even though a file already being stored may have given
// up first; the store only once every format was written.
func exportFailure(ctx context.Context, errs []error) error {
	if errors.Is(context.Cause(ctx), ErrOtherFormatFailed) {
		return firstCause(errs)
	}
	for _, err := range errs {
		var se *StageError
		if errors.As(err, &se) && se.Stage == StageExport {
			return err
		}
	}
	return firstCause(errs)
}
