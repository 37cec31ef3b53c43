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
